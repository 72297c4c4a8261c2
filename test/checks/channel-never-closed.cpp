// RUN: %check_csp_tidy %s csp-channel-never-closed %t

#include <csp/csp.hpp>

#include <thread>

void process(int);
void publish(csp::chan<int>);

// ---- Positive: a range loop waits for a close that never comes. --------

void workersInALoop() {
  auto jobs = csp::make_chan<int>(8);
  csp::wait_group wg;
  for (int w = 0; w < 3; ++w) {
    wg.add(1);
    csp::go([&wg, jobs] {
      for (int j : jobs)
        // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: range loop over channel 'jobs', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
        // CHECK-MESSAGES: :[[@LINE-7]]:15: note: channel 'jobs' is made here; close it once the last value is sent
        process(j);
      wg.done();
    });
  }
  jobs.send(1);
  wg.wait();
}

void consume(csp::recv_chan<int> in) {
  for (int v : in)
    // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: range loop over channel 'in', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
    // CHECK-MESSAGES: :[[@LINE+5]]:17: note: channel 'events' is made here; close it once the last value is sent
    process(v);
}

void namedConsumerOnAThread() {
  auto events = csp::make_chan<int>(2);
  std::thread t(consume, events);
  events.send(1);
  t.detach();
}

void lambdaInVariable() {
  auto ticks = csp::make_chan<int>();
  auto listener = [ticks] {
    for (int t : ticks)
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: range loop over channel 'ticks', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
      // CHECK-MESSAGES: :[[@LINE-4]]:16: note: channel 'ticks' is made here; close it once the last value is sent
      process(t);
  };
  csp::go(listener);
  ticks.send(1);
}

class Logger {
public:
  Logger() : lines_(csp::make_chan<int>(16)) {
    // CHECK-MESSAGES: :[[@LINE+5]]:7: warning: range loop over channel 'lines_', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
    // CHECK-MESSAGES: :[[@LINE-2]]:21: note: channel 'lines_' is made here; close it once the last value is sent
  }
  void start() {
    csp::go([this] {
      for (int line : lines_)
        process(line);
    });
  }
  void log(int line) { lines_.send(line); }

private:
  csp::chan<int> lines_;
};

// The range is in the spawner; the tasks only send.
void mainRangesResults() {
  auto results = csp::make_chan<int>(4);
  for (int i = 0; i < 4; ++i)
    csp::go([results, i] { results.send(i); });
  int sum = 0;
  for (int r : results)
    // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: range loop over channel 'results', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
    // CHECK-MESSAGES: :[[@LINE-6]]:18: note: channel 'results' is made here; close it once the last value is sent
    sum += r;
  process(sum);
}

// ---- Negative: somebody closes it, or the loop does not rely on it. ----

void producerClosesIt() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    for (int j : jobs)
      process(j);
  });
  jobs.send(1);
  jobs.close();
}

struct close_on_exit {
  csp::send_chan<int> ch;
  ~close_on_exit() { ch.close(); }
};

void closedThroughAGuard() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    close_on_exit guard{jobs};
    jobs.send(1);
  });
  for (int j : jobs)
    process(j);
}

void closer(csp::send_chan<int> out, csp::wait_group *wg) {
  wg->wait();
  out.close();
}

void closerTaskAfterWait() {
  auto results = csp::make_chan<int>(4);
  csp::wait_group wg;
  wg.add(1);
  csp::go([&wg, results] {
    results.send(1);
    wg.done();
  });
  csp::go(closer, results, &wg);
  for (int r : results)
    process(r);
}

// The channel is handed to code the analysis cannot see, which may close it.
void escapesToUnseenCode() {
  auto feed = csp::make_chan<int>(1);
  publish(feed);
  for (int v : feed)
    process(v);
}

// A parameter: whoever made the channel may close it.
void rangesAParameter(csp::recv_chan<int> in) {
  for (int v : in)
    process(v);
}

void loopLeavesOnASentinel() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    for (int j : jobs) {
      if (j < 0)
        break;
      process(j);
    }
  });
  jobs.send(-1);
}

void selectWithOk() {
  auto jobs = csp::make_chan<int>(1);
  bool more = true;
  while (more)
    csp::select(csp::recv_case(jobs, [&](int j, bool ok) {
      more = ok;
      process(j);
    }));
}
