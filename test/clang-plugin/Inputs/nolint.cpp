#include <csp/csp.hpp>

int main() {
  csp::wait_group wg;
  csp::go([&] {
    wg.add(1); // NOLINT(csp-waitgroup-add-in-task): the test says why not
    wg.done();
  });
  csp::go([&] {
    // NOLINTNEXTLINE(csp-*)
    wg.add(1);
    wg.done();
  });
  csp::go([&] {
    wg.add(1); // NOLINT(csp-double-close): names another check
    wg.done();
  });
  wg.wait();
}
