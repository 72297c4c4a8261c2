#include <csp/csp.hpp>

int main() {
  csp::wait_group wg;
  wg.add(1);
  csp::go([&] { wg.done(); });
  wg.wait();
}
