// A small worker pool with a classic bug: each worker registers itself with
// the wait group from inside its own task, so wait() may see a zero counter
// and return before the workers have done anything.
//
//   build/bin/csp-tidy examples/worker_pool.cpp
#include <csp/csp.hpp>

#include <cstdio>

int main() {
  auto jobs = csp::make_chan<int>(16);
  csp::wait_group wg;

  for (int w = 0; w < 4; ++w) {
    csp::go([&wg, jobs, w] {
      wg.add(1);
      for (int job : jobs)
        std::printf("worker %d: job %d\n", w, job);
      wg.done();
    });
  }

  for (int i = 0; i < 10; ++i)
    jobs.send(i);
  jobs.close();
  wg.wait();
}
