// RUN: %check_csp_tidy %s csp-close-by-receiver %t

#include <csp/csp.hpp>

#include <thread>

void process(int);

// ---- Positive: code that receives from a channel closes it. -------------

void workerClosesWhatItRanges() {
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < 2; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        if (j < 0)
          jobs.close();
      // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: channel 'jobs' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
      // CHECK-MESSAGES: :[[@LINE-4]]:7: note: it receives from the channel here
    });
  jobs.send(1);
}

void namedWorker(csp::chan<int> jobs) {
  while (true) {
    auto [job, ok] = jobs.recv_ok();
    if (!ok || job == 0)
      break;
    process(job);
  }
  jobs.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'jobs' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
  // CHECK-MESSAGES: :[[@LINE-7]]:22: note: it receives from the channel here
}

void startNamedWorker() {
  auto jobs = csp::make_chan<int>(4);
  std::thread t(namedWorker, jobs);
  jobs.send(1);
  t.join();
}

void lambdaInVariable() {
  auto results = csp::make_chan<int>(8);
  auto collector = [results] {
    int total = 0;
    for (int i = 0; i < 3; ++i)
      total += results.recv();
    results.close();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: channel 'results' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
    // CHECK-MESSAGES: :[[@LINE-3]]:16: note: it receives from the channel here
    process(total);
  };
  csp::go(collector);
}

class Dispatcher {
public:
  void run() {
    csp::select(csp::recv_case(events_, [](int e, bool) { process(e); }));
    events_.close();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: channel 'events_' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
    // CHECK-MESSAGES: :[[@LINE-3]]:17: note: it receives from the channel here
  }

private:
  csp::chan<int> events_ = csp::make_chan<int>(1);
};

// The receive happens in a helper; the close in the task itself.
int next(csp::recv_chan<int> in) { return in.recv(); }

void throughHelper() {
  auto jobs = csp::make_chan<int>(1);
  csp::go([jobs] {
    if (next(jobs) == 0)
      jobs.close();
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: channel 'jobs' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
    // CHECK-MESSAGES: :[[@LINE-3]]:9: note: it receives from the channel here
  });
  jobs.send(0);
}

// ---- Negative: the sender owns the close. --------------------------------

void producerCloses() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    for (int i = 0; i < 4; ++i)
      jobs.send(i);
    jobs.close();
  });
  for (int j : jobs)
    process(j);
}

struct close_on_exit {
  csp::send_chan<int> ch;
  ~close_on_exit() { ch.close(); }
};

void producerClosesThroughAGuard() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    close_on_exit guard{jobs};
    jobs.send(1);
  });
  for (int j : jobs)
    process(j);
}

// A pipeline stage receives from one channel and closes the one it feeds.
void stage(csp::recv_chan<int> in, csp::send_chan<int> out) {
  for (int v : in)
    out.send(v * 2);
  out.close();
}

void closerAfterWait() {
  auto results = csp::make_chan<int>(4);
  csp::wait_group wg;
  wg.add(1);
  csp::go([&wg, results] {
    results.send(1);
    wg.done();
  });
  csp::go([&wg, results] {
    wg.wait();
    results.close();
  });
  for (int r : results)
    process(r);
}

// The owner that sends, then drains, its own channel may close it between.
void ownerSendsClosesAndDrains() {
  auto buffer = csp::make_chan<int>(3);
  for (int i = 0; i < 3; ++i)
    buffer.send(i);
  buffer.close();
  for (int v : buffer)
    process(v);
}

void receivesFromOneClosesAnother() {
  auto requests = csp::make_chan<int>(1), quit = csp::make_chan<int>();
  csp::go([requests, quit] {
    for (int r : requests)
      process(r);
    quit.close();
  });
  requests.send(1);
  requests.close();
  (void)quit.recv_ok();
}
