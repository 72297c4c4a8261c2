#include <csp/csp.hpp>

void run_pool();

// The change adds a task counted before it starts.
void flush() {
  csp::wait_group wg;
  wg.add(1);
  csp::go([&] { wg.done(); });
  wg.wait();
}

int main() {
  run_pool();
  flush();
}
