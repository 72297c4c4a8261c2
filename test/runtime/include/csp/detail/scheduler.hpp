// The runtime's one lock, its task table and its failure paths.
//
// Every channel, wait group, semaphore and context is protected by a single
// global mutex. That makes Go's deadlock rule checkable: a task blocks by
// parking a waiter under the lock, and whoever wakes it marks it runnable
// under the same lock, so "every live task is parked" is never observed in
// passing.
#pragma once

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

[[noreturn]] inline void die(const char *prefix, const std::string &message,
                             int status) {
  std::fflush(stdout);
  std::fprintf(stderr, "%s%s\n", prefix, message.c_str());
  std::fflush(stderr);
  _exit(status);
}

[[noreturn]] inline void die_of_current_exception() {
  try {
    throw;
  } catch (const std::exception &e) {
    die("panic: ", e.what(), 2);
  } catch (...) {
    die("panic: ", "unknown exception", 2);
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
  const char *blocked_in = nullptr;
  std::source_location where;
};

struct scheduler {
  std::mutex mu;
  int live = 1; // main, tasks, and pending timers
  int blocked = 0;
  int next_id = 1;
  std::map<int, task_info *> tasks;
  task_info main_task;

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

  void check_deadlock() {
    if (live > 0 && blocked == live)
      die("fatal error: ", "all goroutines are asleep - deadlock!", 2);
  }
};

inline thread_local task_info *current_task = nullptr;

/// Never destroyed: tasks still parked when main returns keep using it
/// while the process exits.
inline scheduler &sched() {
  static scheduler *s = new scheduler;
  return *s;
}

inline void scheduler::park(std::unique_lock<std::mutex> &lock, waiter &w,
                            const char *what, std::source_location where) {
  task_info *self = current_task ? current_task : &main_task;
  self->blocked_in = what;
  self->where = where;
  ++blocked;
  check_deadlock();
  w.cv.wait(lock, [&] { return w.ready; });
  self->blocked_in = nullptr;
}

/// With CSP_LEAKCHECK=1, lists the tasks still alive when main returns and
/// exits with status 3 if there are any (the goleak analogue). Tasks that
/// are still running get a moment to finish, as goleak retries.
inline void leak_check() {
  const char *flag = std::getenv("CSP_LEAKCHECK");
  if (!flag || std::string(flag) != "1")
    return;
  scheduler &s = sched();
  std::unique_lock<std::mutex> lock(s.mu);
  for (int i = 0; i < 100; ++i) {
    bool running = false;
    for (auto &[id, t] : s.tasks)
      running |= t->blocked_in == nullptr;
    if (!running)
      break;
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    lock.lock();
  }
  if (s.tasks.empty())
    return;
  std::fflush(stdout);
  std::fprintf(stderr, "csp: %zu leaked task(s) when main returned:\n",
               s.tasks.size());
  for (auto &[id, t] : s.tasks) {
    if (t->blocked_in)
      std::fprintf(stderr, "  task #%d blocked in %s at %s:%u\n", id,
                   t->blocked_in, t->where.file_name(),
                   static_cast<unsigned>(t->where.line()));
    else
      std::fprintf(stderr, "  task #%d running\n", id);
  }
  std::fflush(stderr);
  _exit(3);
}

/// Installed before main runs: an exception escaping main panics like Go,
/// and the leak check runs when main returns.
inline const bool installed = [] {
  std::set_terminate([] {
    if (std::current_exception())
      die_of_current_exception();
    die("panic: ", "terminate called", 2);
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

/// Starts f(args...) as a new task. An exception that escapes it ends the
/// process with `panic: <what>` and status 2.
template <class F, class... Args> void go(F &&f, Args &&...args) {
  auto body = [f = std::forward<F>(f),
               ... args = std::forward<Args>(args)]() mutable {
    std::invoke(std::move(f), std::move(args)...);
  };
  detail::scheduler &s = detail::sched();
  auto *info = new detail::task_info;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    info->id = s.next_id++;
    s.tasks[info->id] = info;
    ++s.live;
  }
  std::thread([info, body = std::move(body)]() mutable {
    detail::current_task = info;
    try {
      body();
    } catch (...) {
      detail::die_of_current_exception();
    }
    detail::scheduler &s = detail::sched();
    std::lock_guard<std::mutex> lock(s.mu);
    s.tasks.erase(info->id);
    --s.live;
    delete info;
    s.check_deadlock();
  }).detach();
}

/// Sleeping is not blocking: a sleeping task keeps the program alive.
inline void sleep(std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); }

} // namespace csp
