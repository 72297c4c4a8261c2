// Channels and select, with Go's semantics.
#pragma once

#include "csp/detail/scheduler.hpp"

#include <concepts>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace csp {

template <class T> struct recv_result {
  T value;
  bool ok;
};

namespace detail {

/// A parked sender or receiver, possibly one of several cases of a select.
template <class T> struct entry {
  waiter *w;
  int index;
  T *send_value;                    // for a sender
  std::optional<T> *received;       // for a receiver
};

template <class T> struct chan_state {
  using value_type = T;
  explicit chan_state(std::size_t capacity) : capacity(capacity) {}
  std::size_t capacity;
  std::deque<T> buffer;
  bool closed = false;
  std::deque<entry<T>> senders, receivers;

  /// The first parked entry whose waiter has not been woken by another case.
  static std::optional<entry<T>> take(std::deque<entry<T>> &q) {
    while (!q.empty()) {
      entry<T> e = q.front();
      q.pop_front();
      if (!e.w->ready)
        return e;
    }
    return std::nullopt;
  }

  static void drop(std::deque<entry<T>> &q, waiter *w) {
    std::erase_if(q, [w](const entry<T> &e) { return e.w == w; });
  }

  // The try_* functions run under the runtime lock and never block.

  /// Sends if a receiver or buffer space is ready; never on a closed
  /// channel, which the callers turn into a panic.
  bool try_send(T &value) {
    if (closed)
      return false;
    if (auto r = take(receivers)) {
      r->received->emplace(std::move(value));
      sched().wake(*r->w, r->index);
      return true;
    }
    if (buffer.size() < capacity) {
      buffer.push_back(std::move(value));
      return true;
    }
    return false;
  }

  /// Receives if a value is ready or the channel is closed (then `out`
  /// stays empty).
  bool try_recv(std::optional<T> &out) {
    if (!buffer.empty()) {
      out.emplace(std::move(buffer.front()));
      buffer.pop_front();
      if (auto s = take(senders)) {
        buffer.push_back(std::move(*s->send_value));
        sched().wake(*s->w, s->index);
      }
      return true;
    }
    if (auto s = take(senders)) {
      out.emplace(std::move(*s->send_value));
      sched().wake(*s->w, s->index);
      return true;
    }
    return closed;
  }

  void close() {
    if (closed)
      panic("close of closed channel");
    closed = true;
    while (auto r = take(receivers))
      sched().wake(*r->w, r->index);
    while (auto s = take(senders)) {
      s->w->closed = true;
      sched().wake(*s->w, s->index);
    }
  }
};

template <class T> using state_ptr = std::shared_ptr<chan_state<T>>;

template <class T>
void send(const state_ptr<T> &st, T value, std::source_location where) {
  scheduler &s = sched();
  std::unique_lock<std::mutex> lock(s.mu);
  waiter w;
  if (!st) {
    s.park(lock, w, "chan send (nil chan)", where); // forever
  }
  if (st->closed) {
    lock.unlock();
    panic("send on closed channel");
  }
  if (st->try_send(value))
    return;
  st->senders.push_back({&w, 0, &value, nullptr});
  s.park(lock, w, "chan send", where);
  if (w.closed) {
    lock.unlock();
    panic("send on closed channel");
  }
}

template <class T>
recv_result<T> recv(const state_ptr<T> &st, std::source_location where) {
  scheduler &s = sched();
  std::unique_lock<std::mutex> lock(s.mu);
  waiter w;
  if (!st)
    s.park(lock, w, "chan receive (nil chan)", where); // forever
  std::optional<T> out;
  if (!st->try_recv(out)) {
    st->receivers.push_back({&w, 0, nullptr, &out});
    s.park(lock, w, "chan receive", where);
  }
  if (!out)
    return {T{}, false};
  return {std::move(*out), true};
}

template <class T> void close(const state_ptr<T> &st) {
  if (!st)
    panic("close of nil channel");
  std::lock_guard<std::mutex> lock(sched().mu);
  st->close();
}

template <class T> std::size_t len(const state_ptr<T> &st) {
  if (!st)
    return 0;
  std::lock_guard<std::mutex> lock(sched().mu);
  return st->buffer.size();
}

template <class T> class chan_base {
public:
  using value_type = T;
  std::size_t len() const { return detail::len(st_); }
  std::size_t cap() const { return st_ ? st_->capacity : 0; }
  explicit operator bool() const { return st_ != nullptr; }
  friend bool operator==(const chan_base &a, const chan_base &b) {
    return a.st_ == b.st_;
  }

  // Internal: the shared state, for select cases.
  const state_ptr<T> &state() const { return st_; }

protected:
  chan_base() = default;
  explicit chan_base(state_ptr<T> st) : st_(std::move(st)) {}
  state_ptr<T> st_;
};

/// `for (T v : ch)`: receives until the channel is closed and drained.
template <class T> class range_iterator {
public:
  range_iterator() = default;
  range_iterator(state_ptr<T> st, std::source_location where)
      : st_(std::move(st)), where_(where) {
    next();
  }
  const T &operator*() const { return *value_; }
  range_iterator &operator++() {
    next();
    return *this;
  }
  bool operator!=(const range_iterator &) const { return value_.has_value(); }

private:
  void next() {
    recv_result<T> r = detail::recv(st_, where_);
    if (r.ok)
      value_.emplace(std::move(r.value));
    else
      value_.reset();
  }
  state_ptr<T> st_;
  std::source_location where_;
  std::optional<T> value_;
};

} // namespace detail

template <class T> class send_chan;
template <class T> class recv_chan;

/// A channel handle, shared like Go's `chan T`. Default-constructed: nil.
template <class T> class chan : public detail::chan_base<T> {
public:
  chan() = default;
  explicit chan(detail::state_ptr<T> st) : detail::chan_base<T>(std::move(st)) {}

  void send(T v, std::source_location where = std::source_location::current()) const {
    detail::send(this->st_, std::move(v), where);
  }
  T recv(std::source_location where = std::source_location::current()) const {
    return detail::recv(this->st_, where).value;
  }
  recv_result<T> recv_ok(std::source_location where = std::source_location::current()) const {
    return detail::recv(this->st_, where);
  }
  void close() const { detail::close(this->st_); }
  detail::range_iterator<T>
  begin(std::source_location where = std::source_location::current()) const {
    return {this->st_, where};
  }
  detail::range_iterator<T> end() const { return {}; }

  operator send_chan<T>() const { return send_chan<T>(this->st_); }
  operator recv_chan<T>() const { return recv_chan<T>(this->st_); }
};

/// A send-only view, like Go's `chan<- T`.
template <class T> class send_chan : public detail::chan_base<T> {
public:
  send_chan() = default;
  explicit send_chan(detail::state_ptr<T> st) : detail::chan_base<T>(std::move(st)) {}
  void send(T v, std::source_location where = std::source_location::current()) const {
    detail::send(this->st_, std::move(v), where);
  }
  void close() const { detail::close(this->st_); }
};

/// A receive-only view, like Go's `<-chan T`.
template <class T> class recv_chan : public detail::chan_base<T> {
public:
  recv_chan() = default;
  explicit recv_chan(detail::state_ptr<T> st) : detail::chan_base<T>(std::move(st)) {}
  T recv(std::source_location where = std::source_location::current()) const {
    return detail::recv(this->st_, where).value;
  }
  recv_result<T> recv_ok(std::source_location where = std::source_location::current()) const {
    return detail::recv(this->st_, where);
  }
  detail::range_iterator<T>
  begin(std::source_location where = std::source_location::current()) const {
    return {this->st_, where};
  }
  detail::range_iterator<T> end() const { return {}; }
};

template <class T> chan<T> make_chan(std::size_t capacity = 0) {
  return chan<T>(std::make_shared<detail::chan_state<T>>(capacity));
}

// ---- select ---------------------------------------------------------------

namespace detail {

/// One case of a select, type-erased. All but `complete` run under the lock.
struct select_case {
  virtual ~select_case() = default;
  virtual bool is_default() const { return false; }
  virtual bool try_fire() = 0;
  virtual void park(waiter &w, int index) = 0;
  virtual void unpark(waiter &w) = 0;
  /// Called when the case was chosen by a waker, before `complete`.
  virtual void fired_by_wake(const waiter &) {}
  /// Runs the handler, outside the lock.
  virtual void complete() = 0;
  std::source_location where;
};

template <class T, class H> struct recv_case_t final : select_case {
  recv_case_t(state_ptr<T> st, H h) : st(std::move(st)), handler(std::move(h)) {}
  bool try_fire() override { return st && st->try_recv(value); }
  void park(waiter &w, int index) override {
    if (st)
      st->receivers.push_back({&w, index, nullptr, &value});
  }
  void unpark(waiter &w) override {
    if (st)
      chan_state<T>::drop(st->receivers, &w);
  }
  void complete() override {
    bool ok = value.has_value();
    T v = ok ? std::move(*value) : T{};
    if constexpr (std::is_invocable_v<H &, T, bool>)
      handler(std::move(v), ok);
    else if constexpr (std::is_invocable_v<H &, T>)
      handler(std::move(v));
    else
      handler();
  }
  state_ptr<T> st;
  H handler;
  std::optional<T> value;
};

template <class T, class H> struct send_case_t final : select_case {
  send_case_t(state_ptr<T> st, T v, H h)
      : st(std::move(st)), value(std::move(v)), handler(std::move(h)) {}
  bool try_fire() override {
    if (st && st->closed)
      closed = true;
    return closed || (st && st->try_send(value));
  }
  void park(waiter &w, int index) override {
    if (st)
      st->senders.push_back({&w, index, &value, nullptr});
  }
  void unpark(waiter &w) override {
    if (st)
      chan_state<T>::drop(st->senders, &w);
  }
  void fired_by_wake(const waiter &w) override { closed = w.closed; }
  void complete() override {
    if (closed)
      panic("send on closed channel");
    handler();
  }
  state_ptr<T> st;
  T value;
  H handler;
  bool closed = false;
};

template <class H> struct default_case_t final : select_case {
  explicit default_case_t(H h) : handler(std::move(h)) {}
  bool is_default() const override { return true; }
  bool try_fire() override { return false; }
  void park(waiter &, int) override {}
  void unpark(waiter &) override {}
  void complete() override { handler(); }
  H handler;
};

/// splitmix64: select's order only has to be unpredictable, and <random>
/// would add a second to every build of a program on the runtime.
inline std::uint64_t next_random() {
  thread_local std::uint64_t state =
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
      reinterpret_cast<std::uintptr_t>(&state);
  std::uint64_t z = state += 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

inline void run_select(select_case **cases, int n) {
  scheduler &s = sched();
  std::unique_lock<std::mutex> lock(s.mu);
  std::vector<int> order;
  select_case *fallback = nullptr;
  for (int i = 0; i < n; ++i) {
    if (cases[i]->is_default())
      fallback = cases[i];
    else
      order.push_back(i);
  }
  // Polling in a random order picks uniformly among the ready cases, as Go.
  for (std::size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[next_random() % i]);
  for (int i : order)
    if (cases[i]->try_fire()) {
      lock.unlock();
      cases[i]->complete();
      return;
    }
  if (fallback) {
    lock.unlock();
    fallback->complete();
    return;
  }
  waiter w;
  for (int i : order)
    cases[i]->park(w, i);
  s.park(lock, w, "select", cases[order.front()]->where);
  for (int i : order)
    cases[i]->unpark(w);
  cases[w.fired]->fired_by_wake(w);
  lock.unlock();
  cases[w.fired]->complete();
}

/// A receive case needs a handle that can receive, a send case one that
/// can send: a recv_chan parameter cannot be sent to, even in a select.
template <class C>
concept receivable = std::same_as<C, chan<typename C::value_type>> ||
                     std::same_as<C, recv_chan<typename C::value_type>>;
template <class C>
concept sendable = std::same_as<C, chan<typename C::value_type>> ||
                   std::same_as<C, send_chan<typename C::value_type>>;

} // namespace detail

/// A receive case; the handler takes (T, bool ok), (T) or ().
template <detail::receivable C, class H>
auto recv_case(const C &ch, H handler,
               std::source_location where = std::source_location::current()) {
  detail::recv_case_t<typename C::value_type, H> c(ch.state(), std::move(handler));
  c.where = where;
  return c;
}

/// A send case; the handler takes ().
template <detail::sendable C, class H>
auto send_case(const C &ch, typename C::value_type value, H handler,
               std::source_location where = std::source_location::current()) {
  detail::send_case_t<typename C::value_type, H> c(ch.state(), std::move(value),
                                                  std::move(handler));
  c.where = where;
  return c;
}

/// Makes the select non-blocking.
template <class H> detail::default_case_t<H> default_case(H handler) {
  return detail::default_case_t<H>(std::move(handler));
}

/// Runs one ready case, chosen at random; blocks while none is ready and
/// there is no default case.
template <class... Cases> void select(Cases &&...cases) {
  detail::select_case *all[] = {&cases...};
  detail::run_select(all, static_cast<int>(sizeof...(Cases)));
}

/// `select {}`: blocks forever.
inline void select(std::source_location where = std::source_location::current()) {
  detail::scheduler &s = detail::sched();
  std::unique_lock<std::mutex> lock(s.mu);
  detail::waiter w;
  s.park(lock, w, "select (no cases)", where);
}

} // namespace csp
