// RUN: %check_csp_tidy %s csp-shared-counter-race %t

#include <csp/csp.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

void process(int);

// ===== Positive: a plain variable written while others may touch it. =====

// Seed 002, exercise 4: workers in a loop, a lambda at the spawn.
void workersInALoop() {
  auto jobs = csp::make_chan<int>(8);
  int counter = 0;
  csp::wait_group wg;
  for (int w = 0; w < 4; ++w) {
    wg.add(1);
    csp::go([&] {
      for (int j : jobs)
        counter += j;
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'counter' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
        // CHECK-MESSAGES: :[[@LINE-4]]:5: note: the task is started in a loop, so several copies run at once
      wg.done();
    });
  }
  jobs.close();
  wg.wait();
  process(counter);
}

// A lambda kept in a variable, started several times.
void lambdaInVariable() {
  int misses = 0;
  auto probe = [&misses] { misses--; };
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'misses' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
  // CHECK-MESSAGES: :[[@LINE+2]]:5: note: the task is started in a loop, so several copies run at once
  for (int i = 0; i < 2; ++i)
    csp::go(probe);
}

// Only on one branch of the task.
void writeOnABranch(csp::recv_chan<int> jobs) {
  int odd = 0;
  csp::wait_group wg;
  wg.add(3);
  for (int w = 0; w < 3; ++w)
    csp::go([&] {
      for (int j : jobs)
        if (j % 2 != 0)
          ++odd;
          // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'odd' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
          // CHECK-MESSAGES: :[[@LINE-5]]:5: note: the task is started in a loop, so several copies run at once
      wg.done();
    });
  wg.wait();
  process(odd);
}

// A named worker that takes a pointer, started by csp::go.
void tally(int *n, csp::recv_chan<int> jobs) {
  for (int j : jobs)
    *n += j;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'sum' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
    // CHECK-MESSAGES: :[[@LINE+6]]:5: note: the task is started in a loop, so several copies run at once
}

void namedWorkerWithPointer(csp::recv_chan<int> jobs) {
  int sum = 0;
  for (int w = 0; w < 2; ++w)
    csp::go(tally, &sum, jobs);
}

// A helper function does the write.
void bump(int &c) { c++; }

void throughAHelper() {
  int calls = 0;
  for (int i = 0; i < 3; ++i)
    csp::go([&calls] { bump(calls); });
    // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'calls' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
    // CHECK-MESSAGES: :[[@LINE-7]]:21: note: 'bump' writes it here
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: the task is started in a loop, so several copies run at once
}

// A member counter of a pool object, updated by a member helper.
class Pool {
public:
  void start(int workers) {
    for (int i = 0; i < workers; ++i)
      threads_.emplace_back(&Pool::work, this);
  }
  void stop() {
    jobs_.close();
    for (std::thread &t : threads_)
      t.join();
  }

private:
  void work() {
    for (int j : jobs_) {
      process(j);
      record();
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'processed_' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
      // CHECK-MESSAGES: :[[@LINE+4]]:19: note: 'record' writes it here
      // CHECK-MESSAGES: :[[@LINE-15]]:7: note: the task is started in a loop, so several copies run at once
    }
  }
  void record() { ++processed_; }

  csp::chan<int> jobs_ = csp::make_chan<int>(16);
  std::vector<std::thread> threads_;
  int processed_ = 0;
};

// A field of an object the tasks share by reference.
struct Stats {
  int hits = 0;
};

void objectCapturedByReference() {
  Stats stats;
  csp::wait_group wg;
  for (int i = 0; i < 3; ++i) {
    wg.add(1);
    csp::go([&stats, &wg] {
      stats.hits++;
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'hits' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
      // CHECK-MESSAGES: :[[@LINE-3]]:5: note: the task is started in a loop, so several copies run at once
      wg.done();
    });
  }
  wg.wait();
}

// ===== Positive, plain std::thread code: no csp runtime at all. =========

void plainThreads() {
  long hits = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&hits] {
      for (int i = 0; i < 1000; ++i)
        ++hits;
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'hits' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
        // CHECK-MESSAGES: :[[@LINE-4]]:5: note: the task is started in a loop, so several copies run at once
    });
  for (std::thread &t : threads)
    t.join();
  process(static_cast<int>(hits));
}

// A named worker with a reference parameter, bound with std::ref.
void countTo(int &count, int n) {
  for (int i = 0; i < n; ++i)
    ++count;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'count' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
    // CHECK-MESSAGES: :[[@LINE+7]]:5: note: the task is started in a loop, so several copies run at once
}

void namedWorkerWithRef() {
  int count = 0;
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back(countTo, std::ref(count), 100);
}

// Two different tasks, one writing and one reading.
void writerAndReader() {
  bool ready = false;
  std::thread writer([&ready] { ready = true; });
  // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 'ready' is written by tasks that run at the same time, with no lock held: a data race; make it std::atomic or hold a mutex [csp-shared-counter-race]
  // CHECK-MESSAGES: :[[@LINE+1]]:15: note: another task that accesses it is started here
  std::thread reader([&ready] { process(ready); });
  writer.join();
  reader.join();
}

// The spawner reads the flag while the task may still be writing it.
void spinOnAFlag() {
  bool done = false;
  std::thread worker([&done] { done = true; });
  // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: 'done' is written by a task while the code that started it reads it, with no lock held: a data race; make it std::atomic, hold a mutex, or join the task first [csp-shared-counter-race]
  // CHECK-MESSAGES: :[[@LINE-2]]:15: note: the task is started here
  // CHECK-MESSAGES: :[[@LINE+1]]:11: note: read here while the task may still be running
  while (!done) {
  }
  worker.join();
}

// A member function started in a loop and detached.
class Sampler {
public:
  void tally() { samples_++; }
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'samples_' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
  // CHECK-MESSAGES: :[[@LINE+3]]:7: note: the task is started in a loop, so several copies run at once
  void startTally() {
    for (int i = 0; i < 2; ++i)
      std::thread(&Sampler::tally, this).detach();
  }

private:
  int samples_ = 0;
};

// A global, from a named function started by std::async; the futures are
// kept, so the tasks overlap.
int total = 0;
void addToTotal(int n) { total += n; }
// CHECK-MESSAGES: :[[@LINE-1]]:26: warning: 'total' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
// CHECK-MESSAGES: :[[@LINE+5]]:21: note: the task is started in a loop, so several copies run at once

void globalFromAsync() {
  std::vector<std::future<void>> parts;
  for (int i = 0; i < 3; ++i)
    parts.push_back(std::async(std::launch::async, addToTotal, i));
  for (auto &p : parts)
    p.get();
}

// The write is on the branch where try_lock failed.
std::mutex missMutex;
int missCount = 0;
void missWriter() {
  if (missMutex.try_lock())
    missMutex.unlock();
  else
    ++missCount;
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'missCount' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
}
void missingWriters() {
  std::thread a(missWriter), b(missWriter);
  // CHECK-MESSAGES: :[[@LINE-1]]:30: note: another task that accesses it is started here
  a.join();
  b.join();
}

// ===== Negative: synchronised, atomic, private, or not concurrent. ======

// A try_lock that succeeded holds the mutex on its branch (Boost.Thread's
// shared_mutex example has this shape).
std::mutex tryMutex;
int tryState = 0;
void tryWriter() {
  for (int i = 0; i < 1000; ++i)
    if (tryMutex.try_lock()) {
      tryState = i;
      tryMutex.unlock();
    }
}
void tryLockedWriters() {
  std::thread a(tryWriter), b(tryWriter);
  a.join();
  b.join();
}

void underLockGuard() {
  int counter = 0;
  std::mutex mu;
  csp::wait_group wg;
  for (int w = 0; w < 4; ++w) {
    wg.add(1);
    csp::go([&] {
      {
        std::lock_guard<std::mutex> lock(mu);
        ++counter;
      }
      wg.done();
    });
  }
  wg.wait();
  process(counter);
}

void underExplicitLock() {
  int counter = 0;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      mu.lock();
      counter++;
      mu.unlock();
    });
  for (std::thread &t : threads)
    t.join();
}

void underScopedAndUniqueLock() {
  int a = 0, b = 0;
  std::mutex m1, m2;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      std::scoped_lock both(m1, m2);
      a++;
    });
    threads.emplace_back([&] {
      std::unique_lock<std::mutex> lock(m1);
      b++;
    });
  }
  for (std::thread &t : threads)
    t.join();
}

// The lock is taken in the member helper the workers call.
class Ledger {
public:
  void start() {
    for (int i = 0; i < 4; ++i)
      workers_.emplace_back([this] { add(1); });
  }

private:
  void add(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    balance_ += n;
  }
  std::mutex mu_;
  int balance_ = 0;
  std::vector<std::jthread> workers_;
};

void atomicCounter() {
  std::atomic<int> counter{0};
  for (int w = 0; w < 4; ++w)
    csp::go([&counter] {
      counter.fetch_add(1);
      counter++;
    });
}

// Per-task slots: each task writes its own element.
void perTaskSlots() {
  std::vector<int> results(4);
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    wg.add(1);
    csp::go([&results, &wg, i] {
      results[i] = i * i;
      wg.done();
    });
  }
  wg.wait();
}

// Per-task slots through a reference to the element.
struct Shard {
  int count = 0;
};

void perTaskShards(std::vector<Shard> &shards) {
  std::vector<std::thread> threads;
  for (Shard &shard : shards)
    threads.emplace_back([&shard] { shard.count++; });
  for (std::thread &t : threads)
    t.join();
}

// One writer task, read by the spawner after the join.
void oneWriterThenJoin() {
  int answer = 0;
  std::thread t([&answer] { answer = 42; });
  t.join();
  process(answer);
}

// One writer task, read by the spawner after wait().
void oneWriterThenWait() {
  int answer = 0;
  csp::wait_group wg;
  wg.add(1);
  csp::go([&] {
    answer = 42;
    wg.done();
  });
  wg.wait();
  process(answer);
}

// The task signals on a channel; the spawner reads after receiving.
void oneWriterThenReceive() {
  int answer = 0;
  auto done = csp::make_chan<int>();
  csp::go([&answer, done] {
    answer = 42;
    done.close();
  });
  done.recv();
  process(answer);
}

// errgroup: the spawner reads after wait().
void oneWriterThenErrgroupWait() {
  int answer = 0;
  csp::errgroup g;
  g.go([&answer] {
    answer = 42;
    return csp::error();
  });
  g.wait();
  process(answer);
}

// Joined in the same iteration: the tasks run one after the other.
void joinedEachIteration() {
  int runs = 0;
  for (int i = 0; i < 4; ++i) {
    std::thread t([&runs] { runs++; });
    t.join();
  }
  process(runs);
}

// A std::async future or a std::jthread that dies in the iteration waits
// for its task there.
void blockingHandlesInALoop() {
  int a = 0, b = 0;
  for (int i = 0; i < 4; ++i) {
    auto f = std::async(std::launch::async, [&a] { a++; });
    std::jthread([&b] { b++; });
  }
  process(a + b);
}

// Two tasks, the first joined before the second starts.
void oneAfterTheOther() {
  int x = 0;
  std::thread first([&x] { x = 1; });
  first.join();
  std::thread second([&x] { x += 2; });
  second.join();
  process(x);
}

// std::call_once runs its callable once, the others wait for it.
void onceInitialisation() {
  std::once_flag flag;
  int config = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      std::call_once(flag, [&] { config = 7; });
      process(config);
    });
  for (std::thread &t : threads)
    t.join();
}

// The predicate of a condition variable runs with the lock held.
void conditionVariable() {
  std::mutex mu;
  std::condition_variable cv;
  bool ready = false;
  std::thread producer([&] {
    std::lock_guard<std::mutex> lock(mu);
    ready = true;
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return ready; });
  producer.join();
}

void localToTheTask() {
  for (int w = 0; w < 4; ++w)
    csp::go([] {
      int mine = 0;
      mine++;
      process(mine);
    });
}

thread_local int perThread = 0;

void threadLocalCounter() {
  for (int w = 0; w < 4; ++w)
    csp::go([] { perThread++; });
}

void capturedByCopy() {
  int seed = 1;
  for (int w = 0; w < 4; ++w)
    csp::go([seed]() mutable {
      seed++;
      process(seed);
    });
}

// std::thread copies an argument that is not wrapped in std::ref.
void argumentCopied() {
  int start = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([](int n) { n++; process(n); }, start);
  for (std::thread &t : threads)
    t.join();
}

void suppressed() {
  int approx = 0;
  for (int w = 0; w < 4; ++w)
    csp::go([&approx] {
      approx++; // NOLINT(csp-shared-counter-race)
    });
}

// The lock is taken and released before the write: the lockset on the CFG
// sees it released (a lexical look at earlier statements took it as held).
void lockReleasedBeforeTheWrite() {
  std::mutex mu;
  int counter = 0;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&] {
      mu.lock();
      process(0);
      mu.unlock();
      ++counter;
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'counter' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
      // CHECK-MESSAGES: :[[@LINE-6]]:5: note: the task is started in a loop, so several copies run at once
    });
  for (auto &t : workers)
    t.join();
}

// Released on one path only: not surely held at the write.
void lockReleasedOnOnePath(bool early) {
  std::mutex mu;
  int counter = 0;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&] {
      std::unique_lock<std::mutex> lk(mu);
      if (early)
        lk.unlock();
      ++counter;
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'counter' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
      // CHECK-MESSAGES: :[[@LINE-6]]:5: note: the task is started in a loop, so several copies run at once
    });
  for (auto &t : workers)
    t.join();
}

// Held on every path, released by the guard's destructor after the write.
void lockHeldOnEveryPath(bool early) {
  std::mutex mu;
  int counter = 0;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&] {
      std::unique_lock<std::mutex> lk(mu);
      if (early)
        process(0);
      ++counter;
    });
  for (auto &t : workers)
    t.join();
}
