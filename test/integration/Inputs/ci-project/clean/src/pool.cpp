#include <csp/csp.hpp>

// An old finding, accepted by csp-baseline.json; the change only adds
// these comment lines above it.
void run_pool() {
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    csp::go([&] {
      wg.add(1);
      wg.done();
    });
  }
  wg.wait();
}
