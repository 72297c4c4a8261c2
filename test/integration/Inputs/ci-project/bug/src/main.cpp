#include <csp/csp.hpp>

void run_pool();

// The change adds a task that counts itself too late.
void flush() {
  csp::wait_group wg;
  csp::go([&] {
    wg.add(1);
    wg.done();
  });
  wg.wait();
}

int main() {
  run_pool();
  flush();
}
