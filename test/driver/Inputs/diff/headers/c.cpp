#include "wrap.h"

void other() { drain(); }
