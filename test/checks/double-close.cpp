// RUN: %check_csp_tidy %s csp-double-close %t

#include <csp/csp.hpp>

#include <thread>
#include <vector>

void process(int);

// ---- Positive: one execution can close the channel twice. ---------------

void twoClosesOnOnePath(bool retry) {
  auto done = csp::make_chan<int>();
  done.close();
  if (retry)
    done.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: channel 'done' can be closed a second time here; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: first closed here
}

void closeInALoop(csp::chan<int> out, int n) {
  for (int i = 0; i < n; ++i) {
    out.send(i);
    out.close();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: channel 'out' is closed in a loop; the second iteration's close panics [csp-double-close]
  }
}

void shutdown(csp::send_chan<int> ch) { ch.close(); }

void closeAndHelperClose() {
  auto events = csp::make_chan<int>(1);
  events.close();
  shutdown(events);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'events' can be closed a second time here; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: first closed here
}

void produce(csp::send_chan<int> jobs, int from) {
  jobs.send(from);
  jobs.close();
}

void twoProducersEachClosing() {
  auto jobs = csp::make_chan<int>(4);
  csp::go(produce, jobs, 1);
  csp::go(produce, jobs, 2);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: a second task that closes channel 'jobs' is started here; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: the first task that closes it is started here
  // CHECK-MESSAGES: :[[@LINE-9]]:3: note: the task closes the channel here
  for (int j : jobs)
    process(j);
}

void producersInALoop() {
  auto jobs = csp::make_chan<int>(4);
  std::vector<std::thread> producers;
  for (int p = 0; p < 3; ++p)
    producers.emplace_back([jobs, p] {
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: a task that closes channel 'jobs' is started in a loop; the second task's close panics [csp-double-close]
      // CHECK-MESSAGES: :[[@LINE+2]]:7: note: the task closes the channel here
      jobs.send(p);
      jobs.close();
    });
  for (std::thread &t : producers)
    t.join();
}

class Service {
public:
  void stop() {
    auto closer = [this] { quit_.close(); };
    csp::go(closer);
    csp::go(closer);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: a second task that closes channel 'quit_' is started here; the second close panics [csp-double-close]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: the first task that closes it is started here
    // CHECK-MESSAGES: :[[@LINE-5]]:28: note: the task closes the channel here
  }

private:
  csp::chan<int> quit_ = csp::make_chan<int>();
};

// ---- Negative: one close per channel on every execution. ---------------

void closeOnExclusiveBranches(bool failed) {
  auto results = csp::make_chan<int>(1);
  if (failed) {
    results.close();
    return;
  }
  results.send(1);
  results.close();
}

void closeOnceAfterTheLoop(csp::chan<int> out) {
  for (int i = 0; i < 3; ++i)
    out.send(i);
  out.close();
}

void closeInALoopThenLeave(csp::chan<int> out) {
  for (int i = 0;; ++i) {
    if (i == 3) {
      out.close();
      break;
    }
    out.send(i);
  }
}

void aFreshChannelPerIteration() {
  for (int i = 0; i < 3; ++i) {
    auto reply = csp::make_chan<int>(1);
    reply.send(i);
    reply.close();
  }
}

void sender(csp::send_chan<int> jobs, int v) { jobs.send(v); }

// The orchestrator closes once, after both producers are done.
void singleCloserAfterProducers() {
  auto jobs = csp::make_chan<int>(4);
  csp::wait_group producers;
  producers.add(2);
  csp::go([&producers, jobs] { sender(jobs, 1); producers.done(); });
  csp::go([&producers, jobs] { sender(jobs, 2); producers.done(); });
  csp::go([&producers, jobs] {
    producers.wait();
    jobs.close();
  });
  for (int j : jobs)
    process(j);
}

// Each closing task gets its own channel.
void eachTaskClosesItsOwn() {
  auto a = csp::make_chan<int>(1), b = csp::make_chan<int>(1);
  csp::go(produce, a, 1);
  csp::go(produce, b, 2);
}

void tasksMakeTheirOwnChannels() {
  for (int i = 0; i < 3; ++i)
    csp::go([i] {
      auto local = csp::make_chan<int>(1);
      local.send(i);
      local.close();
    });
}
