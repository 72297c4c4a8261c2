#include <csp/csp.hpp>

int main() {
  csp::wait_group wg;
  csp::go([&] {
    wg.add(1);
    wg.done();
  });
  wg.wait();
}
