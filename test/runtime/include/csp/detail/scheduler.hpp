// The runtime's one lock, its task table and its failure paths.
//
// Every channel, wait group, semaphore and context is protected by a single
// global mutex. That makes Go's deadlock rule checkable: a task blocks by
// parking a waiter under the lock, and whoever wakes it marks it runnable
// under the same lock, so "every live task is parked" is never observed in
// passing.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <source_location>
#include <stdexcept>
#include <string>
#include <thread>

#include <unistd.h>

namespace csp {

/// What csp::panic throws; `catch (const csp::panic_error &)` is recover.
struct panic_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void panic(const std::string &message) {
  throw panic_error(message);
}

namespace detail {

/// Prints `report` after the program's own output and ends the process.
/// When several tasks fail at once, the first one's report is the one shown.
[[noreturn]] inline void die(const std::string &report, int status) {
  static std::atomic_flag dying;
  if (dying.test_and_set())
    for (;;)
      pause();
  std::fflush(stdout);
  std::fputs(report.c_str(), stderr);
  std::fflush(stderr);
  _exit(status);
}

[[noreturn]] inline void die_of_current_exception() {
  try {
    throw;
  } catch (const std::exception &e) {
    die(std::string("panic: ") + e.what() + "\n", 2);
  } catch (...) {
    die("panic: unknown exception\n", 2);
  }
}

/// A parked task. `ready` and `fired` are written by the waker under the
/// runtime lock.
struct waiter {
  std::condition_variable cv;
  bool ready = false;
  int fired = -1;
  bool closed = false;
};

struct task_info {
  int id = 0;
  const char *blocked_in = nullptr; // under the runtime lock
  std::source_location where;       // under the runtime lock
  // Written without the lock: if sleeping synchronised tasks with each
  // other, ThreadSanitizer would miss races between tasks that sleep.
  std::atomic<bool> sleeping{false};
};

inline std::string describe(const task_info &t) {
  std::string s = "task #" + std::to_string(t.id) + (t.id == 1 ? " (main)" : "");
  if (t.blocked_in)
    return s + " blocked in " + t.blocked_in + " at " + t.where.file_name() + ":" +
           std::to_string(t.where.line());
  return s + (t.sleeping.load(std::memory_order_relaxed) ? " sleeping" : " running");
}

struct scheduler {
  std::mutex mu;
  int live = 1; // main, tasks, and pending timers
  int blocked = 0;
  int next_id = 2; // main is task #1, as it is goroutine 1 in Go
  std::map<int, task_info *> tasks; // every live task but main
  task_info main_task;
  /// Wakes timer threads early when their context ends another way.
  std::condition_variable timers;

  /// Parks the calling task until a waker sets w.ready. Called with `lock`
  /// held on mu.
  void park(std::unique_lock<std::mutex> &lock, waiter &w, const char *what,
            std::source_location where);

  /// Called by a waker, under the lock.
  void wake(waiter &w, int fired) {
    if (w.ready)
      return;
    w.ready = true;
    w.fired = fired;
    --blocked;
    w.cv.notify_one();
  }

  task_info *add_task() {
    auto *t = new task_info;
    t->id = next_id++;
    tasks[t->id] = t;
    ++live;
    return t;
  }

  void check_deadlock() {
    if (blocked < live)
      return;
    std::string report = "fatal error: all goroutines are asleep - deadlock!\n\n";
    report += "  " + describe(main_task) + "\n";
    for (auto &[id, t] : tasks)
      report += "  " + describe(*t) + "\n";
    die(report, 2);
  }
};

/// Never destroyed: tasks still parked when main returns keep using it
/// while the process exits.
inline scheduler &sched() {
  static scheduler *s = new scheduler;
  return *s;
}

inline void finish_task(task_info *t) {
  scheduler &s = sched();
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.tasks.erase(t->id);
    --s.live;
    s.check_deadlock();
  }
  delete t;
}

inline thread_local task_info *current_task = nullptr;

/// A thread that csp::go did not start (a std::thread, say) is counted as a
/// task from the moment it first blocks in the runtime until it exits, so
/// that it is never taken for part of a deadlock while it runs.
struct foreign_thread {
  task_info *info = nullptr;
  ~foreign_thread() {
    if (info)
      finish_task(info);
  }
};
inline thread_local foreign_thread foreign;

inline void scheduler::park(std::unique_lock<std::mutex> &lock, waiter &w,
                            const char *what, std::source_location where) {
  if (!current_task)
    current_task = foreign.info = add_task();
  task_info &self = *current_task;
  self.blocked_in = what;
  self.where = where;
  ++blocked;
  check_deadlock();
  w.cv.wait(lock, [&] { return w.ready; });
  self.blocked_in = nullptr;
}

/// With CSP_LEAKCHECK=1, lists the tasks still alive when main returns and
/// exits with status 3 if there are any (the goleak analogue).
inline void leak_check() {
  const char *flag = std::getenv("CSP_LEAKCHECK");
  if (!flag || std::string(flag) != "1")
    return;
  scheduler &s = sched();
  std::unique_lock<std::mutex> lock(s.mu);
  // A running task is most likely returning after its last done(): give it
  // a moment, as goleak retries. A sleeper is not waited for: main's locals
  // are gone, and a sleeper that woke up now could still be using them.
  auto returning = [&] {
    for (auto &[id, t] : s.tasks)
      if (!t->blocked_in && !t->sleeping.load(std::memory_order_relaxed))
        return true;
    return false;
  };
  for (int i = 0; i < 100 && returning(); ++i) {
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    lock.lock();
  }
  if (s.tasks.empty())
    return;
  std::string report = "csp: " + std::to_string(s.tasks.size()) +
                       " leaked task(s) when main returned:\n";
  for (auto &[id, t] : s.tasks)
    report += "  " + describe(*t) + "\n";
  die(report, 3);
}

/// Installed before main runs: main is registered as task #1, an exception
/// escaping main panics like Go, and the leak check runs when main returns.
inline const bool installed = [] {
  scheduler &s = sched();
  s.main_task.id = 1;
  current_task = &s.main_task;
  std::set_terminate([] {
    if (std::current_exception())
      die_of_current_exception();
    die("panic: terminate called\n", 2);
  });
  std::atexit(leak_check);
  return true;
}();

} // namespace detail

/// Live tasks, main included, like runtime.NumGoroutine().
inline std::size_t num_tasks() {
  detail::scheduler &s = detail::sched();
  std::lock_guard<std::mutex> lock(s.mu);
  return s.tasks.size() + 1;
}

/// Starts f(args...) as a new task; the arguments are copied (or moved) into
/// it, as Go evaluates them at the go statement. An exception that escapes
/// the task ends the process with `panic: <what>` and status 2.
template <class F, class... Args> void go(F &&f, Args &&...args) {
  auto body = [f = std::forward<F>(f),
               ... args = std::forward<Args>(args)]() mutable {
    std::invoke(std::move(f), std::move(args)...);
  };
  detail::task_info *info;
  {
    detail::scheduler &s = detail::sched();
    std::lock_guard<std::mutex> lock(s.mu);
    info = s.add_task();
  }
  try {
    std::thread([info, body = std::move(body)]() mutable {
      detail::current_task = info;
      try {
        body();
      } catch (...) {
        detail::die_of_current_exception();
      }
      detail::finish_task(info);
    }).detach();
  } catch (...) {
    detail::finish_task(info);
    throw;
  }
}

/// Sleeping is not blocking: a sleeping task keeps the program alive.
inline void sleep(std::chrono::nanoseconds d) {
  detail::task_info *self = detail::current_task;
  if (self)
    self->sleeping.store(true, std::memory_order_relaxed);
  std::this_thread::sleep_for(d);
  if (self)
    self->sleeping.store(false, std::memory_order_relaxed);
}

} // namespace csp
