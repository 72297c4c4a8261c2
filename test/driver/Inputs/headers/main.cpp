#include <pool.h>

int main() { start(); }
