// A small home-grown channel, the kind a project writes for itself: a
// shared handle to a bounded queue with stream operators. The csp checks know
// it only through .clang-tidy (mailbox.clang-tidy next to this file);
// docs/user-channels.md walks through it.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

namespace demo {

class closed_error : public std::runtime_error {
public:
  closed_error() : std::runtime_error("mailbox closed") {}
};

template <typename T> class Mailbox {
  struct State {
    std::mutex m;
    std::condition_variable changed;
    std::deque<T> items;
    std::size_t capacity;
    bool closed = false;
  };
  std::shared_ptr<State> s_;

public:
  explicit Mailbox(std::size_t capacity)
      : s_(std::make_shared<State>()) { s_->capacity = capacity; }

  /// Sends; throws std::logic_error on a closed mailbox, as Go panics.
  Mailbox &operator<<(T value) {
    std::unique_lock<std::mutex> lock(s_->m);
    s_->changed.wait(lock, [&] { return s_->closed || s_->items.size() < s_->capacity; });
    if (s_->closed)
      throw std::logic_error("send on closed mailbox");
    s_->items.push_back(std::move(value));
    s_->changed.notify_all();
    return *this;
  }

  /// Receives; false once the mailbox is closed and empty.
  bool operator>>(T &out) {
    std::unique_lock<std::mutex> lock(s_->m);
    s_->changed.wait(lock, [&] { return s_->closed || !s_->items.empty(); });
    if (s_->items.empty())
      return false;
    out = std::move(s_->items.front());
    s_->items.pop_front();
    s_->changed.notify_all();
    return true;
  }

  /// Receives; throws closed_error once the mailbox is closed and empty.
  T take() {
    T out{};
    if (!(*this >> out))
      throw closed_error();
    return out;
  }

  /// Closes; closing twice throws std::logic_error, as Go panics.
  void close() {
    std::lock_guard<std::mutex> lock(s_->m);
    if (s_->closed)
      throw std::logic_error("close of closed mailbox");
    s_->closed = true;
    s_->changed.notify_all();
  }

  /// Range-for receives until the mailbox is closed and empty.
  class iterator {
    Mailbox *box_;
    T value_{};
    void next() {
      if (box_ && !(*box_ >> value_))
        box_ = nullptr;
    }

  public:
    explicit iterator(Mailbox *box) : box_(box) { next(); }
    const T &operator*() const { return value_; }
    iterator &operator++() {
      next();
      return *this;
    }
    bool operator!=(const iterator &other) const { return box_ != other.box_; }
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(nullptr); }
};

/// Runs f on a new detached thread.
template <typename F> void spawn(F f) { std::thread(std::move(f)).detach(); }

} // namespace demo
