// Wait groups, errors, contexts, errgroup and the weighted semaphore.
#pragma once

#include "csp/detail/chan.hpp"

#include <cstdint>
#include <functional>
#include <variant>

namespace csp {

/// Like sync.WaitGroup.
class wait_group {
public:
  wait_group() = default;
  wait_group(const wait_group &) = delete;
  wait_group &operator=(const wait_group &) = delete;

  void add(int delta) {
    detail::scheduler &s = detail::sched();
    std::unique_lock<std::mutex> lock(s.mu);
    count_ += delta;
    if (count_ < 0) {
      lock.unlock();
      panic("sync: negative WaitGroup counter");
    }
    if (count_ == 0) {
      for (detail::waiter *w : waiters_)
        s.wake(*w, 0);
      waiters_.clear();
    }
  }
  void done() { add(-1); }
  void wait(std::source_location where = std::source_location::current()) {
    detail::scheduler &s = detail::sched();
    std::unique_lock<std::mutex> lock(s.mu);
    if (count_ == 0)
      return;
    detail::waiter w;
    waiters_.push_back(&w);
    s.park(lock, w, "wait_group.wait", where);
  }

private:
  int count_ = 0;
  std::vector<detail::waiter *> waiters_;
};

/// A value type like Go's error: default-constructed means no error.
class error {
public:
  error() = default;
  explicit error(std::string message)
      : message_(std::make_shared<const std::string>(std::move(message))) {}
  explicit operator bool() const { return message_ != nullptr; }
  std::string message() const { return message_ ? *message_ : std::string(); }
  friend bool operator==(const error &a, const error &b) {
    return a.message() == b.message() && bool(a) == bool(b);
  }

private:
  std::shared_ptr<const std::string> message_;
};

inline error canceled() { return error("context canceled"); }
inline error deadline_exceeded() { return error("context deadline exceeded"); }

namespace detail {

struct context_state : std::enable_shared_from_this<context_state> {
  chan<std::monostate> done; // nil for background: never closed
  error err;
  std::weak_ptr<context_state> parent;
  std::vector<std::shared_ptr<context_state>> children;

  /// Under the runtime lock.
  void cancel(const error &why) {
    if (err)
      return;
    err = why;
    done.state()->close();
    for (auto &child : children) {
      child->parent.reset();
      child->cancel(why);
    }
    children.clear();
    // A cancelled child no longer needs its parent to reach it, as in Go.
    if (auto p = parent.lock())
      std::erase(p->children, shared_from_this());
    sched().timers.notify_all();
  }
};

} // namespace detail

/// Like context.Context.
class context {
public:
  recv_chan<std::monostate> done() const { return st_->done; }
  error err() const {
    std::lock_guard<std::mutex> lock(detail::sched().mu);
    return st_->err;
  }

  // Internal.
  explicit context(std::shared_ptr<detail::context_state> st) : st_(std::move(st)) {}
  const std::shared_ptr<detail::context_state> &state() const { return st_; }

private:
  std::shared_ptr<detail::context_state> st_;
};

inline context background() {
  static auto *root = new std::shared_ptr<detail::context_state>(
      std::make_shared<detail::context_state>());
  return context(*root);
}

using cancel_func = std::function<void()>;

inline std::pair<context, cancel_func> with_cancel(const context &parent) {
  auto st = std::make_shared<detail::context_state>();
  st->done = make_chan<std::monostate>();
  {
    std::lock_guard<std::mutex> lock(detail::sched().mu);
    const auto &p = parent.state();
    if (p->err) {
      st->cancel(p->err);
    } else if (p->done) { // background is never cancelled: no need to link
      st->parent = p;
      p->children.push_back(st);
    }
  }
  cancel_func cancel = [st] {
    std::lock_guard<std::mutex> lock(detail::sched().mu);
    st->cancel(canceled());
  };
  return {context(st), cancel};
}

/// The timer counts as live until it fires or the context ends, so a
/// program waiting for a deadline is not reported as deadlocked.
inline std::pair<context, cancel_func> with_timeout(const context &parent,
                                                   std::chrono::nanoseconds d) {
  auto [ctx, cancel] = with_cancel(parent);
  auto deadline = std::chrono::steady_clock::now() + d;
  {
    std::lock_guard<std::mutex> lock(detail::sched().mu);
    ++detail::sched().live;
  }
  std::thread([st = ctx.state(), deadline] {
    detail::scheduler &s = detail::sched();
    std::unique_lock<std::mutex> lock(s.mu);
    s.timers.wait_until(lock, deadline, [&] { return bool(st->err); });
    st->cancel(deadline_exceeded()); // nothing to do if it ended already
    --s.live;
    s.check_deadlock();
  }).detach();
  return {ctx, cancel};
}

/// Like golang.org/x/sync/semaphore.Weighted.
class semaphore {
public:
  explicit semaphore(std::int64_t n) : st_(std::make_shared<state>()) { st_->size = n; }

  error acquire(const context &ctx, std::int64_t weight,
                std::source_location where = std::source_location::current()) {
    detail::scheduler &s = detail::sched();
    std::unique_lock<std::mutex> lock(s.mu);
    // A context that has ended wins even over free capacity, as in Go.
    if (ctx.state()->err)
      return ctx.state()->err;
    if (st_->size - st_->used >= weight && st_->queue.empty()) {
      st_->used += weight;
      return {};
    }
    // Wait for the grant or the context, whichever comes first. A request
    // larger than the semaphore can only end with the context, and does
    // not queue, so that it holds up nobody behind it.
    detail::waiter w;
    if (weight <= st_->size)
      st_->queue.push_back({weight, &w});
    std::optional<std::monostate> unused;
    auto done = ctx.state()->done.state();
    if (done)
      done->receivers.push_back({&w, 1, nullptr, &unused});
    s.park(lock, w, "semaphore.acquire", where);
    if (done)
      detail::chan_state<std::monostate>::drop(done->receivers, &w);
    if (w.fired == 0)
      return {};
    std::erase_if(st_->queue, [&](const waiting &q) { return q.w == &w; });
    grant(); // our place may have been holding up smaller requests
    return ctx.state()->err;
  }

  bool try_acquire(std::int64_t weight) {
    std::lock_guard<std::mutex> lock(detail::sched().mu);
    if (st_->size - st_->used < weight || !st_->queue.empty())
      return false;
    st_->used += weight;
    return true;
  }

  void release(std::int64_t weight) {
    std::unique_lock<std::mutex> lock(detail::sched().mu);
    st_->used -= weight;
    if (st_->used < 0) {
      lock.unlock();
      panic("semaphore: released more than held");
    }
    grant();
  }

private:
  struct waiting {
    std::int64_t weight;
    detail::waiter *w;
  };
  struct state {
    std::int64_t size = 0, used = 0;
    std::deque<waiting> queue;
  };

  /// Grants waiters in order while they fit. Under the lock.
  void grant() {
    while (!st_->queue.empty()) {
      waiting next = st_->queue.front();
      if (next.w->ready) { // its context ended; it leaves on its own
        st_->queue.pop_front();
        continue;
      }
      if (st_->size - st_->used < next.weight)
        break;
      st_->used += next.weight;
      st_->queue.pop_front();
      detail::sched().wake(*next.w, 0);
    }
  }

  std::shared_ptr<state> st_;
};

/// Like golang.org/x/sync/errgroup.Group.
class errgroup {
public:
  errgroup() : st_(std::make_shared<state>()) {}

  /// Blocks while `set_limit` tasks are running.
  void go(std::function<error()> f,
          std::source_location where = std::source_location::current()) {
    chan<std::monostate> slots = st_->slots;
    if (slots)
      slots.send({}, where);
    st_->wg.add(1);
    csp::go([st = st_, slots, f = std::move(f)] {
      if (error e = f()) {
        std::lock_guard<std::mutex> lock(detail::sched().mu);
        if (!st->first) {
          st->first = e;
          if (st->ctx)
            st->ctx->cancel(canceled());
        }
      }
      if (slots)
        (void)slots.recv();
      st->wg.done();
    });
  }

  /// Waits for every task, ends the group's context, and returns the first
  /// error.
  error wait(std::source_location where = std::source_location::current()) {
    st_->wg.wait(where);
    std::lock_guard<std::mutex> lock(detail::sched().mu);
    if (st_->ctx)
      st_->ctx->cancel(canceled());
    return st_->first;
  }

  /// At most n tasks at once; a negative n removes the limit. Like Go, it
  /// panics if tasks started under the old limit are still running.
  void set_limit(int n) {
    if (st_->slots && st_->slots.len() != 0)
      panic("errgroup: modify limit while " + std::to_string(st_->slots.len()) +
            " goroutines in the group are still active");
    st_->slots = n < 0 ? chan<std::monostate>() : make_chan<std::monostate>(n);
  }

  // Internal.
  void cancel_on_error(std::shared_ptr<detail::context_state> ctx) { st_->ctx = std::move(ctx); }

private:
  struct state {
    wait_group wg;
    error first;
    chan<std::monostate> slots;
    std::shared_ptr<detail::context_state> ctx;
  };
  std::shared_ptr<state> st_;
};

/// A group whose context is cancelled by the first error, or when wait
/// returns.
inline std::pair<errgroup, context> errgroup_with_context(const context &parent) {
  auto [ctx, cancel] = with_cancel(parent);
  errgroup g;
  g.cancel_on_error(ctx.state());
  return {g, ctx};
}

} // namespace csp
