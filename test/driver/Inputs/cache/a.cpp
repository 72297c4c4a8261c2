#include "a.h"

int main() { add_in_task(); }
