// RUN: %check_csp_tidy %s csp-channel-never-closed %t

#include <csp/csp.hpp>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

void process(int);
void publish(csp::chan<int>);

// ---- Positive: a range loop waits for a close that never comes. --------

// Seed 002, exercise 1: the hung pool.
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

// A named consumer on a std::thread.
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

// A named consumer started by csp::go, with a nested loop whose break
// leaves only the inner loop.
void consumeBatches(csp::recv_chan<int> batches) {
  for (int size : batches) {
    // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: range loop over channel 'batches', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
    // CHECK-MESSAGES: :[[@LINE+10]]:16: note: channel 'sizes' is made here; close it once the last value is sent
    for (int i = 0; i < size; ++i) {
      if (i > 100)
        break;
      process(i);
    }
  }
}

void namedConsumerWithGo() {
  auto sizes = csp::make_chan<int>(2);
  csp::go(consumeBatches, sizes);
  sizes.send(3);
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

// A member channel, ranged over by a member function on a thread.
class Logger {
public:
  Logger() : lines_(csp::make_chan<int>(16)) {
    // CHECK-MESSAGES: :[[@LINE+8]]:5: warning: range loop over channel 'lines_', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
    // CHECK-MESSAGES: :[[@LINE-2]]:21: note: channel 'lines_' is made here; close it once the last value is sent
  }
  void start() { worker_ = std::thread(&Logger::drain, this); }
  void log(int line) { lines_.send(line); }

private:
  void drain() {
    for (int line : lines_)
      process(line);
  }
  csp::chan<int> lines_;
  std::thread worker_;
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

// The range is in a helper that a task calls.
void drainAll(csp::recv_chan<int> in) {
  for (int v : in)
    // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: range loop over channel 'in', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
    // CHECK-MESSAGES: :[[@LINE+5]]:16: note: channel 'queue' is made here; close it once the last value is sent
    process(v);
}

void rangeInAHelper() {
  auto queue = csp::make_chan<int>(4);
  csp::go([queue] { drainAll(queue); });
  queue.send(1);
}

// A channel per request, made in a loop: each one is still never closed.
void sendTwice(csp::send_chan<int> out) {
  out.send(1);
  out.send(2);
}

void perRequestChannel(int requests) {
  for (int r = 0; r < requests; ++r) {
    auto reply = csp::make_chan<int>(2);
    csp::go(sendTwice, reply);
    for (int v : reply)
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: range loop over channel 'reply', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
      // CHECK-MESSAGES: :[[@LINE-4]]:18: note: channel 'reply' is made here; close it once the last value is sent
      process(v);
  }
}

// A receive loop that stops only when recv_ok reports the channel closed.
void recvOkUntilClosed() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    for (;;) {
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: loop receives from channel 'jobs' until it is closed, and it is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
      // CHECK-MESSAGES: :[[@LINE-4]]:15: note: channel 'jobs' is made here; close it once the last value is sent
      auto [job, ok] = jobs.recv_ok();
      if (!ok)
        break;
      process(job);
    }
  });
  jobs.send(1);
}

void pollUntilClosed(csp::recv_chan<int> in) {
  while (true) {
    // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: loop receives from channel 'in' until it is closed, and it is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
    // CHECK-MESSAGES: :[[@LINE+9]]:15: note: channel 'feed' is made here; close it once the last value is sent
    auto r = in.recv_ok();
    if (r.ok == false)
      return;
    process(r.value);
  }
}

void namedPollerOnAThread() {
  auto feed = csp::make_chan<int>(4);
  std::thread t(pollUntilClosed, feed);
  feed.send(1);
  t.detach();
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

// Go's sync.Once: the first producer to finish closes.
void closedOnce() {
  auto jobs = csp::make_chan<int>(4);
  std::once_flag once;
  for (int p = 0; p < 2; ++p)
    csp::go([jobs, &once, p] {
      jobs.send(p);
      std::call_once(once, [&] { jobs.close(); });
    });
  for (int j : jobs)
    process(j);
}

// Closed by a template, or a generic lambda.
template <class Channel> void closeQuietly(const Channel &ch) { ch.close(); }

void closedByATemplate() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    jobs.send(1);
    closeQuietly(jobs);
  });
  for (int j : jobs)
    process(j);
}

void closedByAGenericLambda() {
  auto jobs = csp::make_chan<int>(4);
  auto finish = [](auto ch) { ch.close(); };
  csp::go([jobs, finish] {
    jobs.send(1);
    finish(jobs);
  });
  for (int j : jobs)
    process(j);
}

// The channel is handed to code the analysis cannot see, which may close it.
void escapesToUnseenCode() {
  auto feed = csp::make_chan<int>(1);
  publish(feed);
  for (int v : feed)
    process(v);
}

void storedInAContainer(std::vector<csp::chan<int>> &all) {
  auto feed = csp::make_chan<int>(1);
  all.push_back(feed);
  for (int v : feed)
    process(v);
}

csp::chan<int> startFeed() {
  auto feed = csp::make_chan<int>(1);
  csp::go([feed] { feed.send(1); });
  return feed;
}

void returnedToTheCaller() {
  auto feed = startFeed();
  for (int v : feed)
    process(v);
}

// A virtual function: an override elsewhere may close it.
struct Sink {
  virtual ~Sink() = default;
  virtual void finish(csp::chan<int> ch) { (void)ch; }
};

void closedByAnOverride(Sink &sink) {
  auto data = csp::make_chan<int>(1);
  csp::go([data] {
    for (int v : data)
      process(v);
  });
  sink.finish(data);
}

// A class whose stop() is defined in another file.
class Server {
public:
  Server() : requests_(csp::make_chan<int>(8)) {}
  void start() {
    csp::go([this] {
      for (int r : requests_)
        process(r);
    });
  }
  void stop(); // closes requests_, elsewhere

private:
  csp::chan<int> requests_;
};

// A global other files can name.
csp::chan<int> g_events = csp::make_chan<int>(8);

void rangeAGlobal() {
  for (int e : g_events)
    process(e);
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

int firstPositive() {
  auto values = csp::make_chan<int>(4);
  csp::go([values] {
    for (int i = -2; i < 3; ++i)
      values.send(i);
  });
  for (int v : values)
    if (v > 0)
      return v;
  throw std::runtime_error("unreachable");
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

// A recv_ok loop that also stops on a sentinel, or after a count.
void recvOkWithSentinel() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    for (;;) {
      auto [job, ok] = jobs.recv_ok();
      if (!ok || job < 0)
        break;
      process(job);
    }
  });
  jobs.send(-1);
}

void recvOkCounted() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    for (int i = 0; i < 3; ++i) {
      auto [job, ok] = jobs.recv_ok();
      if (!ok)
        break;
      process(job);
    }
  });
  for (int i = 0; i < 3; ++i)
    jobs.send(i);
}

void suppressed() {
  auto ticks = csp::make_chan<int>(1);
  csp::go([ticks] {
    for (int t : ticks) // NOLINT(csp-channel-never-closed)
      process(t);
  });
  ticks.send(1);
}

// A channel made in a default member initializer is made there, for every
// constructor that leaves the member alone.
class MemberInitPipeline {
public:
  void start() {
    csp::go([this] {
      for (int v : jobs_)
        // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: range loop over channel 'jobs_', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
        // CHECK-MESSAGES: :[[@LINE+7]]:26: note: channel 'jobs_' is made here; close it once the last value is sent
        process(v);
    });
  }
  void push(int v) { jobs_.send(v); }

private:
  csp::chan<int> jobs_ = csp::make_chan<int>(8);
};

// The same member, closed by the owner's stop(): silent.
class MemberInitPipelineStopped {
public:
  void start() {
    csp::go([this] {
      for (int v : jobs_)
        process(v);
    });
  }
  void push(int v) { jobs_.send(v); }
  void stop() { jobs_.close(); }

private:
  csp::chan<int> jobs_ = csp::make_chan<int>(8);
};

// The producer is given a view written out as a conversion; it closes it.
void produceAndClose(csp::send_chan<int> out) {
  out.send(1);
  out.close();
}

void explicitViewArgument() {
  auto ch = csp::make_chan<int>();
  csp::go(produceAndClose, csp::send_chan<int>(ch));
  for (int v : ch)
    process(v);
}

// ---- An endless service: the stream has no last value to close after. ----

// Issue 16, cpp-channel's examples/cmake-project: the only producer never
// returns ([[noreturn]], `while (true)` with no exit), so neither the stage
// that ranges over its channel nor the one after it is waiting for a close.
[[noreturn]] void produceForever(csp::chan<int> out) {
  int n = 0;
  while (true)
    out.send(++n);
}
void stage(csp::chan<int> in, csp::chan<int> out) {
  for (int v : in)
    out.send(v + 2);
}
void sink(csp::chan<int> in) {
  for (int v : in)
    process(v);
}
void endlessService() {
  auto incoming = csp::make_chan<int>(4);
  auto outgoing = csp::make_chan<int>();
  std::thread producer(produceForever, incoming);
  std::thread consumer(sink, outgoing);
  std::vector<std::thread> stages;
  for (int i = 0; i < 4; ++i)
    stages.emplace_back(stage, incoming, outgoing);
  producer.join();
  consumer.join();
  for (auto &t : stages)
    t.join();
}

// The same without [[noreturn]]: a `for (;;)` send loop with no exit.
void endlessTicker() {
  auto ticks = csp::make_chan<int>();
  csp::go([ticks] {
    for (int n = 0;; ++n)
      ticks.send(n);
  });
  for (int t : ticks)
    process(t);
}

// A producer loop that can end is not endless: it still owes the close.
void tickerThatStops(bool &stop) {
  auto ticks = csp::make_chan<int>();
  csp::go([ticks, &stop] {
    while (true) {
      if (stop)
        return;
      ticks.send(1);
    }
  });
  for (int t : ticks)
    // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: range loop over channel 'ticks', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
    // CHECK-MESSAGES: :[[@LINE-10]]:16: note: channel 'ticks' is made here; close it once the last value is sent
    process(t);
}
