// RUN: %check_csp_tidy %s csp-lock-across-channel-op %t

#include <csp/csp.hpp>

#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

void consume(int);

// ===== Positive: the other side needs the mutex the blocked one holds. =====

// The seed's shape: the sender holds the lock across its send; the receiver
// takes the same lock for each value it gets.
struct Journal {
  std::mutex mu;
  std::vector<int> entries;
  csp::chan<int> out = csp::make_chan<int>();

  void record(int v) {
    std::lock_guard<std::mutex> lock(mu);
    entries.push_back(v);
    out.send(v);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'out' can block while mutex 'mu' is held, and the task it waits for locks 'mu' too: each can wait for the other forever [csp-lock-across-channel-op]
    // CHECK-MESSAGES: :[[@LINE-4]]:5: note: 'mu' is locked here; release it before the operation
    // CHECK-MESSAGES: :[[@LINE+6]]:9: note: the other side locks 'mu' here
  }

  void startReader() {
    csp::go([this] {
      for (int v : out) {
        std::lock_guard<std::mutex> lock(mu);
        consume(v + static_cast<int>(entries.size()));
      }
    });
  }
};

// A receive under lock() / unlock() calls, the sender locking in a helper.
std::mutex stateMu;
int state = 0;
void bump() {
  std::lock_guard<std::mutex> lock(stateMu);
  ++state;
}
void pollUnderLock(csp::chan<int> ch) {
  csp::go([ch] {
    bump();
    ch.send(1);
  });
  stateMu.lock();
  consume(ch.recv());
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: receive from channel 'ch' can block while mutex 'stateMu' is held, and the task it waits for locks 'stateMu' too: each can wait for the other forever [csp-lock-across-channel-op]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'stateMu' is locked here; release it before the operation
  // CHECK-MESSAGES: :[[@LINE-7]]:5: note: the other side locks 'stateMu' here
  stateMu.unlock();
}

// Joining, under the lock, a std::thread that takes it.
void joinUnderLock() {
  std::mutex mu;
  int total = 0;
  std::thread worker([&] {
    std::lock_guard<std::mutex> lock(mu);
    ++total;
  });
  std::unique_lock<std::mutex> guard(mu);
  worker.join();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait for the task of 'worker' can block while mutex 'mu' is held, and the task it waits for locks 'mu' too: each can wait for the other forever [csp-lock-across-channel-op]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'mu' is locked here; release it before the operation
  // CHECK-MESSAGES: :[[@LINE-7]]:5: note: the other side locks 'mu' here
  consume(total);
}

// A future's get under the lock its std::async task takes.
int getUnderLock() {
  std::mutex mu;
  auto f = std::async(std::launch::async, [&] {
    std::lock_guard<std::mutex> lock(mu);
    return 1;
  });
  std::lock_guard<std::mutex> lock(mu);
  return f.get();
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: wait for the task of 'f' can block while mutex 'mu' is held, and the task it waits for locks 'mu' too: each can wait for the other forever [csp-lock-across-channel-op]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'mu' is locked here; release it before the operation
  // CHECK-MESSAGES: :[[@LINE-7]]:5: note: the other side locks 'mu' here
}

// A wait group's wait under the lock its workers take; the wait inside a
// branch and a loop.
void waitUnderLock(bool wait) {
  std::mutex mu;
  csp::wait_group wg;
  int done = 0;
  for (int i = 0; i < 3; ++i) {
    wg.add(1);
    csp::go([&] {
      std::scoped_lock lock(mu);
      ++done;
      wg.done();
    });
  }
  std::scoped_lock lock(mu);
  for (int round = 0; round < 1; ++round)
    if (wait)
      wg.wait();
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: wait on wait group 'wg' can block while mutex 'mu' is held, and the task it waits for locks 'mu' too: each can wait for the other forever [csp-lock-across-channel-op]
  // CHECK-MESSAGES: :[[@LINE-5]]:3: note: 'mu' is locked here; release it before the operation
  // CHECK-MESSAGES: :[[@LINE-11]]:7: note: the other side locks 'mu' here
  consume(done);
}

// The send happens in a helper called under the lock.
void publish(csp::chan<int> ch, int v) { ch.send(v); }
void publishUnderLock(csp::chan<int> ch, std::mutex &mu) {
  csp::go([ch, &mu] {
    for (int v : ch) {
      std::lock_guard<std::mutex> lock(mu);
      consume(v);
    }
  });
  std::lock_guard<std::mutex> lock(mu);
  publish(ch, 1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: send on channel 'ch' can block while mutex 'mu' is held, and the task it waits for locks 'mu' too: each can wait for the other forever [csp-lock-across-channel-op]
  // CHECK-MESSAGES: :[[@LINE-11]]:6: note: 'publish' does the blocking operation
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'mu' is locked here; release it before the operation
  // CHECK-MESSAGES: :[[@LINE-9]]:7: note: the other side locks 'mu' here
}

// A lambda that sends, called under the lock.
void lambdaUnderLock(csp::chan<int> out, std::mutex &mu) {
  csp::go([out, &mu] {
    for (int v : out) {
      std::lock_guard<std::mutex> lock(mu);
      consume(v);
    }
  });
  auto publish = [](csp::chan<int> ch, int v) { ch.send(v); };
  std::lock_guard<std::mutex> lock(mu);
  publish(out, 1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: send on channel 'out' can block while mutex 'mu' is held, and the task it waits for locks 'mu' too: each can wait for the other forever [csp-lock-across-channel-op]
  // CHECK-MESSAGES: :[[@LINE-4]]:18: note: 'lambda' does the blocking operation
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'mu' is locked here; release it before the operation
  // CHECK-MESSAGES: :[[@LINE-10]]:7: note: the other side locks 'mu' here
}

// ===== Negative: the lock is released, or nobody else wants it. =====

// A lambda written under the lock but run after it is released, and a
// callback stored under the lock and run later without it.
void lambdaRunLater(csp::chan<int> out, std::mutex &mu) {
  csp::go([out, &mu] {
    for (int v : out) {
      std::lock_guard<std::mutex> lock(mu);
      consume(v);
    }
  });
  std::unique_lock<std::mutex> lock(mu);
  int v = 1;
  auto publish = [&] { out.send(v); };
  lock.unlock();
  publish();
}
struct Bus {
  std::mutex mu;
  std::vector<std::function<void()>> pending;
  csp::chan<int> out = csp::make_chan<int>();
  void later(int v) {
    std::lock_guard<std::mutex> lock(mu);
    pending.push_back([this, v] { out.send(v); });
  }
  void flush() {
    std::vector<std::function<void()>> run;
    {
      std::lock_guard<std::mutex> lock(mu);
      run.swap(pending);
    }
    for (auto &f : run)
      f();
  }
  void start() {
    csp::go([this] {
      for (int v : out) {
        std::lock_guard<std::mutex> lock(mu);
        consume(v);
      }
    });
  }
};

// The spawner's own lock is over before it starts the task that sends
// under it.
std::mutex setupMu;
int setupValue = 0;
int setupThenReceive() {
  auto results = csp::make_chan<int>();
  {
    std::lock_guard<std::mutex> lock(setupMu);
    setupValue = 2;
  }
  csp::go([results] {
    std::lock_guard<std::mutex> lock(setupMu);
    results.send(setupValue);
  });
  return results.recv();
}

// Released before the send: the idiom.
struct Outbox {
  std::mutex mu;
  std::vector<int> pending;
  csp::chan<int> out = csp::make_chan<int>();

  void flush() {
    std::vector<int> batch;
    {
      std::lock_guard<std::mutex> lock(mu);
      batch.swap(pending);
    }
    for (int v : batch)
      out.send(v);
  }
  void unlockFirst(int v) {
    std::unique_lock<std::mutex> lock(mu);
    pending.push_back(v);
    lock.unlock();
    out.send(v);
  }
  void deferred(int v) {
    std::unique_lock<std::mutex> lock(mu, std::defer_lock);
    out.send(v);
  }
  void startReader() {
    csp::go([this] {
      for (int v : out) {
        std::lock_guard<std::mutex> lock(mu);
        pending.push_back(v);
      }
    });
  }
};

// Held across the send, but the receiver never takes that mutex.
void privateLock(csp::chan<int> ch) {
  std::mutex mine;
  csp::go([ch] {
    for (int v : ch)
      consume(v);
  });
  std::lock_guard<std::mutex> lock(mine);
  ch.send(1);
}

// A thread that takes the mutex is joined after the lock is released.
void joinAfterUnlock() {
  std::mutex mu;
  int total = 0;
  std::thread worker([&] {
    std::lock_guard<std::mutex> lock(mu);
    ++total;
  });
  {
    std::lock_guard<std::mutex> lock(mu);
    consume(total);
  }
  worker.join();
}

// A lock taken after the receive, in the same block, is not held at it.
void lockAfter(csp::chan<int> ch, std::mutex &mu) {
  csp::go([ch, &mu] {
    std::lock_guard<std::mutex> lock(mu);
    ch.send(1);
  });
  int v = ch.recv();
  std::lock_guard<std::mutex> lock(mu);
  consume(v);
}
