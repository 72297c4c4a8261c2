#pragma clang __debug crash
int main() {}
