int main() {
  goto done;
done:
  return 0;
}
