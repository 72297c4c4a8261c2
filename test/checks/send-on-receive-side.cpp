// RUN: %check_csp_tidy %s csp-send-on-receive-side %t '-config={CheckOptions: {ChannelTypes: "::csp::chan;::csp::send_chan;::csp::recv_chan;::boost::fibers::buffered_channel;::boost::fibers::unbuffered_channel;::Channel", ChannelSendFunctions: "::csp::chan::send;::csp::send_chan::send;::boost::fibers::buffered_channel::push;::boost::fibers::buffered_channel::try_push;::Channel::push", ChannelReceiveWithStatusFunctions: "::csp::chan::recv_ok;::csp::recv_chan::recv_ok;::boost::fibers::buffered_channel::pop;::Channel::pop", ChannelCloseFunctions: "::csp::chan::close;::csp::send_chan::close;::Channel::close", ReceiveOnlyChannelTypes: "::csp::recv_chan;::Source"}}'

// The csp runtime, std::thread code with its own channel class (Channel
// below, known through the options above, with Source as its receive-only
// view), and Boost.Fiber's channels.

#include <csp/csp.hpp>

#include <boost/fiber/all.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

void process(int);
bool tryProcess(int);
bool accept(int);
std::vector<int> linksOf(int);

// ===== Positive: a task takes a value and puts one back, every time. =====

// Seed 000, mistake 3: the worker meant `results`.
void spawnWorkers(csp::chan<int> jobs, csp::chan<int> results) {
  for (int i = 0; i < 4; ++i)
    csp::go([jobs, results] {
      for (int job : jobs) {
        jobs.send(job + 100);
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: the task sends into channel 'jobs' for every value it receives from it: the channel never drains, and once every task that receives from it is blocked in this send, nothing receives [csp-send-on-receive-side]
        // CHECK-MESSAGES: :[[@LINE-3]]:7: note: the task receives from the channel here, on every iteration
        // CHECK-MESSAGES: :[[@LINE-7]]:34: note: declare 'jobs' as 'csp::recv_chan<int>' so that a send into it does not compile
        results.send(job * 2);
      }
    });
}

void runSpawnWorkers() {
  auto jobs = csp::make_chan<int>();
  auto results = csp::make_chan<int>();
  spawnWorkers(jobs, results);
  for (int i = 0; i < 3; ++i)
    jobs.send(i);
  for (int i = 0; i < 3; ++i)
    process(results.recv());
}

// A lambda kept in a variable; the loop ends only on `!ok`.
void lambdaInVariable() {
  auto jobs = csp::make_chan<int>(8);
  auto results = csp::make_chan<int>(8);
  auto worker = [jobs, results] {
    for (;;) {
      auto [job, ok] = jobs.recv_ok();
      if (!ok)
        return;
      jobs.send(job + 1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: the task sends into channel 'jobs' for every value it receives from it: the channel never drains, and once every task that receives from it is blocked in this send, nothing receives [csp-send-on-receive-side]
      // CHECK-MESSAGES: :[[@LINE-5]]:24: note: the task receives from the channel here, on every iteration
      // CHECK-MESSAGES: :[[@LINE-10]]:8: note: give the task a 'csp::recv_chan<int>' view of 'jobs' so that a send into it does not compile
      results.send(job);
    }
  };
  csp::go(worker);
  csp::go(worker);
  jobs.send(1);
  process(results.recv());
}

// A named function started by csp::go, in a loop nothing ends.
void forever(csp::chan<int> jobs, csp::chan<int> results) {
  while (true) {
    int job = jobs.recv();
    results.send(job);
    jobs.send(job + 1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the task sends into channel 'jobs' for every value it receives from it: the channel never drains, and once every task that receives from it is blocked in this send, nothing receives [csp-send-on-receive-side]
    // CHECK-MESSAGES: :[[@LINE-4]]:15: note: the task receives from the channel here, on every iteration
    // CHECK-MESSAGES: :[[@LINE-7]]:29: note: declare 'jobs' as 'csp::recv_chan<int>' so that a send into it does not compile
  }
}

void runForever() {
  auto jobs = csp::make_chan<int>();
  auto results = csp::make_chan<int>();
  csp::go(forever, jobs, results);
  jobs.send(1);
  process(results.recv());
}

// Helpers on both sides, and a branch before the send that both ways pass.
int take(csp::chan<int> from) { return from.recv(); }
void forward(csp::chan<int> to, int value) { to.send(value); }

void throughHelpers() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    for (;;) {
      int job = take(jobs);
      if (job % 2)
        process(job);
      else
        process(-job);
      forward(jobs, job / 2);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: the task sends into channel 'jobs' for every value it receives from it: the channel never drains, and once every task that receives from it is blocked in this send, nothing receives [csp-send-on-receive-side]
      // CHECK-MESSAGES: :[[@LINE-13]]:6: note: 'forward' sends into the channel
      // CHECK-MESSAGES: :[[@LINE-8]]:17: note: the task receives from the channel here, on every iteration
      // CHECK-MESSAGES: :[[@LINE-12]]:8: note: give the task a 'csp::recv_chan<int>' view of 'jobs' so that a send into it does not compile
    }
  });
  jobs.send(1);
}

// A member function's task, on a member channel.
class Pool {
public:
  void start() {
    csp::go([this] {
      for (int job : jobs_) {
        process(job);
        jobs_.send(job * 2);
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: the task sends into channel 'jobs_' for every value it receives from it: the channel never drains, and once every task that receives from it is blocked in this send, nothing receives [csp-send-on-receive-side]
        // CHECK-MESSAGES: :[[@LINE-4]]:7: note: the task receives from the channel here, on every iteration
        // CHECK-MESSAGES: :[[@LINE+7]]:18: note: give the task a 'csp::recv_chan<int>' view of 'jobs_' so that a send into it does not compile
      }
    });
  }
  void submit(int job) { jobs_.send(job); }

private:
  csp::chan<int> jobs_ = csp::make_chan<int>(16);
};

// A class template's task, and a select whose only case is the send.
template <class T> class Stage {
public:
  explicit Stage(csp::chan<T> in) : in_(in) {}
  void run() {
    csp::go([this] {
      for (T v : in_)
        csp::select(csp::send_case(in_, v + 1, [] {}));
        // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: the task sends into channel 'in_' for every value it receives from it: the channel never drains, and once every task that receives from it is blocked in this send, nothing receives [csp-send-on-receive-side]
        // CHECK-MESSAGES: :[[@LINE-3]]:7: note: the task receives from the channel here, on every iteration
        // CHECK-MESSAGES: :[[@LINE+5]]:16: note: give the task a 'csp::recv_chan<int>' view of 'in_' so that a send into it does not compile
    });
  }

private:
  csp::chan<T> in_;
};

void runStage() {
  auto ch = csp::make_chan<int>();
  Stage<int> stage(ch);
  stage.run();
  ch.send(1);
}

// std::thread code with its own channel class.
template <class T> class Channel {
public:
  Channel() = default;
  Channel(const Channel &) = delete;
  void push(T v) {
    std::unique_lock lock(mu_);
    items_.push_back(v);
    ready_.notify_one();
  }
  bool pop(T &v) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [this] { return closed_ || !items_.empty(); });
    if (items_.empty())
      return false;
    v = items_.front();
    items_.pop_front();
    return true;
  }
  void close() {
    std::unique_lock lock(mu_);
    closed_ = true;
    ready_.notify_all();
  }

private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<T> items_;
  bool closed_ = false;
};

template <class T> class Source {
public:
  explicit Source(Channel<T> &ch) : ch_(ch) {}
  bool pop(T &v) { return ch_.pop(v); }

private:
  Channel<T> &ch_;
};

void threadWorker(Channel<int> &queue, Channel<int> &done) {
  int job = 0;
  while (queue.pop(job)) {
    queue.push(job - 1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the task sends into channel 'queue' for every value it receives from it: the channel never drains, and once every task that receives from it is blocked in this send, nothing receives [csp-send-on-receive-side]
    // CHECK-MESSAGES: :[[@LINE-3]]:10: note: the task receives from the channel here, on every iteration
    // CHECK-MESSAGES: :[[@LINE-6]]:33: note: declare 'queue' as 'Source<int>' so that a send into it does not compile
    done.push(job);
  }
}

void runThreads() {
  Channel<int> queue;
  Channel<int> done;
  std::thread a(threadWorker, std::ref(queue), std::ref(done));
  std::thread b(threadWorker, std::ref(queue), std::ref(done));
  queue.push(1);
  queue.close();
  a.join();
  b.join();
}

// Boost.Fiber: a fiber that pushes back every value it pops.
void fiberRequeues() {
  boost::fibers::buffered_channel<int> queue{8};
  boost::fibers::fiber f([&queue] {
    for (int v : queue)
      queue.push(v + 1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: the task sends into channel 'queue' for every value it receives from it: the channel never drains, and once every task that receives from it is blocked in this send, nothing receives [csp-send-on-receive-side]
      // CHECK-MESSAGES: :[[@LINE-3]]:5: note: the task receives from the channel here, on every iteration
  });
  queue.push(1);
  f.join();
}

// ===== Negative =====

// The pipeline stage of the seeds: in from one channel, out to another.
void stage(csp::recv_chan<int> in, csp::send_chan<int> out) {
  for (int v : in)
    out.send(v * 2);
  out.close();
}

void runPipeline() {
  auto in = csp::make_chan<int>();
  auto out = csp::make_chan<int>();
  csp::go(stage, in, out);
  csp::go([in] {
    for (int i = 0; i < 3; ++i)
      in.send(i);
    in.close();
  });
  for (int v : out)
    process(v);
}

// A crawler requeues what it finds, without blocking: a select with a
// default drops what does not fit.
void crawler() {
  auto work = csp::make_chan<int>(64);
  auto seen = csp::make_chan<int>(64);
  for (int i = 0; i < 4; ++i)
    csp::go([work, seen] {
      for (int url : work) {
        seen.send(url);
        csp::select(csp::send_case(work, url + 1, [] {}), csp::default_case([] {}));
      }
    });
  work.send(1);
  for (int i = 0; i < 10; ++i)
    process(seen.recv());
}

// The same crawler with a blocking send, for each link found: some
// values, not one per value taken.
void crawlerLinks() {
  auto work = csp::make_chan<int>(64);
  csp::go([work] {
    for (int url : work)
      for (int link : linksOf(url))
        work.send(link);
  });
  work.send(1);
}

// A retry: only what failed goes back.
void retries() {
  auto jobs = csp::make_chan<int>(16);
  csp::go([jobs] {
    for (int job : jobs)
      if (!tryProcess(job))
        jobs.send(job);
  });
  jobs.send(1);
}

// A `continue` skips the send for some values.
void skips() {
  auto jobs = csp::make_chan<int>(16);
  csp::go([jobs] {
    for (int job : jobs) {
      if (!accept(job))
        continue;
      jobs.send(job + 1);
    }
  });
  jobs.send(1);
}

// A countdown: the loop has its own way out.
void countdown() {
  auto ticks = csp::make_chan<int>(1);
  csp::go([ticks] {
    for (int n : ticks) {
      if (n == 0)
        break;
      ticks.send(n - 1);
    }
  });
  ticks.send(3);
}

// The send runs in a task of its own: the worker never waits for it.
void sendInTask() {
  auto jobs = csp::make_chan<int>();
  csp::go([jobs] {
    for (int job : jobs)
      csp::go([jobs, job] { jobs.send(job + 1); });
  });
  jobs.send(1);
}

// An object pool: each task borrows a buffer and gives the same one back.
// A semaphore: the token's value is dropped.
struct Buffer {
  int id;
};
void fill(Buffer &);

void bufferPool() {
  auto pool = csp::make_chan<Buffer>(2);
  pool.send(Buffer{1});
  pool.send(Buffer{2});
  for (int i = 0; i < 4; ++i)
    csp::go([pool] {
      for (Buffer b : pool) {
        fill(b);
        pool.send(b);
      }
    });
}

void semaphore() {
  auto tokens = csp::make_chan<int>(3);
  for (int i = 0; i < 3; ++i)
    tokens.send(i);
  csp::go([tokens] {
    while (true) {
      tokens.recv();
      process(0);
      tokens.send(0);
    }
  });
}

// A loop driven by another channel: each pass takes the one value kept in
// `nextId` (or a permit) and puts one back into the slot it freed.
void stateInAChannel() {
  auto nextId = csp::make_chan<int>(1);
  nextId.send(1000);
  auto jobs = csp::make_chan<int>();
  for (int i = 0; i < 3; ++i)
    csp::go([jobs, nextId] {
      for (;;) {
        int job = jobs.recv();
        int id = nextId.recv();
        nextId.send(id + 1);
        process(job + id);
      }
    });
  for (int i = 0; i < 10; ++i)
    jobs.send(i);
}

// The task owns its queue: it makes it, or it closes it.
void ownQueue() {
  csp::go([] {
    auto queue = csp::make_chan<int>(4);
    queue.send(0);
    for (int n : queue)
      queue.send(n + 1);
  });
}

void stop(csp::chan<int> c) { c.close(); }

void closesIt() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    for (int job : jobs)
      jobs.send(job + 1);
    stop(jobs);
  });
  jobs.send(1);
}

// Something else drains the channel.
void drainedElsewhere() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    for (int job : jobs)
      jobs.send(job + 1);
  });
  jobs.send(1);
  for (int i = 0; i < 3; ++i)
    process(jobs.recv());
}

// The range is a receive-only view; the send goes through another handle.
void throughView() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    csp::recv_chan<int> in = jobs;
    for (int job : in)
      jobs.send(job + 1);
  });
  jobs.send(1);
}

// The channel escapes to code the analysis does not see, or comes from it.
void registerQueue(csp::chan<int>);

void escapes() {
  auto jobs = csp::make_chan<int>(4);
  registerQueue(jobs);
  csp::go([jobs] {
    for (int job : jobs)
      jobs.send(job + 1);
  });
}

void fromOutside(csp::chan<int> jobs) {
  csp::go([jobs] {
    for (int job : jobs)
      jobs.send(job + 1);
  });
}

// Not in a task: main's own loop is not this check's business.
void notATask() {
  auto jobs = csp::make_chan<int>(4);
  jobs.send(1);
  for (int job : jobs)
    jobs.send(job + 1);
}

// A loop whose condition can end it.
void whileRunning(csp::chan<int> jobs, const bool &running) {
  while (running) {
    int job = jobs.recv();
    jobs.send(job + 1);
  }
}

void runWhileRunning() {
  auto jobs = csp::make_chan<int>(4);
  bool running = true;
  csp::go(whileRunning, jobs, std::cref(running));
}

// std::thread with its own channel class: a stage from one queue to another.
void threadStage(Channel<int> &in, Channel<int> &out) {
  int v = 0;
  while (in.pop(v))
    out.push(v);
  out.close();
}

void runThreadStage() {
  Channel<int> in;
  Channel<int> out;
  std::thread t(threadStage, std::ref(in), std::ref(out));
  in.push(1);
  in.close();
  t.join();
}

// Boost.Fiber: a stage into another channel, and a requeue by try_push,
// which gives up when the channel is full.
void fiberStage() {
  boost::fibers::buffered_channel<int> in{8};
  boost::fibers::buffered_channel<int> out{8};
  boost::fibers::fiber f([&in, &out] {
    for (int v : in)
      out.push(v);
    out.close();
  });
  in.push(1);
  in.close();
  for (int v : out)
    process(v);
  f.join();
}

void fiberTryPush() {
  boost::fibers::buffered_channel<int> queue{8};
  boost::fibers::fiber f([&queue] {
    for (int v : queue)
      queue.try_push(v + 1);
  });
  queue.push(1);
  queue.close();
  f.join();
}
