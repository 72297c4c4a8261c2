// RUN: %check_csp_tidy %s csp-undrained-results %t

// csp-undrained-results on the csp runtime, std::thread and Boost.Fiber
// (with Debian's real headers): sends that no receive and no buffer slot
// will ever take.

#include <csp/csp.hpp>

#include <boost/fiber/all.hpp>

#include <thread>
#include <vector>

void consume(int);
int compute(int);
void keep(csp::chan<int>);

// ===== Positive shapes =====

// Nobody receives: the seeds' leaked workers.
void nobodyReceives() {
  auto jobs = csp::make_chan<int>(8);
  auto results = csp::make_chan<int>();
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: nobody receives from unbuffered channel 'results': every send on it blocks forever, and a task that sends on it never ends [csp-undrained-results]
  // CHECK-MESSAGES: :[[@LINE+6]]:9: note: a task sends on it here
  csp::wait_group wg;
  for (int w = 0; w < 3; ++w) {
    wg.add(1);
    csp::go([&wg, jobs, results] {
      for (int j : jobs)
        results.send(compute(j));
      wg.done();
    });
  }
  for (int i = 0; i < 8; ++i)
    jobs.send(i);
  jobs.close();
  csp::go([&wg, results] {
    wg.wait();
    results.close();
  });
}

// Five results, three receives.
void fewerReceives() {
  auto results = csp::make_chan<int>();
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 5 values are sent on channel 'results' but only 3 received, and it is unbuffered: 2 sends block forever, and the tasks that make them never end [csp-undrained-results]
  // CHECK-MESSAGES: :[[@LINE+3]]:28: note: a task sends on it here
  // CHECK-MESSAGES: :[[@LINE+4]]:13: note: it is received from here
  for (int i = 0; i < 5; ++i)
    csp::go([results, i] { results.send(compute(i)); });
  for (int i = 0; i < 3; ++i)
    consume(results.recv());
}

// Workers forward every job; the jobs say how many results come.
void forwardedJobs() {
  auto jobs = csp::make_chan<int>(4);
  auto results = csp::make_chan<int>(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 4 values are sent on channel 'results' but only 1 received, and it holds 1: 2 sends block forever, and the tasks that make them never end [csp-undrained-results]
  // CHECK-MESSAGES: :[[@LINE+7]]:9: note: a task sends on it here
  // CHECK-MESSAGES: :[[@LINE+13]]:11: note: it is received from here
  csp::wait_group wg;
  for (int w = 0; w < 2; ++w) {
    wg.add(1);
    csp::go([&wg, jobs, results] {
      for (int j : jobs)
        results.send(j);
      wg.done();
    });
  }
  for (int i = 0; i < 4; ++i)
    jobs.send(i);
  jobs.close();
  consume(results.recv());
  wg.wait();
}

// A timeout: the function returns, the worker's send waits forever.
int withTimeout(csp::context ctx) {
  auto result = csp::make_chan<int>();
  csp::go([result] { result.send(compute(1)); });
  int v = -1;
  csp::select(csp::recv_case(result, [&v](int r) { v = r; }),
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: when this select takes another case, nothing more is received from channel 'result' and 1 send on it blocks forever; give the channel room for 1 value [csp-undrained-results]
  // CHECK-MESSAGES: :[[@LINE-4]]:22: note: a task sends on it here
              csp::recv_case(ctx.done(), [] {}));
  return v;
}

// A helper returns the channel its task sends on; the caller drops it.
csp::chan<int> startCompute(int n) {
  auto out = csp::make_chan<int>();
  csp::go([out, n] { out.send(compute(n)); });
  return out;
}

void dropsTheResult() {
  startCompute(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: the channel 'startCompute' returns is dropped here: nobody receives from it, so the task it starts blocks forever in its send [csp-undrained-results]
  // CHECK-MESSAGES: :[[@LINE-7]]:22: note: a task sends on it here
}

// A send on a fresh unbuffered channel before the function returns it.
csp::chan<int> readyChannel() {
  auto ch = csp::make_chan<int>();
  ch.send(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: this send blocks forever: nobody can receive from channel 'ch' before this function returns it, and it is unbuffered [csp-undrained-results]
  return ch;
}

// A lambda kept in a variable, started three times on a channel of two.
void lambdaInVariable() {
  auto events = csp::make_chan<int>(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: nobody receives from channel 'events', which holds 2 of the 3 values sent on it: the sends beyond 2 block forever, and the tasks that make them never end [csp-undrained-results]
  // CHECK-MESSAGES: :[[@LINE+1]]:33: note: a task sends on it here
  auto emit = [events](int i) { events.send(i); };
  for (int i = 0; i < 3; ++i)
    csp::go(emit, i);
}

// A task started on one branch.
void onABranch(bool verbose) {
  auto log = csp::make_chan<int>();
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: nobody receives from unbuffered channel 'log': every send on it blocks forever, and a task that sends on it never ends [csp-undrained-results]
  // CHECK-MESSAGES: :[[@LINE+2]]:21: note: a task sends on it here
  if (verbose)
    csp::go([log] { log.send(1); });
}

// std::thread: two sends, one receive, and the join hangs.
void threadTwoSends() {
  auto results = csp::make_chan<int>();
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 2 values are sent on channel 'results' but only 1 received, and it is unbuffered: 1 send blocks forever, and the task that makes it never ends [csp-undrained-results]
  // CHECK-MESSAGES: :[[@LINE+3]]:5: note: a task sends on it here
  // CHECK-MESSAGES: :[[@LINE+5]]:11: note: it is received from here
  std::thread t([results] {
    results.send(1);
    results.send(2);
  });
  consume(results.recv());
  t.join();
}

// A member function of a class template.
template <class T> class Stage {
public:
  void run() {
    auto out = csp::make_chan<T>();
    // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: nobody receives from unbuffered channel 'out': every send on it blocks forever, and a task that sends on it never ends [csp-undrained-results]
    // CHECK-MESSAGES: :[[@LINE+1]]:27: note: a task sends on it here
    csp::go([out, this] { out.send(seed_); });
  }

private:
  T seed_{};
};

template class Stage<int>;

// Boost.Fiber: three pushes into a channel of two that nobody pops.
void fiberPushes() {
  boost::fibers::buffered_channel<int> ch{2};
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: nobody receives from channel 'ch', which holds 2 of the 3 values sent on it: the sends beyond 2 block forever, and the tasks that make them never end [csp-undrained-results]
  // CHECK-MESSAGES: :[[@LINE+3]]:7: note: a task sends on it here
  boost::fibers::fiber f([&ch] {
    for (int i = 0; i < 3; ++i)
      ch.push(i);
  });
  f.join();
}

// ===== Negative shapes =====

// The seeds' fix: a closer task, and a range loop drains everything.
void closerAndRange() {
  auto results = csp::make_chan<int>();
  csp::wait_group wg;
  for (int i = 0; i < 3; ++i) {
    wg.add(1);
    csp::go([&wg, results, i] {
      results.send(i);
      wg.done();
    });
  }
  csp::go([&wg, results] {
    wg.wait();
    results.close();
  });
  for (int r : results)
    consume(r);
}

// A buffer as large as the number of sends.
void bufferHoldsAll() {
  auto results = csp::make_chan<int>(3);
  for (int i = 0; i < 3; ++i)
    csp::go([results, i] { results.send(i); });
}

// Receives in a loop until the close.
void untilClosed() {
  auto results = csp::make_chan<int>();
  csp::go([results] {
    for (int i = 0; i < 4; ++i)
      results.send(i);
    results.close();
  });
  for (;;) {
    auto [v, ok] = results.recv_ok();
    if (!ok)
      break;
    consume(v);
  }
}

// The timeout again, with room for the late result (the seeds' fix).
int withTimeoutBuffered(csp::context ctx) {
  auto result = csp::make_chan<int>(1);
  csp::go([result] { result.send(compute(1)); });
  int v = -1;
  csp::select(csp::recv_case(result, [&v](int r) { v = r; }),
              csp::recv_case(ctx.done(), [] {}));
  return v;
}

// The worker's send gives up when the caller has gone.
int sendGivesUp(csp::context ctx) {
  auto result = csp::make_chan<int>();
  csp::go([result, ctx] {
    csp::select(csp::send_case(result, compute(2), [] {}), csp::recv_case(ctx.done(), [] {}));
  });
  int v = -1;
  csp::select(csp::recv_case(result, [&v](int r) { v = r; }),
              csp::recv_case(ctx.done(), [] {}));
  return v;
}

// The caller keeps and reads what startCompute returns.
void readsTheResult() {
  auto c = startCompute(4);
  consume(c.recv());
}

// As many receives as sends; a done signal.
void receivesMatch() {
  auto results = csp::make_chan<int>();
  auto done = csp::make_chan<bool>();
  for (int i = 0; i < 3; ++i)
    csp::go([results, i] { results.send(i); });
  csp::go([done] { done.send(true); });
  for (int i = 0; i < 3; ++i)
    consume(results.recv());
  done.recv();
}

// Another task drains the channel.
void consumerTask() {
  auto results = csp::make_chan<int>();
  csp::go([results] {
    for (int r : results)
      consume(r);
  });
  for (int i = 0; i < 5; ++i)
    csp::go([results, i] { results.send(i); });
}

// The channel goes to code the analysis does not see.
void escapes() {
  auto results = csp::make_chan<int>();
  keep(results);
  csp::go([results] { results.send(1); });
}

// The select runs until it has the result.
void selectLoop(csp::context ctx) {
  auto result = csp::make_chan<int>();
  csp::go([result] { result.send(compute(3)); });
  bool got = false;
  while (!got)
    csp::select(csp::recv_case(result, [&got](int r) { consume(r); got = true; }),
                csp::recv_case(ctx.done(), [] {}));
}

// Boost.Fiber: try_push gives up when the channel is full.
void fiberTryPush() {
  boost::fibers::buffered_channel<int> ch{2};
  boost::fibers::fiber f([&ch] {
    for (int i = 0; i < 3; ++i)
      ch.try_push(i);
  });
  f.join();
}
