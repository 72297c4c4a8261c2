#include <csp/csp.hpp>

void run_pool();

int main() { run_pool(); }
