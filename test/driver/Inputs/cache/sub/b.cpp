#include "../a.h"

int helper() { return 1; }
