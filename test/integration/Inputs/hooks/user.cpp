#include "queue.h"

int main() { drain(); }
