// RUN: %check_csp_tidy %s csp-wait-before-drain %t

// csp-wait-before-drain on the csp runtime, std::thread and Boost.Fiber
// (with Debian's real headers): a wait for tasks whose results are received
// only after it, when the buffer cannot hold them.

#include <csp/csp.hpp>

#include <boost/fiber/all.hpp>

#include <thread>
#include <vector>

void consume(int);
int compute(int);
void keep(csp::chan<int>);

// ===== Positive shapes =====

// The seeds' mistake: unbuffered results, read after the wait.
void unbufferedResults() {
  auto jobs = csp::make_chan<int>(10);
  auto results = csp::make_chan<int>();
  csp::wait_group wg;
  for (int w = 0; w < 4; ++w) {
    wg.add(1);
    csp::go([&wg, jobs, results] {
      for (int j : jobs)
        results.send(compute(j));
      wg.done();
    });
  }
  for (int i = 0; i < 10; ++i)
    jobs.send(i);
  jobs.close();
  wg.wait();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: this wait never returns: the tasks it waits for send on unbuffered channel 'results', which is received from only after it, so their first send blocks [csp-wait-before-drain]
  // CHECK-MESSAGES: :[[@LINE-9]]:9: note: a task sends on it here
  // CHECK-MESSAGES: :[[@LINE+2]]:3: note: the results are received here; receive them while the tasks run: wait in a task of its own that closes the channel afterwards
  results.close();
  for (int r : results)
    consume(r);
}

// A buffer too small for the known number of results.
void bufferTooSmall() {
  auto results = csp::make_chan<int>(2);
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    wg.add(1);
    csp::go([&wg, results, i] {
      results.send(compute(i));
      wg.done();
    });
  }
  wg.wait();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: this wait never returns: the tasks it waits for send 4 values on channel 'results', which holds 2 and is received from only after it, so the sends beyond 2 block [csp-wait-before-drain]
  // CHECK-MESSAGES: :[[@LINE-6]]:7: note: a task sends on it here
  // CHECK-MESSAGES: :[[@LINE+2]]:13: note: the results are received here; receive them while the tasks run: wait in a task of its own that closes the channel afterwards
  for (int i = 0; i < 4; ++i)
    consume(results.recv());
}

// A named worker function, and a helper that waits.
void worker(csp::send_chan<int> out, csp::wait_group *wg, int n) {
  out.send(compute(n));
  wg->done();
}

void waitAll(csp::wait_group &wg) { wg.wait(); }

void namedWorkerHelperWait() {
  auto results = csp::make_chan<int>();
  csp::wait_group wg;
  wg.add(3);
  for (int i = 0; i < 3; ++i)
    csp::go(worker, results, &wg, i);
  waitAll(wg);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: this wait never returns: the tasks it waits for send on unbuffered channel 'results', which is received from only after it, so their first send blocks [csp-wait-before-drain]
  // CHECK-MESSAGES: :[[@LINE-14]]:3: note: a task sends on it here
  // CHECK-MESSAGES: :[[@LINE+1]]:11: note: the results are received here; receive them while the tasks run: wait in a task of its own that closes the channel afterwards
  consume(results.recv());
}

// A lambda kept in a variable, an error only on some runs: an unbuffered
// error channel blocks the first failing task.
void lambdaInVariable() {
  auto errs = csp::make_chan<int>();
  csp::wait_group wg;
  auto task = [&wg, errs](int n) {
    if (compute(n) < 0)
      errs.send(n);
    wg.done();
  };
  wg.add(2);
  csp::go(task, 1);
  csp::go(task, 2);
  wg.wait();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: this wait never returns: the tasks it waits for send on unbuffered channel 'errs', which is received from only after it, so their first send blocks [csp-wait-before-drain]
  // CHECK-MESSAGES: :[[@LINE-8]]:7: note: a task sends on it here
  // CHECK-MESSAGES: :[[@LINE+1]]:15: note: the results are received here; receive them while the tasks run: wait in a task of its own that closes the channel afterwards
  csp::select(csp::recv_case(errs, [](int e) { consume(e); }), csp::default_case([] {}));
}

// An error group, and a wait on one branch.
void errgroupBranch(bool wait) {
  auto results = csp::make_chan<int>(1);
  csp::errgroup g;
  g.go([results] {
    results.send(1);
    results.send(2);
    return csp::error();
  });
  if (wait)
    g.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: this join never returns: the tasks it waits for send 2 values on channel 'results', which holds 1 and is received from only after it, so the sends beyond 1 block [csp-wait-before-drain]
    // CHECK-MESSAGES: :[[@LINE-7]]:5: note: a task sends on it here
    // CHECK-MESSAGES: :[[@LINE+1]]:11: note: the results are received here; receive them while the tasks run: wait in a task of its own that closes the channel afterwards
  consume(results.recv());
  consume(results.recv());
}

// std::thread, joined before its result is read.
void threadJoin() {
  auto result = csp::make_chan<int>();
  std::thread t([result] { result.send(compute(1)); });
  t.join();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: this join never returns: the tasks it waits for send on unbuffered channel 'result', which is received from only after it, so their first send blocks [csp-wait-before-drain]
  // CHECK-MESSAGES: :[[@LINE-3]]:28: note: a task sends on it here
  // CHECK-MESSAGES: :[[@LINE+1]]:11: note: the results are received here; receive them while the tasks run: wait in a task of its own that closes the channel afterwards
  consume(result.recv());
}

// A member function of a class template.
template <class T> class Batch {
public:
  void run() {
    auto out = csp::make_chan<T>();
    csp::wait_group wg;
    wg.add(1);
    csp::go([&wg, out, this] {
      out.send(seed_);
      wg.done();
    });
    wg.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: this wait never returns: the tasks it waits for send on unbuffered channel 'out', which is received from only after it, so their first send blocks [csp-wait-before-drain]
    // CHECK-MESSAGES: :[[@LINE-5]]:7: note: a task sends on it here
    // CHECK-MESSAGES: :[[@LINE+1]]:13: note: the results are received here; receive them while the tasks run: wait in a task of its own that closes the channel afterwards
    last_ = out.recv();
  }

private:
  T seed_{};
  T last_{};
};

template class Batch<int>;
template class Batch<long>;

// Boost.Fiber: a buffered_channel too small, fibers joined in a loop.
void fibersTooSmall() {
  boost::fibers::buffered_channel<int> ch{2};
  std::vector<boost::fibers::fiber> fibers;
  for (int i = 0; i < 4; ++i)
    fibers.emplace_back([&ch, i] { ch.push(compute(i)); });
  for (auto &f : fibers)
    f.join();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: this join never returns: the tasks it waits for send 4 values on channel 'ch', which holds 2 and is received from only after it, so the sends beyond 2 block [csp-wait-before-drain]
    // CHECK-MESSAGES: :[[@LINE-4]]:36: note: a task sends on it here
    // CHECK-MESSAGES: :[[@LINE+2]]:13: note: the results are received here; receive them while the tasks run: wait in a task of its own that closes the channel afterwards
  for (int i = 0; i < 4; ++i)
    consume(ch.value_pop());
}

// ===== Negative shapes =====

// The seeds' fix: a closer task waits, then closes; this code drains.
void closerTask() {
  auto results = csp::make_chan<int>();
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    wg.add(1);
    csp::go([&wg, results, i] {
      results.send(compute(i));
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

// The closer task started by a function template: its wait is the task's,
// not the helper's.
template <typename T> void closeWhenDone(csp::wait_group &wg, csp::chan<T> ch) {
  csp::go([&wg, ch] {
    wg.wait();
    ch.close();
  });
}

void closerTaskInTemplate() {
  auto results = csp::make_chan<int>();
  csp::wait_group wg;
  wg.add(1);
  csp::go([&wg, results] {
    results.send(compute(1));
    wg.done();
  });
  closeWhenDone(wg, results);
  for (int r : results)
    consume(r);
}

// A buffer with room for every result.
void bufferFitsAll() {
  auto results = csp::make_chan<int>(4);
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    wg.add(1);
    csp::go([&wg, results, i] {
      results.send(compute(i));
      wg.done();
    });
  }
  wg.wait();
  results.close();
  for (int r : results)
    consume(r);
}

// A buffer sized to the work: the count is not a constant, but the two
// are the same.
void bufferSizedToWork(const std::vector<int> &items) {
  auto results = csp::make_chan<int>(items.size());
  csp::wait_group wg;
  for (int x : items) {
    wg.add(1);
    csp::go([&wg, results, x] {
      results.send(compute(x));
      wg.done();
    });
  }
  wg.wait();
  results.close();
  for (int r : results)
    consume(r);
}

// Drained before the wait.
void drainedFirst() {
  auto results = csp::make_chan<int>();
  csp::wait_group wg;
  for (int i = 0; i < 3; ++i) {
    wg.add(1);
    csp::go([&wg, results, i] {
      results.send(compute(i));
      wg.done();
    });
  }
  for (int i = 0; i < 3; ++i)
    consume(results.recv());
  wg.wait();
}

// A consumer task drains while this code waits.
void consumerTask() {
  auto results = csp::make_chan<int>();
  auto finished = csp::make_chan<int>(1);
  csp::wait_group wg;
  wg.add(2);
  for (int i = 0; i < 2; ++i)
    csp::go([&wg, results, i] {
      results.send(i);
      wg.done();
    });
  csp::go([results, finished] {
    int n = 0;
    for (int r : results)
      n += r;
    finished.send(n);
  });
  wg.wait();
  results.close();
  consume(finished.recv());
}

// The send gives up when the context is done.
void sendOrGiveUp(csp::context ctx) {
  auto results = csp::make_chan<int>();
  csp::wait_group wg;
  wg.add(1);
  csp::go([&wg, results, ctx] {
    csp::select(csp::send_case(results, 1, [] {}), csp::recv_case(ctx.done(), [] {}));
    wg.done();
  });
  wg.wait();
  csp::select(csp::recv_case(results, [](int v) { consume(v); }), csp::default_case([] {}));
}

// Done before the send: the wait does not wait for it.
void doneBeforeSend() {
  auto results = csp::make_chan<int>();
  csp::wait_group wg;
  wg.add(1);
  csp::go([&wg, results] {
    wg.done();
    results.send(1);
  });
  wg.wait();
  consume(results.recv());
}

// The channel goes to code the analysis does not see.
void escapes() {
  auto results = csp::make_chan<int>();
  keep(results);
  std::thread t([results] { results.send(1); });
  t.join();
  consume(results.recv());
}

// A member that drains through a helper lambda it runs before the join.
class Gatherer {
public:
  void run() {
    auto out = csp::make_chan<int>();
    std::thread t([out] { out.send(compute(7)); });
    auto drain = [&] { total_ += out.recv(); };
    drain();
    t.join();
  }

private:
  int total_ = 0;
};

// Boost.Fiber: room for every push; try_push does not block.
void fibersFit() {
  boost::fibers::buffered_channel<int> ch{4};
  boost::fibers::fiber a([&ch] { ch.push(1); ch.push(2); });
  boost::fibers::fiber b([&ch] { ch.try_push(3); ch.try_push(4); ch.try_push(5); });
  a.join();
  b.join();
  int v = 0;
  while (ch.try_pop(v) == boost::fibers::channel_op_status::success)
    consume(v);
}
