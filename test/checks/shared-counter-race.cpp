// RUN: %check_csp_tidy %s csp-shared-counter-race %t

#include <csp/csp.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

void process(int);

// ---- Positive: concurrent tasks write a plain variable, no lock held. --

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

// Plain std::thread code, no csp runtime at all.
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

// Two different tasks, one writing and one reading.
void writerAndReader() {
  bool ready = false;
  std::thread writer([&ready] { ready = true; });
  // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 'ready' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
  // CHECK-MESSAGES: :[[@LINE+1]]:15: note: another task that accesses it is started here
  std::thread reader([&ready] { process(ready); });
  writer.join();
  reader.join();
}

class Stats {
public:
  void tally() {
    samples_++;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'samples_' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
    // CHECK-MESSAGES: :[[@LINE+4]]:7: note: the task is started in a loop, so several copies run at once
  }
  void startTally() {
    for (int i = 0; i < 2; ++i)
      std::thread(&Stats::tally, this).detach();
  }

private:
  int samples_ = 0;
};

int total = 0;
void addToTotal(int n) { total += n; }
// CHECK-MESSAGES: :[[@LINE-1]]:26: warning: 'total' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
// CHECK-MESSAGES: :[[@LINE+5]]:21: note: the task is started in a loop, so several copies run at once

void globalFromNamedFunction() {
  std::vector<std::future<void>> parts;
  for (int i = 0; i < 3; ++i)
    parts.push_back(std::async(std::launch::async, addToTotal, i));
}

void lambdaInVariable() {
  int misses = 0;
  auto probe = [&misses] { misses--; };
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'misses' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
  // CHECK-MESSAGES: :[[@LINE+2]]:5: note: the task is started in a loop, so several copies run at once
  for (int i = 0; i < 2; ++i)
    csp::go(probe);
}

// ---- Negative: synchronised, atomic, private, or not concurrent. ------

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
  for (int t = 0; t < 2; ++t) {
    std::jthread([&] {
      std::scoped_lock both(m1, m2);
      a++;
    });
    std::jthread([&] {
      std::unique_lock<std::mutex> lock(m1);
      b++;
    });
  }
}

void atomicCounter() {
  std::atomic<int> counter{0};
  for (int w = 0; w < 4; ++w)
    csp::go([&counter] { counter.fetch_add(1); counter++; });
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

// One writer task, read by the spawner after the join.
void oneWriterThenJoin() {
  int answer = 0;
  std::thread t([&answer] { answer = 42; });
  t.join();
  process(answer);
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
    csp::go([seed]() mutable { seed++; process(seed); });
}
