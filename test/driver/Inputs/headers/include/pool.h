#include <csp/csp.hpp>

inline void start() {
  csp::wait_group wg;
  csp::go([&] {
    wg.add(1);
    wg.done();
  });
  wg.wait();
}
