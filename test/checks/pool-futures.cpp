// RUN: %check_csp_tidy %s csp-shared-counter-race,csp-loop-variable-capture %t -config-file=%S/Inputs/pool/pool.clang-tidy

// The future a pool's submit returns is the task's handle: waiting on it
// ends the task (issue: `pool.submit(f).wait()` was not seen as a join).

#include <future>
#include <thread>
#include <vector>

void process(int);

namespace app {
class Pool {
public:
  template <class F> std::future<void> submit(F f) {
    return std::async(std::launch::async, std::move(f));
  }
  void wait();
};
} // namespace app

// ===== Negative: the future is waited for before the next access. =====

int waitedAsATemporary(app::Pool &pool) {
  int counter = 0;
  pool.submit([&counter] { counter = 1; }).wait();
  counter = 2;
  return counter;
}

int waitedThroughAVariable(app::Pool &pool) {
  int counter = 0;
  auto done = pool.submit([&counter] { counter = 1; });
  done.wait();
  counter = 2;
  return counter;
}

int keptInAVector(app::Pool &pool) {
  int a = 0, b = 0;
  std::vector<std::future<void>> pending;
  pending.push_back(pool.submit([&a] { a = 1; }));
  pending.push_back(pool.submit([&b] { b = 1; }));
  for (auto &f : pending)
    f.get();
  return a + b;
}

void perIteration(app::Pool &pool) {
  for (int i = 0; i < 4; ++i)
    pool.submit([&] { process(i); }).wait();
  for (int i = 0; i < 4; ++i) {
    auto done = pool.submit([&] { process(i); });
    done.get();
  }
}

// ===== Positive: the future is dropped or waited for too late. =====

int droppedFuture(app::Pool &pool) {
  int counter = 0;
  pool.submit([&counter] { counter = 1; });
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'counter' is written by a task while the code that started it writes it, with no lock held: a data race; make it std::atomic, hold a mutex, or join the task first [csp-shared-counter-race]
  // CHECK-MESSAGES: :[[@LINE-2]]:3: note: the task is started here
  counter = 2;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: written here while the task may still be running
  return counter;
}

int waitedAfterTheWrite(app::Pool &pool) {
  int counter = 0;
  auto done = pool.submit([&counter] { counter = 1; });
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: 'counter' is written by a task while the code that started it writes it, with no lock held: a data race; make it std::atomic, hold a mutex, or join the task first [csp-shared-counter-race]
  // CHECK-MESSAGES: :[[@LINE-2]]:15: note: the task is started here
  counter = 2;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: written here while the task may still be running
  done.wait();
  return counter;
}

void waitedAfterTheLoop(app::Pool &pool) {
  std::vector<std::future<void>> pending;
  for (int i = 0; i < 4; ++i)
    pending.push_back(pool.submit([&] { process(i); }));
  // CHECK-MESSAGES: :[[@LINE-1]]:49: warning: loop variable 'i' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
  // CHECK-MESSAGES: :[[@LINE-2]]:23: note: the task is started here, inside the loop; capture 'i' by value
  for (auto &f : pending)
    f.get();
}
