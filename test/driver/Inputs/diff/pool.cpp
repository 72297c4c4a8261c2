#include <csp/csp.hpp>

void process(int);

void pool() {
  auto jobs = csp::make_chan<int>(8);
  csp::wait_group wg;
  wg.add(1);
  csp::go([&wg, jobs] {
    for (int j : jobs)
      process(j);
    wg.done();
  });
  jobs.send(1);
  jobs.close();
  wg.wait();
}

void legacy() {
  auto events = csp::make_chan<int>(1);
  csp::go([events] {
    for (int e : events)
      process(e);
  });
  events.send(1);
}

void unrelated(csp::chan<int> c) {
  c.send(1);
  c.send(2);
}
