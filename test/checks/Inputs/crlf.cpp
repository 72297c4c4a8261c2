#include <csp/csp.hpp>

int main() {
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    csp::go([&] {
      wg.add(1);
      wg.done();
    });
  }
  wg.wait();
}
