#include <csp/csp.hpp>

// An old finding, accepted by csp-baseline.json.
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
