// RUN: %check_csp_tidy %s csp-zero-workers %t

// csp-zero-workers on the csp runtime, std::thread, std::jthread, std::async
// and Boost.Fiber (with Debian's real headers): a pool whose worker count can
// be 0, and work sent to it that only a worker can take.

#include <csp/csp.hpp>

#include <boost/fiber/all.hpp>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

void consume(int);

// ===== Positive shapes =====

// A public function's parameter: nothing in this file checks it.
void fromParameter(int n, const std::vector<int> &items) {
  auto jobs = csp::make_chan<int>();
  csp::wait_group wg;
  for (int w = 0; w < n; ++w) {
    // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: the pool's worker count can be 0 (it comes from a parameter and is not checked to be at least 1): with no worker, a send on unbuffered channel 'jobs' blocks forever [csp-zero-workers]
    // CHECK-MESSAGES: :[[@LINE-5]]:24: note: the count comes from parameter 'n'; check that it is at least 1 before starting the pool, or clamp it with std::max
    // CHECK-MESSAGES: :[[@LINE+9]]:5: note: the work is sent here
    wg.add(1);
    csp::go([&wg, jobs] {
      for (int j : jobs)
        consume(j);
      wg.done();
    });
  }
  for (int x : items)
    jobs.send(x);
  jobs.close();
  wg.wait();
}

// A helper worker and a helper that sends; the count is read from the
// environment.
void worker(csp::chan<int> jobs) {
  for (int j : jobs)
    consume(j);
}
void threadWorker(csp::chan<int> jobs) {
  for (int j : jobs)
    consume(j);
}
void asyncWorker(csp::chan<int> jobs) {
  for (int j : jobs)
    consume(j);
}
void feed(csp::chan<int> jobs, int count) {
  for (int i = 0; i < count; ++i)
    jobs.send(i);
}
void fromEnvironment() {
  int n = std::atoi(std::getenv("WORKERS"));
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: the pool's worker count can be 0 (it comes from input and is not checked to be at least 1): with no worker, a send on unbuffered channel 'jobs' blocks forever [csp-zero-workers]
  // CHECK-MESSAGES: :[[@LINE-4]]:21: note: the count is read here; check that it is at least 1 before starting the pool, or clamp it with std::max
  // CHECK-MESSAGES: :[[@LINE+2]]:3: note: the work is sent here
    csp::go(worker, jobs);
  feed(jobs, 10);
  jobs.close();
}

// A member function, the count a member of a configuration.
struct Config {
  int workers = 0;
};
class Server {
public:
  void run(const Config &cfg) {
    auto requests = csp::make_chan<int>(2);
    for (int w = 0; w < cfg.workers; ++w)
    // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: the pool's worker count can be 0 (it comes from a parameter and is not checked to be at least 1): with no worker, the sends on channel 'requests' beyond the 2 it holds block forever [csp-zero-workers]
    // CHECK-MESSAGES: :[[@LINE-4]]:26: note: the count comes from parameter 'cfg'; check that it is at least 1 before starting the pool, or clamp it with std::max
    // CHECK-MESSAGES: :[[@LINE+6]]:7: note: the work is sent here
      csp::go([requests] {
        for (int r : requests)
          consume(r);
      });
    for (int r = 0; r < 5; ++r)
      requests.send(r);
    requests.close();
  }
};

// A lambda kept in a variable; the count is a command-line argument, and
// the sending loop skips some items.
int mainLike(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 4;
  auto jobs = csp::make_chan<int>();
  auto work = [jobs] {
    for (int j : jobs)
      consume(j);
  };
  for (int w = 0; w < n; ++w)
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: the pool's worker count can be 0 (it comes from a parameter and is not checked to be at least 1): with no worker, a send on unbuffered channel 'jobs' blocks forever [csp-zero-workers]
  // CHECK-MESSAGES: :[[@LINE-9]]:31: note: the count comes from parameter 'argv'; check that it is at least 1 before starting the pool, or clamp it with std::max
  // CHECK-MESSAGES: :[[@LINE+5]]:5: note: the work is sent here
    csp::go(work);
  for (int x = 0; x < 10; ++x) {
    if (x % 3 == 0)
      continue;
    jobs.send(x);
  }
  jobs.close();
  return 0;
}

// std::thread, the count passed down as 0 by a caller.
void threadPool(int n) {
  auto jobs = csp::make_chan<int>();
  std::vector<std::thread> pool;
  for (int w = 0; w < n; ++w)
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: the pool's worker count can be 0 (it is 0 on some path and is not checked to be at least 1): with no worker, a send on unbuffered channel 'jobs' blocks forever [csp-zero-workers]
  // CHECK-MESSAGES: :[[@LINE+10]]:34: note: a caller passes the count here
  // CHECK-MESSAGES: :[[@LINE+9]]:34: note: the count is 0 here
  // CHECK-MESSAGES: :[[@LINE+3]]:5: note: the work is sent here
    pool.emplace_back(threadWorker, jobs);
  for (int x = 0; x < 3; ++x)
    jobs.send(x);
  jobs.close();
  for (auto &t : pool)
    t.join();
}
void startThreads() { threadPool(0); }

// A branch: one path takes the count from the environment unchecked.
void onePath(bool configured) {
  int n = 4;
  if (configured)
    n = std::atoi(std::getenv("WORKERS"));
  auto jobs = csp::make_chan<int>();
  std::vector<std::jthread> pool;
  for (int w = 0; w < n; ++w)
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: the pool's worker count can be 0 (it comes from input and is not checked to be at least 1): with no worker, a send on unbuffered channel 'jobs' blocks forever [csp-zero-workers]
  // CHECK-MESSAGES: :[[@LINE-5]]:19: note: the count is read here; check that it is at least 1 before starting the pool, or clamp it with std::max
  // CHECK-MESSAGES: :[[@LINE+6]]:5: note: the work is sent here
    pool.emplace_back([jobs] {
      for (int j : jobs)
        consume(j);
    });
  for (int x = 0; x < 3; ++x)
    jobs.send(x);
  jobs.close();
}

// std::async workers.
void asyncPool(unsigned n) {
  auto jobs = csp::make_chan<int>();
  std::vector<std::future<void>> done;
  for (unsigned w = 0; w < n; ++w)
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: the pool's worker count can be 0 (it comes from a parameter and is not checked to be at least 1): with no worker, a send on unbuffered channel 'jobs' blocks forever [csp-zero-workers]
  // CHECK-MESSAGES: :[[@LINE-5]]:25: note: the count comes from parameter 'n'; check that it is at least 1 before starting the pool, or clamp it with std::max
  // CHECK-MESSAGES: :[[@LINE+2]]:3: note: the work is sent here
    done.push_back(std::async(std::launch::async, asyncWorker, jobs));
  jobs.send(1);
  jobs.close();
}

// A class template.
template <class T> class Pool {
public:
  void start(int n) {
    auto jobs = csp::make_chan<T>();
    for (int w = 0; w < n; ++w)
    // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: the pool's worker count can be 0 (it comes from a parameter and is not checked to be at least 1): with no worker, a send on unbuffered channel 'jobs' blocks forever [csp-zero-workers]
    // CHECK-MESSAGES: :[[@LINE-4]]:18: note: the count comes from parameter 'n'; check that it is at least 1 before starting the pool, or clamp it with std::max
    // CHECK-MESSAGES: :[[@LINE+5]]:5: note: the work is sent here
      csp::go([jobs] {
        for (T j : jobs)
          consume(j);
      });
    jobs.send(T{});
    jobs.close();
  }
};
template class Pool<int>;

// Boost.Fiber: more values than the channel holds.
void fiberPool(int n) {
  boost::fibers::buffered_channel<int> ch{2};
  std::vector<boost::fibers::fiber> fibers;
  for (int w = 0; w < n; ++w)
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: the pool's worker count can be 0 (it comes from a parameter and is not checked to be at least 1): with no worker, the sends on channel 'ch' beyond the 2 it holds block forever [csp-zero-workers]
  // CHECK-MESSAGES: :[[@LINE-5]]:20: note: the count comes from parameter 'n'; check that it is at least 1 before starting the pool, or clamp it with std::max
  // CHECK-MESSAGES: :[[@LINE+7]]:5: note: the work is sent here
    fibers.emplace_back([&ch] {
      int v;
      while (ch.pop(v) == boost::fibers::channel_op_status::success)
        consume(v);
    });
  for (int x = 0; x < 8; ++x)
    ch.push(x);
  ch.close();
  for (auto &f : fibers)
    f.join();
}

// ===== Negative shapes =====

// The seeds' fix: refuse a count below 1.
void checkedReturn(int n) {
  if (n < 1)
    return;
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  jobs.send(1);
  jobs.close();
}

// A clamp.
void clamped(int n) {
  n = std::max(1, n);
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  jobs.send(1);
  jobs.close();
}

// An assertion, a throw.
void asserted(int n) {
  assert(n > 0);
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  jobs.send(1);
  jobs.close();
}
void thrown(int n) {
  if (n <= 0)
    throw std::invalid_argument("need a worker");
  auto jobs = csp::make_chan<int>();
  std::vector<std::thread> pool;
  for (int w = 0; w < n; ++w)
    pool.emplace_back([jobs] {
      for (int j : jobs)
        consume(j);
    });
  jobs.send(1);
  jobs.close();
  for (auto &t : pool)
    t.join();
}

// A constant count, and a helper every caller gives a constant.
void constantCount() {
  const int n = 4;
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  jobs.send(1);
  jobs.close();
}
static void helperPool(int n) {
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  jobs.send(1);
  jobs.close();
}
void callsHelper() {
  helperPool(4);
  helperPool(2);
}

// The sends fit the buffer: they complete with no worker.
void fitsBuffer(int n) {
  auto jobs = csp::make_chan<int>(8);
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  for (int x = 0; x < 3; ++x)
    jobs.send(x);
  jobs.close();
}

// A zero replaced on the path that has it; a ternary clamp on std::jthread.
void zeroReplaced() {
  int n = std::atoi(std::getenv("WORKERS"));
  if (n == 0)
    n = 1;
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  jobs.send(1);
  jobs.close();
}
void ternaryClamp(int n) {
  int workers = n < 1 ? 1 : n;
  auto jobs = csp::make_chan<int>();
  std::vector<std::jthread> pool;
  for (int w = 0; w < workers; ++w)
    pool.emplace_back([jobs] {
      for (int j : jobs)
        consume(j);
    });
  jobs.send(1);
  jobs.close();
}

// A loop that reads until the count is good: `continue` retries, `break`
// leaves only with a count of at least 1.
void retried() {
  int n = 0;
  for (;;) {
    n = std::atoi(std::getenv("WORKERS"));
    if (n < 1)
      continue;
    break;
  }
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  jobs.send(1);
  jobs.close();
}

// A lambda in a variable starts the pool with a clamped count.
void lambdaClamp() {
  auto start = [](int n) {
    auto jobs = csp::make_chan<int>();
    for (int w = 0; w < std::clamp(n, 1, 16); ++w)
      csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
    jobs.send(1);
    jobs.close();
  };
  start(std::atoi(std::getenv("WORKERS")));
}

// Someone else also takes the work: the spawner does not need a worker.
void anotherReceiver(int n) {
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  csp::go([jobs] { consume(jobs.recv()); });
  jobs.send(1);
}

// A helper started as a task with a constant: its caller is not a call.
void spawnedPool(int n) {
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  jobs.send(1);
  jobs.close();
}
void startsSpawnedPool() { csp::go(spawnedPool, 4); }

// A class template whose count is checked.
template <class T> class CheckedPool {
public:
  void start(int n) {
    if (n < 1)
      throw std::invalid_argument("need a worker");
    auto jobs = csp::make_chan<T>();
    for (int w = 0; w < n; ++w)
      csp::go([jobs] {
        for (T j : jobs)
          consume(j);
      });
    jobs.send(T{});
    jobs.close();
  }
};
template class CheckedPool<int>;

// Boost.Fiber with a checked count.
void fiberChecked(int n) {
  if (n < 1)
    return;
  boost::fibers::buffered_channel<int> ch{2};
  std::vector<boost::fibers::fiber> fibers;
  for (int w = 0; w < n; ++w)
    fibers.emplace_back([&ch] {
      int v;
      while (ch.pop(v) == boost::fibers::channel_op_status::success)
        consume(v);
    });
  for (int x = 0; x < 8; ++x)
    ch.push(x);
  ch.close();
  for (auto &f : fibers)
    f.join();
}

// A count the analysis cannot follow: hardware_concurrency() is no input.
void hardware() {
  unsigned n = std::thread::hardware_concurrency();
  auto jobs = csp::make_chan<int>();
  for (unsigned w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  jobs.send(1);
  jobs.close();
}

// A test the analysis cannot read: a predicate helper, a member predicate of
// the configuration, a helper that throws. Whichever way it went, the code
// looked at the count.
static bool validWorkers(int n) { return n >= 1 && n <= 256; }
void validatedByHelper(const std::vector<int> &items) {
  const char *s = std::getenv("WORKERS");
  int n = s ? std::atoi(s) : 4;
  if (!validWorkers(n))
    return;
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  for (int x : items)
    jobs.send(x);
  jobs.close();
}
static void requirePositive(int v) {
  if (v < 1)
    throw std::invalid_argument("need a worker");
}
void validatedByThrowingHelper(const std::vector<int> &items) {
  const char *s = std::getenv("WORKERS");
  int n = s ? std::atoi(s) : 0;
  requirePositive(n);
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  for (int x : items)
    jobs.send(x);
  jobs.close();
}
struct PoolConfig {
  int workers = 0;
  bool valid() const { return workers >= 1; }
};
static void configuredPool(int n, const std::vector<int> &items) {
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  for (int x : items)
    jobs.send(x);
  jobs.close();
}
int validatedConfig() {
  PoolConfig cfg;
  const char *s = std::getenv("WORKERS");
  cfg.workers = s ? std::atoi(s) : 0;
  if (!cfg.valid())
    return 1;
  configuredPool(cfg.workers, {1, 2, 3});
  return 0;
}

// A value type whose constructor clamps: its member is not the raw input.
struct PoolSize {
  explicit PoolSize(int v) : value(v < 1 ? 1 : v) {}
  int value;
};
static void sizedPool(PoolSize size) {
  int n = size.value;
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  jobs.send(1);
  jobs.close();
}
void startsSizedPool() {
  const char *s = std::getenv("W");
  sizedPool(PoolSize(s ? std::atoi(s) : 0));
}

// The count is 0 only where there is no work: the sends run under what
// chose it (the items whose absence made it 0, the flag that did, the count
// itself).
void noItemsNoWorkers(const std::vector<int> &items) {
  int n = items.empty() ? 0 : 4;
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  for (int x : items)
    jobs.send(x);
  jobs.close();
}
void sameFlag(bool parallel, const std::vector<int> &items) {
  int n = 0;
  if (parallel)
    n = 4;
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  if (parallel) {
    for (int x : items)
      jobs.send(x);
  } else {
    for (int x : items)
      consume(x);
  }
  jobs.close();
}
void onePerWorker(int n) {
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
    csp::go([jobs] { consume(jobs.recv()); });
  for (int i = 0; i < n; ++i)
    jobs.send(i);
}

// ===== A positive that the correlation above must keep =====

// The flag that makes the count 0 does not guard the sends.
void unrelatedFlag(bool parallel, const std::vector<int> &items) {
  int n = parallel ? 4 : 0;
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: the pool's worker count can be 0 (it is 0 on some path and is not checked to be at least 1): with no worker, a send on unbuffered channel 'jobs' blocks forever [csp-zero-workers]
  // CHECK-MESSAGES: :[[@LINE-4]]:26: note: the count is 0 here
  // CHECK-MESSAGES: :[[@LINE+6]]:5: note: the work is sent here
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  for (int x : items)
    jobs.send(x);
  jobs.close();
}

// Input converted through a std::string is still input.
void throughString() {
  const char *s = std::getenv("WORKERS");
  int n = std::stoi(std::string(s ? s : "0"));
  auto jobs = csp::make_chan<int>();
  for (int w = 0; w < n; ++w)
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: the pool's worker count can be 0 (it comes from input and is not checked to be at least 1): with no worker, a send on unbuffered channel 'jobs' blocks forever [csp-zero-workers]
  // CHECK-MESSAGES: :[[@LINE-5]]:19: note: the count is read here; check that it is at least 1 before starting the pool, or clamp it with std::max
  // CHECK-MESSAGES: :[[@LINE+6]]:5: note: the work is sent here
    csp::go([jobs] {
      for (int j : jobs)
        consume(j);
    });
  for (int x = 0; x < 3; ++x)
    jobs.send(x);
  jobs.close();
}
