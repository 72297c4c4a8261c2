#include <shadow.h>

int main() { return shadowed(); }
