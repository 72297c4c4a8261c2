// RUN: %check_csp_tidy %s csp-close-by-receiver %t

#include <csp/csp.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

// What the unique_ptr guards below hold: one made from nullptr never runs
// its deleter.
int guard_token;

void process(int);
void discard(int);

// ---- Positive: code that receives from a channel closes it. -------------

// Seed 002, exercise 3: a worker closes the channel it ranges over.
void workerClosesWhatItRanges() {
  auto jobs = csp::make_chan<int>();
  csp::wait_group wg;
  for (int w = 0; w < 4; ++w) {
    wg.add(1);
    csp::go([&wg, jobs] {
      for (int j : jobs) {
        process(j);
        if (j == 5)
          jobs.close();
        // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: channel 'jobs' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
        // CHECK-MESSAGES: :[[@LINE-5]]:7: note: it receives from the channel here
      }
      wg.done();
    });
  }
  for (int i = 1; i <= 10; ++i)
    jobs.send(i);
  jobs.close();
  wg.wait();
}

// A named worker started by csp::go: it stops on a sentinel, then closes.
void stopOnSentinel(csp::chan<int> jobs) {
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

void startWithGo() {
  auto jobs = csp::make_chan<int>(4);
  csp::go(stopOnSentinel, jobs);
  jobs.send(1);
  jobs.send(0);
  jobs.send(2); // panics: the worker has closed the channel
}

// A named worker on a std::thread.
void drainThree(csp::chan<int> results) {
  for (int i = 0; i < 3; ++i)
    process(results.recv());
  results.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'results' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
  // CHECK-MESSAGES: :[[@LINE-3]]:13: note: it receives from the channel here
}

void startWithThread() {
  auto results = csp::make_chan<int>(8);
  std::thread t(drainThree, results);
  for (int i = 0; i < 8; ++i)
    results.send(i);
  t.join();
}

// A lambda kept in a variable.
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
  for (int i = 0; i < 8; ++i)
    results.send(i);
}

// A member function run on a thread, with a member channel.
class Listener {
public:
  void start() { thread_ = std::thread(&Listener::run, this); }
  void post(int e) { events_.send(e); }

private:
  void run() {
    for (int e : events_) {
      if (e < 0) {
        events_.close();
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: channel 'events_' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
        // CHECK-MESSAGES: :[[@LINE-4]]:5: note: it receives from the channel here
        return;
      }
      process(e);
    }
  }
  csp::chan<int> events_ = csp::make_chan<int>(4);
  std::thread thread_;
};

// The receive happens in a helper; the close in the task itself.
int next(csp::recv_chan<int> in) { return in.recv(); }

void receiveThroughHelper() {
  auto jobs = csp::make_chan<int>(1);
  csp::go([jobs] {
    if (next(jobs) == 0)
      jobs.close();
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: channel 'jobs' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
    // CHECK-MESSAGES: :[[@LINE-3]]:9: note: it receives from the channel here
  });
  jobs.send(0);
}

// The close happens in a helper; the receive in the task itself.
void shutdown(csp::send_chan<int> ch) { ch.close(); }

void closeThroughHelper() {
  auto jobs = csp::make_chan<int>(1);
  csp::go([jobs] {
    for (int j : jobs)
      if (j < 0)
        shutdown(jobs);
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: channel 'jobs' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
    // CHECK-MESSAGES: :[[@LINE-9]]:6: note: 'shutdown' closes the channel
    // CHECK-MESSAGES: :[[@LINE-5]]:5: note: it receives from the channel here
  });
  jobs.send(-1);
}

// A select loop whose receive handler closes the channel it receives from.
void closeInSelectHandler() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    bool more = true;
    while (more)
      csp::select(csp::recv_case(jobs, [&](int j, bool ok) {
        more = ok;
        if (ok && j < 0)
          jobs.close();
        // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: channel 'jobs' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
        // CHECK-MESSAGES: :[[@LINE-5]]:19: note: it receives from the channel here
      }));
  });
  jobs.send(-1);
}

// Closing inside the loop that receives is the bug even in the function
// that made the channel and started its producer.
void ownerClosesInsideItsReceiveLoop() {
  auto results = csp::make_chan<int>(4);
  for (int p = 0; p < 2; ++p)
    csp::go([results, p] { results.send(p); });
  for (int r : results) {
    if (r == 0)
      results.close();
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: channel 'results' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
    // CHECK-MESSAGES: :[[@LINE-4]]:3: note: it receives from the channel here
    process(r);
  }
}

// A receiving worker that closes through a scope guard when it returns.
void closeThroughGuardInReceiver() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    auto guard = std::unique_ptr<int, std::function<void(int *)>>(
        &guard_token, [jobs](int *) { jobs.close(); });
    // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: channel 'jobs' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
    // CHECK-MESSAGES: :[[@LINE+1]]:5: note: it receives from the channel here
    for (int j : jobs)
      process(j);
  });
  jobs.send(1);
}

// ---- Negative: the sender, or the owner, closes. ------------------------

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

void producerClosesThroughADeleter() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    std::unique_ptr<int, std::function<void(int *)>> guard(
        &guard_token, [jobs](int *) { jobs.close(); });
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

void pipeline() {
  auto source = csp::make_chan<int>(4), doubled = csp::make_chan<int>(4);
  csp::go(stage, source, doubled);
  source.send(1);
  source.close();
  for (int v : doubled)
    process(v);
}

// A closer task waits for the senders, then closes.
void closerAfterWait() {
  auto results = csp::make_chan<int>(4);
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
    process(r);
}

// The orchestrator waits for every sender, closes, then drains.
void waitCloseDrain() {
  auto results = csp::make_chan<int>(4);
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    wg.add(1);
    csp::go([&wg, results, i] {
      results.send(i);
      wg.done();
    });
  }
  wg.wait();
  results.close();
  for (int r : results)
    process(r);
}

// The owner sends into its own buffered channel, closes it and drains it.
void ownerSendsClosesAndDrains() {
  auto buffer = csp::make_chan<int>(3);
  for (int i = 0; i < 3; ++i)
    buffer.send(i);
  buffer.close();
  for (int v : buffer)
    process(v);
}

// Closing first and draining what is left is a shutdown, not a receiver's
// close.
void closeThenDrain(csp::chan<int> pending) {
  pending.close();
  for (int v : pending)
    discard(v);
}

// A worker receives its jobs and closes its own "done" signal, even when
// both channels are also passed to one logging helper.
void logChannel(csp::chan<int> ch) { (void)ch; }

void receivesFromOneClosesAnother() {
  auto jobs = csp::make_chan<int>(1), done = csp::make_chan<int>();
  logChannel(jobs);
  logChannel(done);
  csp::go([jobs, done] {
    for (int j : jobs)
      process(j);
    done.close();
  });
  jobs.send(1);
  jobs.close();
  (void)done.recv_ok();
}

// The function that starts the senders receives exactly what they send.
void ownerStartedTheSenders() {
  auto replies = csp::make_chan<int>(2);
  csp::go([replies] { replies.send(1); });
  csp::go([replies] { replies.send(2); });
  process(replies.recv());
  process(replies.recv());
  replies.close();
}

// A closer handed to a pool the analysis cannot see runs elsewhere.
struct Pool {
  void submit(std::function<void()> task);
};

void closerOnAPool(Pool &pool) {
  auto results = csp::make_chan<int>(4);
  csp::wait_group wg;
  wg.add(1);
  csp::go([&wg, results] {
    results.send(1);
    wg.done();
  });
  pool.submit([&wg, results] {
    wg.wait();
    results.close();
  });
  for (int r : results)
    process(r);
}

// A class that owns its channel: stop() waits for the workers, then closes.
class Batch {
public:
  void start() {
    for (int w = 0; w < 2; ++w) {
      wg_.add(1);
      csp::go([this, w] {
        out_.send(w);
        wg_.done();
      });
    }
  }
  int stop() {
    wg_.wait();
    out_.close();
    int sum = 0;
    for (int v : out_)
      sum += v;
    return sum;
  }

private:
  csp::chan<int> out_ = csp::make_chan<int>(2);
  csp::wait_group wg_;
};

// One worker's inbox is drained, another's is closed: the same member, two
// channels.
struct Worker {
  csp::chan<int> inbox = csp::make_chan<int>(1);
};

void drainOneCloseAnother(Worker &from, Worker &next) {
  csp::go([&from, &next] {
    for (int v : from.inbox)
      process(v);
    next.inbox.close();
  });
}

void suppressed() {
  auto jobs = csp::make_chan<int>(1);
  csp::go([jobs] {
    for (int j : jobs)
      if (j < 0)
        jobs.close(); // NOLINT(csp-close-by-receiver)
  });
  jobs.send(-1);
}

// ---- Negative: a signal-only channel, which nothing ever sends on. -------

// Go's `chan struct{}` done signal: no value ever comes, so there is no
// sender to panic; closing it is how every waiter is woken.
struct Signal {};

// Issue 16, pygolang's context: a waiter selects on its own done channel
// and its parent's, and cancelling (closing its done, once, under a flag)
// is what it does when the parent's fires.
class Context {
public:
  void cancel() {
    std::lock_guard<std::mutex> hold(mu_);
    if (canceled_)
      return;
    canceled_ = true;
    done_.close();
  }
  void propagateFrom(csp::chan<Signal> parent) {
    csp::go([this, parent] {
      int fired = -1;
      csp::select(csp::recv_case(done_, [&] { fired = 0; }),
                  csp::recv_case(parent, [&] { fired = 1; }));
      if (fired == 1)
        cancel();
    });
  }
  void wait() { done_.recv(); }

private:
  std::mutex mu_;
  bool canceled_ = false;
  csp::chan<Signal> done_ = csp::make_chan<Signal>();
};

// Issue 16, wendelin.core's Conn.close: for each file, force its close
// (which closes its `closed` signal) and wait for the signal.
struct FileHandle {
  csp::chan<Signal> closed = csp::make_chan<Signal>();
  void forceClose() { closed.close(); }
};
void closeAll(std::vector<FileHandle *> &files) {
  for (FileHandle *f : files) {
    f->forceClose();
    f->closed.recv();
  }
}

// The same close by a receiver on a channel something does send on stays
// reported, whatever its element type.
void signalWithASender() {
  auto ticks = csp::make_chan<Signal>(1);
  csp::go([ticks] {
    ticks.recv();
    ticks.close();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: channel 'ticks' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: it receives from the channel here
  });
  ticks.send(Signal{});
}

// A guard made from nullptr never runs its deleter: nothing is closed.
void receiverWithANullGuard() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    auto guard = std::unique_ptr<int, std::function<void(int *)>>(
        nullptr, [jobs](int *) { jobs.close(); });
    for (int j : jobs)
      process(j);
  });
  jobs.send(1);
  jobs.close();
}
