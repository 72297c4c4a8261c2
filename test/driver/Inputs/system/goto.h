inline int skip() {
  goto done;
done:
  return 0;
}
