// RUN: %check_csp_tidy %s csp-unchecked-receive %t

#include <csp/csp.hpp>

#include <future>
#include <thread>

void process(int);

// ===== Positive: a loop takes values without the closed flag, and only ====
// ===== something other than the close can end it.                     ====

// Seed 002, exercise 12: the worker leaves on cancel only. A named worker
// with recv_chan parameters, started by csp::go.
void selectWorker(csp::context ctx, csp::recv_chan<int> jobs,
                  csp::send_chan<int> results) {
  for (;;) {
    bool stop = false;
    csp::select(csp::recv_case(ctx.done(), [&] { stop = true; }),
                csp::recv_case(jobs, [&](int j) { results.send(j * 2); }));
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: value received from channel 'jobs' without checking whether it is closed; once it is, this loop gets zero values forever: use 'recv_ok' or a (value, ok) handler and stop when ok is false [csp-unchecked-receive]
    // CHECK-MESSAGES: :[[@LINE+14]]:3: note: the channel is closed here
    if (stop)
      return;
  }
}

void startSelectWorkers() {
  auto [ctx, cancel] = csp::with_cancel(csp::background());
  auto jobs = csp::make_chan<int>(5);
  auto results = csp::make_chan<int>(5);
  csp::go(selectWorker, ctx, jobs, results);
  csp::go(selectWorker, ctx, jobs, results);
  for (int i = 1; i <= 3; ++i)
    jobs.send(i);
  jobs.close();
  cancel();
}

// The same worker as C++ users often write it: a flag the other case sets.
// Started by std::thread.
void flagWorker(csp::context ctx, csp::recv_chan<int> jobs) {
  bool cancelled = false;
  while (!cancelled) {
    csp::select(csp::recv_case(ctx.done(), [&] { cancelled = true; }),
                csp::recv_case(jobs, [&](int j) { process(j); }));
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: value received from channel 'jobs' without checking whether it is closed; once it is, this loop gets zero values forever: use 'recv_ok' or a (value, ok) handler and stop when ok is false [csp-unchecked-receive]
    // CHECK-MESSAGES: :[[@LINE+8]]:3: note: the channel is closed here
  }
}

void startFlagWorker() {
  auto jobs = csp::make_chan<int>(1);
  std::thread t(flagWorker, csp::background(), jobs);
  jobs.send(1);
  jobs.close();
  t.join();
}

// A loop that only a cancelled context ends; started by std::jthread.
void untilCancelled(csp::context ctx, csp::recv_chan<int> events) {
  while (!ctx.err())
    process(events.recv());
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: value received from channel 'events' without checking whether it is closed; once it is, this loop gets zero values forever: use 'recv_ok' or a (value, ok) handler and stop when ok is false [csp-unchecked-receive]
    // CHECK-MESSAGES: :[[@LINE+7]]:3: note: the channel is closed here
}

void startUntilCancelled() {
  auto [ctx, cancel] = csp::with_cancel(csp::background());
  auto events = csp::make_chan<int>(1);
  std::jthread t(untilCancelled, ctx, events);
  events.close();
  cancel();
}

// A lambda at the spawn, in a branch of a while (true) loop.
void lambdaAtSpawn(bool verbose) {
  auto events = csp::make_chan<int>(4);
  std::thread t([events, verbose] {
    while (true) {
      if (verbose) {
        int e = events.recv();
        // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: value received from channel 'events' without checking whether it is closed; once it is, this loop gets zero values forever: use 'recv_ok' or a (value, ok) handler and stop when ok is false [csp-unchecked-receive]
        // CHECK-MESSAGES: :[[@LINE+7]]:3: note: the channel is closed here
        process(e);
      }
    }
  });
  t.detach();
  events.send(1);
  events.close();
}

// A lambda kept in a variable, started by std::async.
void lambdaInVariable() {
  auto replies = csp::make_chan<int>(1);
  auto pump = [replies] {
    do {
      process(replies.recv());
      // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: value received from channel 'replies' without checking whether it is closed; once it is, this loop gets zero values forever: use 'recv_ok' or a (value, ok) handler and stop when ok is false [csp-unchecked-receive]
      // CHECK-MESSAGES: :[[@LINE+4]]:3: note: the channel is closed here
    } while (true);
  };
  auto f = std::async(std::launch::async, pump);
  replies.close();
}

// A member function, on a member channel that another member closes.
class Poller {
public:
  void run() {
    for (;;)
      process(input_.recv());
      // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: value received from channel 'input_' without checking whether it is closed; once it is, this loop gets zero values forever: use 'recv_ok' or a (value, ok) handler and stop when ok is false [csp-unchecked-receive]
      // CHECK-MESSAGES: :[[@LINE+2]]:17: note: the channel is closed here
  }
  void stop() { input_.close(); }

private:
  csp::chan<int> input_ = csp::make_chan<int>(1);
};

// The channel is closed by a helper.
void closeIt(csp::send_chan<int> ch) { ch.close(); }

void closedByAHelper() {
  auto ticks = csp::make_chan<int>(1);
  csp::go([ticks] {
    for (;;)
      process(ticks.recv());
      // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: value received from channel 'ticks' without checking whether it is closed; once it is, this loop gets zero values forever: use 'recv_ok' or a (value, ok) handler and stop when ok is false [csp-unchecked-receive]
      // CHECK-MESSAGES: :[[@LINE-8]]:40: note: the channel is closed here
  });
  closeIt(ticks);
}

// The receive is made by a helper.
int nextJob(csp::recv_chan<int> jobs) { return jobs.recv(); }

void receivedByAHelper() {
  auto jobs = csp::make_chan<int>(1);
  csp::go([jobs] {
    for (;;)
      process(nextJob(jobs));
      // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: value received from channel 'jobs' without checking whether it is closed; once it is, this loop gets zero values forever: use 'recv_ok' or a (value, ok) handler and stop when ok is false [csp-unchecked-receive]
      // CHECK-MESSAGES: :[[@LINE-8]]:48: note: 'nextJob' receives without the ok flag here
      // CHECK-MESSAGES: :[[@LINE+2]]:3: note: the channel is closed here
  });
  jobs.close();
}

// ===== Negative: the receive learns of the close, or cannot spin. =========

// The seed's fix: (value, ok), and return when ok is false.
void selectWithOk(csp::context ctx, csp::recv_chan<int> jobs) {
  for (;;) {
    bool stop = false;
    csp::select(csp::recv_case(ctx.done(), [&] { stop = true; }),
                csp::recv_case(jobs, [&](int j, bool ok) {
                  if (!ok) {
                    stop = true;
                    return;
                  }
                  process(j);
                }));
    if (stop)
      return;
  }
}

// The same with the loop's flag.
void flagWithOk(csp::recv_chan<int> jobs) {
  bool open = true;
  while (open)
    csp::select(csp::recv_case(jobs, [&](int j, bool ok) {
      if (ok)
        process(j);
      open = ok;
    }));
}

void startOkWorkers() {
  auto jobs = csp::make_chan<int>(1);
  csp::go(selectWithOk, csp::background(), jobs);
  csp::go(flagWithOk, jobs);
  jobs.close();
}

// recv_ok in an endless loop, leaving when the producer has closed.
void recvOkLoop() {
  auto jobs = csp::make_chan<int>();
  csp::go([jobs] {
    for (int i = 0; i < 3; ++i)
      jobs.send(i);
    jobs.close();
  });
  for (;;) {
    auto [j, ok] = jobs.recv_ok();
    if (!ok)
      break;
    process(j);
  }
}

// A counted loop takes exactly the values it expects.
void countedLoop() {
  auto results = csp::make_chan<int>(3);
  for (int i = 0; i < 3; ++i)
    csp::go([results, i] { results.send(i); });
  for (int i = 0; i < 3; ++i)
    process(results.recv());
  results.close();
}

// Counted another way: the loop stops after the expected number.
void countedByBreak() {
  auto results = csp::make_chan<int>(3);
  for (int i = 0; i < 3; ++i)
    csp::go([results, i] { results.send(i); });
  int received = 0;
  for (;;) {
    process(results.recv());
    if (++received == 3)
      break;
  }
  results.close();
}

// Counted down in the loop's condition.
void countedDown() {
  auto results = csp::make_chan<int>(3);
  for (int i = 0; i < 3; ++i)
    csp::go([results, i] { results.send(i); });
  int remaining = 3;
  while (remaining > 0) {
    process(results.recv());
    --remaining;
  }
  results.close();
}

void rangeLoop() {
  auto jobs = csp::make_chan<int>(1);
  csp::go([jobs] {
    for (int j : jobs)
      process(j);
  });
  jobs.send(1);
  jobs.close();
}

// A null pointer is what a closed channel of pointers gives: checked.
void nullMeansClosed() {
  auto work = csp::make_chan<int *>(1);
  std::thread t([work] {
    for (;;) {
      int *item = work.recv();
      if (!item)
        return;
      process(*item);
    }
  });
  work.close();
  t.join();
}

// Nobody closes this channel, so its receives never see a zero from a close.
void neverClosed() {
  auto ticks = csp::make_chan<int>(1);
  csp::go([ticks] {
    for (;;)
      process(ticks.recv());
  });
  ticks.send(1);
}

// A case without a value: nothing is taken for a job.
void doneWithoutValue(csp::context ctx) {
  for (;;) {
    bool stop = false;
    csp::select(csp::recv_case(ctx.done(), [&] { stop = true; }),
                csp::default_case([] {}));
    if (stop)
      return;
  }
}

// A single receive, not in a loop.
void singleReceive() {
  auto reply = csp::make_chan<int>(1);
  csp::go([reply] { reply.send(1); });
  process(reply.recv());
  reply.close();
}

void suppressed() {
  auto ticks = csp::make_chan<int>(1);
  csp::go([ticks] {
    for (;;)
      process(ticks.recv()); // NOLINT(csp-unchecked-receive)
  });
  ticks.close();
}
