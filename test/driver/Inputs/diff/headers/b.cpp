#include <csp/csp.hpp>

void alone() {}
