// RUN: %check_csp_tidy %s csp-unchecked-receive %t

#include <csp/csp.hpp>

#include <future>
#include <thread>

void process(int);

// ---- Positive: an endless loop takes values without the closed flag. ---

void selectValueOnly(csp::context ctx, csp::recv_chan<int> jobs) {
  for (;;) {
    bool stop = false;
    csp::select(csp::recv_case(ctx.done(), [&] { stop = true; }),
                csp::recv_case(jobs, [&](int j) { process(j); }));
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: value received from channel 'jobs' without checking whether it is closed; once it is, this loop gets zero values forever: use 'recv_ok' or a (value, ok) handler and stop when ok is false [csp-unchecked-receive]
    // CHECK-MESSAGES: :[[@LINE+11]]:3: note: the channel is closed here
    if (stop)
      return;
  }
}

void startSelectWorker() {
  auto [ctx, cancel] = csp::with_cancel(csp::background());
  auto jobs = csp::make_chan<int>(1);
  csp::go(selectValueOnly, ctx, jobs);
  jobs.send(1);
  jobs.close();
  cancel();
}

void recvInWhileTrue() {
  auto events = csp::make_chan<int>(4);
  std::thread t([events] {
    while (true) {
      int e = events.recv();
      // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: value received from channel 'events' without checking whether it is closed; once it is, this loop gets zero values forever: use 'recv_ok' or a (value, ok) handler and stop when ok is false [csp-unchecked-receive]
      // CHECK-MESSAGES: :[[@LINE+6]]:3: note: the channel is closed here
      process(e);
    }
  });
  t.detach();
  events.send(1);
  events.close();
}

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

void lambdaInVariableWithAsync() {
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

// ---- Negative: the receive knows about the close, or cannot spin. -----

void selectWithOk(csp::recv_chan<int> jobs) {
  for (;;) {
    bool stop = false;
    csp::select(csp::recv_case(jobs, [&](int j, bool ok) {
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

void recvOkLoop(csp::chan<int> jobs) {
  for (;;) {
    auto [j, ok] = jobs.recv_ok();
    if (!ok)
      break;
    process(j);
  }
  jobs.close();
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

void rangeLoop() {
  auto jobs = csp::make_chan<int>(1);
  csp::go([jobs] {
    for (int j : jobs)
      process(j);
  });
  jobs.send(1);
  jobs.close();
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

void doneChannelWithoutValue(csp::context ctx) {
  for (;;) {
    bool stop = false;
    csp::select(csp::recv_case(ctx.done(), [&] { stop = true; }),
                csp::default_case([] {}));
    if (stop)
      return;
  }
}
