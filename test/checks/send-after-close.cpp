// RUN: %check_csp_tidy %s csp-send-after-close %t

#include <boost/fiber/all.hpp>
#include <csp/csp.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

int compute(int);
bool failed();

// ---- Positive: on one path, the close runs before the send. ------------

void closeThenSend() {
  auto events = csp::make_chan<int>(4);
  events.send(1);
  events.close();
  events.send(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'events' is sent to after it was closed; the send panics [csp-send-after-close]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: closed here
}

void finish(csp::send_chan<int> out) { out.close(); }

void helperClosesThenSend(bool verbose) {
  auto log = csp::make_chan<int>(8);
  finish(log);
  if (verbose)
    log.send(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: channel 'log' is sent to after it was closed; the send panics [csp-send-after-close]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: closed here
  // CHECK-MESSAGES: :[[@LINE-9]]:6: note: 'finish' closes the channel
}

void taskStartedAfterClose() {
  auto results = csp::make_chan<int>(1);
  results.close();
  csp::go([&] { results.send(compute(1)); });
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: this task sends on channel 'results', which is already closed; its send panics [csp-send-after-close]
  // CHECK-MESSAGES: :[[@LINE-2]]:17: note: the task sends here
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: closed here
}

// ---- Positive: the closer does not wait for the tasks that send. -------

// The pitfall of the seeds: results closed before the workers are waited
// for.
void closeBeforeWait(const std::vector<int> &jobs) {
  auto results = csp::make_chan<int>(jobs.size());
  csp::wait_group wg;
  for (int j : jobs) {
    wg.add(1);
    csp::go([&, j] {
      results.send(compute(j));
      wg.done();
    });
  }
  results.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'results' is closed while a task that sends on it may still be running; its next send panics [csp-send-after-close]
  // CHECK-MESSAGES: :[[@LINE-7]]:5: note: a task that sends on it is started here
  // CHECK-MESSAGES: :[[@LINE-7]]:7: note: the task sends here
  wg.wait();
}

// A lambda kept in a variable, run by a std::thread joined too late.
void producerInAVariable(csp::chan<int> out) {
  auto produce = [&] {
    for (int i = 0; i < 10; ++i)
      out.send(i);
  };
  std::thread t(produce);
  out.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'out' is closed while a task that sends on it may still be running; its next send panics [csp-send-after-close]
  // CHECK-MESSAGES: :[[@LINE-3]]:15: note: a task that sends on it is started here
  // CHECK-MESSAGES: :[[@LINE-6]]:7: note: the task sends here
  t.join();
}

// A pool whose stop() closes the work channel while producers submit.
class Pool {
public:
  void submit(int job) { jobs_.send(job); }
  void stop() { jobs_.close(); }

private:
  csp::chan<int> jobs_ = csp::make_chan<int>(16);
};

void stopWhileSubmitting(Pool &pool) {
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i)
      pool.submit(i);
  });
  pool.stop();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'jobs_' is closed while a task that sends on it may still be running; its next send panics [csp-send-after-close]
  // CHECK-MESSAGES: :[[@LINE-13]]:8: note: 'stop' closes the channel
  // CHECK-MESSAGES: :[[@LINE-7]]:15: note: a task that sends on it is started here
  // CHECK-MESSAGES: :[[@LINE-6]]:7: note: the task sends here
  // CHECK-MESSAGES: :[[@LINE-17]]:8: note: 'submit' sends on the channel
  producer.join();
}

// A watcher that closes on a timer while a sibling keeps sending.
void watcherClosesUnderASender() {
  auto ticks = csp::make_chan<int>(1);
  csp::go([&] {
    csp::sleep(std::chrono::milliseconds(50));
    ticks.close();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: this task closes channel 'ticks' while another task may still send on it; that send panics [csp-send-after-close]
    // CHECK-MESSAGES: :[[@LINE+2]]:3: note: a task that sends on it is started here
  });
  csp::go([&] {
    for (int i = 0;; ++i)
      ticks.send(i);
    // CHECK-MESSAGES: :[[@LINE-1]]:7: note: the task sends here
  });
  for (int t : ticks)
    compute(t);
}

// A watcher task closes on a timer while its spawner still sends.
void spawnerSendsPastAWatcher(csp::chan<int> out) {
  csp::go([&] {
    csp::sleep(std::chrono::seconds(1));
    out.close();
  });
  for (int i = 0; i < 100; ++i)
    out.send(i);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: channel 'out' can be closed by a task started before this send; the send panics [csp-send-after-close]
  // CHECK-MESSAGES: :[[@LINE-7]]:3: note: the closing task is started here
  // CHECK-MESSAGES: :[[@LINE-6]]:5: note: the task closes the channel here
}

// A class template: each instantiation's stage closes its output early.
template <class T> class Stage {
public:
  void run() {
    std::thread t([this] { out_.send(T{}); });
    if (failed())
      out_.close();
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: channel 'out_' is closed while a task that sends on it may still be running; its next send panics [csp-send-after-close]
    // CHECK-MESSAGES: :[[@LINE-4]]:17: note: a task that sends on it is started here
    // CHECK-MESSAGES: :[[@LINE-5]]:28: note: the task sends here
    t.join();
  }

private:
  csp::chan<T> out_ = csp::make_chan<T>(1);
};

void runStages() {
  Stage<int>().run();
  Stage<long>().run();
}

// A stage that sends in a select beside the context's done(): cancelling
// and closing at once leaves both cases ready, and the select may pick the
// send.
void cancelThenClose(const csp::context &parent, csp::chan<int> out) {
  auto [ctx, cancel] = csp::with_cancel(parent);
  csp::go([&, ctx] {
    for (int i = 0;; ++i) {
      bool stop = false;
      csp::select(csp::send_case(out, i, [] {}),
                  csp::recv_case(ctx.done(), [&] { stop = true; }));
      if (stop)
        return;
    }
  });
  cancel();
  out.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'out' is closed while a task that sends on it may still be running; its next send panics [csp-send-after-close]
  // CHECK-MESSAGES: :[[@LINE-12]]:3: note: a task that sends on it is started here
  // CHECK-MESSAGES: :[[@LINE-10]]:19: note: the task sends here
}

// The task's copy of the channel is an init-capture.
void initCapture(csp::chan<int> events) {
  csp::go([e = events] { e.send(1); });
  events.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'events' is closed while a task that sends on it may still be running; its next send panics [csp-send-after-close]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: a task that sends on it is started here
  // CHECK-MESSAGES: :[[@LINE-4]]:26: note: the task sends here
}

// ---- Negative: the idioms that order the close after every send. ------

// The only sender closes after its last send.
void senderCloses() {
  auto out = csp::make_chan<int>();
  csp::go([&] {
    for (int i = 0; i < 3; ++i)
      out.send(i);
    out.close();
  });
  for (int v : out)
    compute(v);
}

// The seeds' shape: a closer task that waits for the workers first.
void closerAfterWait(const std::vector<int> &jobs) {
  auto results = csp::make_chan<int>();
  csp::wait_group wg;
  for (int j : jobs) {
    wg.add(1);
    csp::go([&, j] {
      results.send(compute(j));
      wg.done();
    });
  }
  csp::go([&] {
    wg.wait();
    results.close();
  });
  for (int r : results)
    compute(r);
}

// The workers are joined before the close.
void closeAfterJoin(csp::chan<int> results) {
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace_back([&, i] { results.send(compute(i)); });
  for (auto &w : workers)
    w.join();
  results.close();
}

// Every result is received before the close.
void closeAfterReceivingAll() {
  auto results = csp::make_chan<int>();
  for (int i = 0; i < 3; ++i)
    csp::go([&, i] { results.send(i); });
  for (int i = 0; i < 3; ++i)
    compute(results.recv());
  results.close();
}

// The stage is waited for after the cancel, then the output is closed.
void cancelWaitClose(const csp::context &parent, csp::chan<int> out) {
  auto [ctx, cancel] = csp::with_cancel(parent);
  csp::wait_group wg;
  wg.add(1);
  csp::go([&, ctx] {
    for (bool stop = false; !stop;)
      csp::select(csp::send_case(out, 1, [] {}),
                  csp::recv_case(ctx.done(), [&] { stop = true; }));
    wg.done();
  });
  cancel();
  wg.wait();
  out.close();
}

// Futures collected into a sum, a wait group done by a guard's destructor
// (Go's `defer wg.Done()`), threads joined by a helper.
void sumOfFutures(csp::chan<int> out) {
  std::vector<std::future<int>> futures;
  for (int i = 0; i < 4; ++i)
    futures.push_back(std::async(std::launch::async, [i, out] {
      out.send(i);
      return i;
    }));
  int total = 0;
  for (auto &f : futures)
    total += f.get();
  out.close();
  compute(total);
}

struct DoneGuard {
  csp::wait_group &wg;
  ~DoneGuard() { wg.done(); }
};

void doneByAGuard(csp::chan<int> out) {
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    wg.add(1);
    csp::go([&wg, out, i] {
      DoneGuard g{wg};
      if (failed())
        return;
      out.send(i);
    });
  }
  wg.wait();
  out.close();
}

void joinAll(std::vector<std::thread> &threads) {
  for (auto &t : threads)
    t.join();
}

void joinedByAHelper(csp::chan<int> out) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([out, i] { out.send(i); });
  joinAll(threads);
  out.close();
}

// Clearing a container of std::jthreads joins them (their destructors run)
// before the close: in a member function, where no local destructor does.
class Fanout {
public:
  void run(csp::chan<int> out) {
    for (int i = 0; i < 4; ++i)
      workers_.emplace_back([out, i] { out.send(i); });
    workers_.clear();
    out.close();
  }

private:
  std::vector<std::jthread> workers_;
};

void joinedByReassigning(csp::chan<int> out) {
  std::vector<std::jthread> workers;
  workers.emplace_back([out] { out.send(1); });
  workers = std::vector<std::jthread>();
  out.close();
}

// A helper that closes, and returns, on one branch only.
void forward(csp::chan<int> out, const int *item) {
  if (!item) {
    out.close();
    return;
  }
  out.send(*item);
}

void forwardThenEnd(csp::chan<int> out) {
  int one = 1;
  forward(out, &one);
  forward(out, nullptr);
}

// A closed flag under the mutex the sender holds while it sends.
class GuardedQueue {
public:
  bool push(int v) {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_)
      return false;
    items_.send(v);
    return true;
  }
  void shutdown() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    items_.close();
  }

private:
  std::mutex mu_;
  bool closed_ = false;
  csp::chan<int> items_ = csp::make_chan<int>(64);
};

void shutdownWhilePushing(GuardedQueue &q) {
  std::thread producer([&] {
    while (q.push(1)) {
    }
  });
  q.shutdown();
  producer.join();
}

// The close and the send are on different branches.
void closeOrSend(csp::chan<int> out, bool done) {
  if (done)
    out.close();
  else
    out.send(1);
}

// The close runs on the last iteration only.
void closeOnLastIteration(csp::chan<int> out, int n) {
  for (int i = 0; i < n; ++i) {
    out.send(i);
    if (i == n - 1)
      out.close();
  }
}

// A new channel after the close.
void renewedChannel() {
  auto ch = csp::make_chan<int>(1);
  ch.close();
  ch = csp::make_chan<int>(1);
  ch.send(1);
}

// The last worker out closes, after its own send; the others have sent.
void lastWorkerCloses() {
  auto results = csp::make_chan<int>(4);
  std::atomic<int> left{4};
  for (int i = 0; i < 4; ++i)
    csp::go([&, i] {
      results.send(compute(i));
      if (--left == 0)
        results.close();
    });
  for (int r : results)
    compute(r);
}

// The seed's worker that closes the channel it receives from while the
// producer still sends: csp-close-by-receiver reports the close, this check
// does not report the bug a second time.
void workerClosesJobs() {
  auto jobs = csp::make_chan<int>();
  csp::wait_group wg;
  for (int w = 0; w < 4; ++w) {
    wg.add(1);
    csp::go([&] {
      for (int j : jobs)
        if (j == 5)
          jobs.close();
      wg.done();
    });
  }
  for (int i = 1; i <= 10; ++i)
    jobs.send(i);
  wg.wait();
}

// Boost.Fiber: close is idempotent and push reports a closed channel.
void boostPushAfterClose() {
  boost::fibers::buffered_channel<int> ch(8);
  ch.close();
  if (ch.push(1) == boost::fibers::channel_op_status::closed)
    compute(0);
}
