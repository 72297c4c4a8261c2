#include <csp/csp.hpp>

void twice(bool retry) {
  auto done = csp::make_chan<int>();
  done.close();
  if (retry)
    done.close();
}

void unused() { int left = 0; }

int divide(int x) {
  int zero = 0;
  return x / zero;
}
