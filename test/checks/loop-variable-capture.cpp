// RUN: %check_csp_tidy %s csp-loop-variable-capture %t

#include <csp/csp.hpp>

#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

void process(int);
void process(const std::string &);

// ===== Positive: the task can still be running when the loop moves on. =====

void goImplicitCapture() {
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    wg.add(1);
    csp::go([&] {
      process(i);
      // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: loop variable 'i' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
      // CHECK-MESSAGES: :[[@LINE-3]]:5: note: the task is started here, inside the loop; capture 'i' by value
      wg.done();
    });
  }
  wg.wait();
}

void threadsExplicitCapture() {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&i] { process(i); });
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: loop variable 'i' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: the task is started here, inside the loop; capture 'i' by value
  for (auto &t : threads)
    t.join();
}

// A range-for variable held by value is a new object each iteration,
// destroyed when the iteration ends.
void rangeByValue(const std::vector<std::string> &names) {
  std::vector<std::jthread> workers;
  for (std::string name : names)
    workers.emplace_back([&] { process(name); });
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: loop variable 'name' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: the task is started here, inside the loop; capture 'name' by value
}

// The lambda is kept in a variable and started later in the iteration.
void lambdaInVariable() {
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    auto task = [&wg, &i] {
      // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: loop variable 'i' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
      // CHECK-MESSAGES: :[[@LINE+5]]:5: note: the task is started here, inside the loop; capture 'i' by value
      process(i);
      wg.done();
    };
    wg.add(1);
    csp::go(task);
  }
  wg.wait();
}

// Futures kept past the iteration, and a branch.
void asyncKept(bool parallel) {
  std::vector<std::future<void>> pending;
  for (int i = 0; i < 4; ++i) {
    if (parallel)
      pending.push_back(std::async(std::launch::async, [&] { process(i); }));
    // CHECK-MESSAGES: :[[@LINE-1]]:70: warning: loop variable 'i' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
    // CHECK-MESSAGES: :[[@LINE-2]]:25: note: the task is started here, inside the loop; capture 'i' by value
    else
      process(i);
  }
  for (auto &f : pending)
    f.get();
}

// A member's loop, the task running on the object.
struct Pool {
  csp::wait_group wg;
  void run(int n) {
    for (int shard = 0; shard < n; ++shard) {
      wg.add(1);
      csp::go([this, &shard] {
        // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: loop variable 'shard' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
        // CHECK-MESSAGES: :[[@LINE-2]]:7: note: the task is started here, inside the loop; capture 'shard' by value
        work(shard);
        wg.done();
      });
    }
    wg.wait();
  }
  void work(int);
};

// A thread handle of the body that is detached, or moved out of the body.
void detachedOrMoved(std::vector<std::jthread> &out) {
  for (int i = 0; i < 2; ++i) {
    std::thread t([&] { process(i); });
    // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: loop variable 'i' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
    // CHECK-MESSAGES: :[[@LINE-2]]:17: note: the task is started here, inside the loop; capture 'i' by value
    t.detach();
  }
  for (int j = 0; j < 2; ++j) {
    std::jthread t([&] { process(j); });
    // CHECK-MESSAGES: :[[@LINE-1]]:34: warning: loop variable 'j' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
    // CHECK-MESSAGES: :[[@LINE-2]]:18: note: the task is started here, inside the loop; capture 'j' by value
    out.push_back(std::move(t));
  }
}

// Structured bindings of a range-for held by value.
void bindings(const std::map<int, int> &m) {
  std::vector<std::thread> threads;
  for (auto [key, value] : m)
    threads.emplace_back([&] { process(key + value); });
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: loop variable 'key' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: the task is started here, inside the loop; capture 'key' by value
  // CHECK-MESSAGES: :[[@LINE-3]]:46: warning: loop variable 'value' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
  // CHECK-MESSAGES: :[[@LINE-4]]:5: note: the task is started here, inside the loop; capture 'value' by value
  for (auto &t : threads)
    t.join();
}

// The join in the iteration is of the previous iteration's task: the task
// started here is still running when the loop moves on.
void joinBeforeSpawn() {
  std::thread previous;
  for (int i = 0; i < 4; ++i) {
    if (previous.joinable())
      previous.join();
    previous = std::thread([&] { process(i); });
    // CHECK-MESSAGES: :[[@LINE-1]]:42: warning: loop variable 'i' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
    // CHECK-MESSAGES: :[[@LINE-2]]:16: note: the task is started here, inside the loop; capture 'i' by value
  }
  previous.join();
}

// Joined on one path only.
void joinOnOnePath(bool wait) {
  for (int i = 0; i < 4; ++i) {
    std::thread t([&] { process(i); });
    // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: loop variable 'i' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
    // CHECK-MESSAGES: :[[@LINE-2]]:17: note: the task is started here, inside the loop; capture 'i' by value
    if (wait)
      t.join();
    else
      t.detach();
  }
}

// ===== Negative: the idioms that stay silent. =====

// The iteration receives what the task sends: the task has read the
// variable by then.
void receiveResultInIteration() {
  auto results = csp::make_chan<int>();
  for (int i = 0; i < 4; ++i) {
    csp::go([&] { results.send(i * i); });
    process(results.recv());
  }
}

// Handles owned by the iteration: a container of joining threads, a future
// used as a temporary, a jthread lent to a helper.
void watch(std::jthread &);
void ownedByIteration(const std::map<int, int> &m) {
  for (int round = 0; round < 3; ++round) {
    std::vector<std::jthread> workers;
    for (int w = 0; w < 4; ++w)
      workers.emplace_back([&, w] { process(round + w); });
  }
  int sum = 0;
  for (int i = 0; i < 3; ++i)
    sum += std::async(std::launch::async, [&] { return i * 2; }).get();
  process(sum);
  for (int i = 0; i < 3; ++i) {
    std::jthread t([&] { process(i); });
    watch(t);
  }
  for (const auto &[key, value] : m)
    std::jthread([&] { process(key + value); });
}

// Captured by value: each task has its own copy.
void byValue() {
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    wg.add(1);
    csp::go([&wg, i] {
      process(i);
      wg.done();
    });
  }
  wg.wait();
}

// Passed as an argument: bound by value at the spawn.
void asArgument() {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([](int n) { process(n); }, i);
  for (auto &t : threads)
    t.join();
}

// A reference loop variable names the element, which outlives the loop.
void rangeByReference(std::vector<std::string> &names) {
  std::vector<std::thread> threads;
  for (auto &name : names)
    threads.emplace_back([&] { process(name); });
  for (auto &t : threads)
    t.join();
}

// Per-iteration waits: a wait group, a join, a future's get.
void waitInIteration() {
  for (int i = 0; i < 4; ++i) {
    csp::wait_group wg;
    wg.add(1);
    csp::go([&] {
      process(i);
      wg.done();
    });
    wg.wait();
  }
  for (int i = 0; i < 4; ++i) {
    std::thread t([&] { process(i); });
    t.join();
  }
  for (int i = 0; i < 4; ++i) {
    auto f = std::async(std::launch::async, [&] { process(i); });
    f.get();
  }
}

// Handles whose destructor waits, ending with the iteration.
void joiningHandles() {
  for (int i = 0; i < 4; ++i) {
    std::jthread t([&] { process(i); });
  }
  for (int i = 0; i < 4; ++i)
    std::async(std::launch::async, [&] { process(i); });
  for (int i = 0; i < 4; ++i) {
    auto f = std::async(std::launch::async, [&] { process(i); });
  }
}

// A variable of the spawner, not of the loop, captured by reference.
void spawnerVariable() {
  int base = 10;
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    wg.add(1);
    csp::go([&wg, &base, i] {
      process(base + i);
      wg.done();
    });
  }
  wg.wait();
}

// A loop variable captured by a lambda that is not a task.
void notATask(std::vector<int> &values) {
  for (int i = 0; i < 4; ++i) {
    auto add = [&](int &v) { v += i; };
    for (int &v : values)
      add(v);
  }
}

// The loop is inside the task: the variable belongs to the task.
void loopInsideTask() {
  csp::wait_group wg;
  wg.add(1);
  csp::go([&wg] {
    for (int i = 0; i < 4; ++i) {
      auto show = [&] { process(i); };
      show();
    }
    wg.done();
  });
  wg.wait();
}
