// RUN: %check_csp_tidy %s 'csp-*' %t

// The csp checks on Boost.Fiber, with Debian's real headers and the
// default options. Boost's semantics differ from Go's where it matters:
// close() is idempotent and a push after it returns channel_op_status::closed
// instead of crashing, value_pop() throws on a closed channel, and fibers on
// the default scheduler interleave only where one of them suspends.

#include <boost/fiber/all.hpp>

#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

using boost::fibers::buffered_channel;
using boost::fibers::channel_op_status;
using boost::fibers::fiber;
using boost::fibers::unbuffered_channel;

void consume(int);

// ===== unchecked-receive: pop's status dropped in a loop only the close ====
// ===== could end.                                                       ====

void dropsStatus(buffered_channel<int> &jobs) {
  int job = 0;
  for (;;) {
    jobs.pop(job);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the status of this receive from channel 'jobs' is dropped; once the channel is closed, this loop gets no new values forever: test the status and stop when it says closed [csp-unchecked-receive]
    // CHECK-MESSAGES: :[[@LINE+9]]:3: note: the channel is closed here
    consume(job);
  }
}

void runDropsStatus() {
  buffered_channel<int> jobs{8};
  fiber worker(dropsStatus, std::ref(jobs));
  jobs.push(1);
  jobs.close();
  worker.join();
}

// Cast to void is dropping it too.
void dropsStatusOnPurpose(unbuffered_channel<int> &in) {
  int v = 0;
  while (true) {
    (void)in.pop(v);
    // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: the status of this receive from channel 'in' is dropped; once the channel is closed, this loop gets no new values forever: test the status and stop when it says closed [csp-unchecked-receive]
    // CHECK-MESSAGES: :[[@LINE+9]]:3: note: the channel is closed here
    consume(v);
  }
}

void runDropsStatusOnPurpose() {
  unbuffered_channel<int> in;
  fiber worker(dropsStatusOnPurpose, std::ref(in));
  in.push(1);
  in.close();
  worker.join();
}

// Negative: the status is tested.
void checksStatus(buffered_channel<int> &jobs) {
  int job = 0;
  while (jobs.pop(job) == channel_op_status::success)
    consume(job);
}

void checksStatusInBody(buffered_channel<int> &jobs) {
  for (;;) {
    int job = 0;
    channel_op_status status = jobs.pop(job);
    if (status == channel_op_status::closed)
      return;
    consume(job);
  }
}

// Negative: value_pop throws boost::fibers::fiber_error once the channel is
// closed and drained, which ends the loop.
void throwsOnClose(buffered_channel<int> &jobs) {
  try {
    for (;;)
      consume(jobs.value_pop());
  } catch (const boost::fibers::fiber_error &) {
  }
}

void runCheckedReceivers() {
  buffered_channel<int> jobs{8};
  fiber a(checksStatus, std::ref(jobs));
  fiber b(checksStatusInBody, std::ref(jobs));
  fiber c(throwsOnClose, std::ref(jobs));
  jobs.push(1);
  jobs.close();
  a.join();
  b.join();
  c.join();
}

// ===== channel-never-closed: a range loop over a channel nobody closes. ====

void rangeNeverClosed() {
  buffered_channel<int> results{4};
  fiber producer([&results] {
    for (int i = 0; i < 3; ++i)
      results.push(i);
  });
  for (int r : results)
    // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: range loop over channel 'results', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
    // CHECK-MESSAGES: :[[@LINE-7]]:25: note: channel 'results' is made here; close it once the last value is sent
    consume(r);
  producer.join();
}

// Negative: the producer closes it.
void rangeClosed() {
  buffered_channel<int> results{4};
  fiber producer([&results] {
    for (int i = 0; i < 3; ++i)
      results.push(i);
    results.close();
  });
  for (int r : results)
    consume(r);
  producer.join();
}

// ===== double-close and close-by-receiver: Boost's close is idempotent =====
// ===== and a push after it reports `closed`, so neither is a crash.     =====

void closesTwice(buffered_channel<int> &done) {
  done.close();
  done.close();
}

void eachWorkerCloses() {
  unbuffered_channel<int> done;
  std::vector<fiber> workers;
  for (int i = 0; i < 3; ++i)
    workers.emplace_back([&done] { done.close(); });
  for (fiber &w : workers)
    w.join();
}

// The receiver stops the producers by closing: their push returns closed.
void receiverStopsProducers() {
  buffered_channel<int> items{2};
  fiber producer([&items] {
    for (int i = 0;; ++i)
      if (items.push(i) == channel_op_status::closed)
        return;
  });
  int first = 0;
  items.pop(first);
  items.close();
  producer.join();
}

// ===== shared-counter-race: fibers interleave only where they suspend. =====

// Negative: fibers on one thread's scheduler.
void fibersCount() {
  int counter = 0;
  std::vector<fiber> fibers;
  for (int i = 0; i < 4; ++i)
    fibers.emplace_back([&counter] { ++counter; });
  for (fiber &f : fibers)
    f.join();
  consume(counter);
}

// Positive: threads feeding a Boost channel still race on a plain counter.
void threadsCount(buffered_channel<int> &out) {
  int sent = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&out, &sent, i] {
      out.push(i);
      ++sent;
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'sent' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
      // CHECK-MESSAGES: :[[@LINE-4]]:5: note: the task is started in a loop, so several copies run at once
    });
  for (std::thread &t : threads)
    t.join();
  consume(sent);
}

// ===== loop-variable-capture: a fiber runs once its spawner suspends, =====
// ===== by then the loop has moved on.                                 =====

void fibersInLoop() {
  std::vector<fiber> fibers;
  int seen = 0;
  for (int i = 0; i < 3; ++i)
    fibers.emplace_back([&] { seen += i; });
  // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: loop variable 'i' is captured by reference by a task that can outlive the iteration; the task reads it after the loop has changed it, or once it no longer exists [csp-loop-variable-capture]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: the task is started here, inside the loop; capture 'i' by value
  for (fiber &f : fibers)
    f.join();
}

void fiberJoinedInIteration() {
  int seen = 0;
  for (int i = 0; i < 3; ++i) {
    fiber f([&] { seen += i; });
    f.join();
  }
}

// ===== task-exception-escape: an exception that leaves a fiber calls =====
// ===== std::terminate, as for a thread.                               =====

void fiberThrows(int n) {
  fiber f([n] {
    if (n < 0)
      throw std::invalid_argument("n");
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: exception thrown in a task and not caught there; an exception that escapes a task ends the whole program [csp-task-exception-escape]
    // CHECK-MESSAGES: :[[@LINE-4]]:9: note: the task is started here; catch the exception inside it, or start it with std::async, whose future hands it to the caller of get()
  });
  f.join();
}

void fiberCatches(buffered_channel<int> &ch) {
  fiber f([&ch] {
    try {
      int v = ch.value_pop();
      if (v < 0)
        throw std::invalid_argument("v");
    } catch (const boost::fibers::fiber_error &) {
    } catch (const std::exception &) {
    }
  });
  f.join();
}

// ===== lock-across-channel-op: threads on a Boost channel, a blocking   =====
// ===== push under the lock the popping thread takes; try_push does not =====
// ===== block.                                                           =====

std::mutex boardMu;
void boardUnderLock(unbuffered_channel<int> &ch) {
  std::thread reader([&ch] {
    int v;
    while (ch.pop(v) == channel_op_status::success) {
      std::lock_guard<std::mutex> lock(boardMu);
      consume(v);
    }
  });
  {
    std::lock_guard<std::mutex> lock(boardMu);
    ch.push(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: send on channel 'ch' can block while mutex 'boardMu' is held, and the task it waits for locks 'boardMu' too: each can wait for the other forever [csp-lock-across-channel-op]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: 'boardMu' is locked here; release it before the operation
    // CHECK-MESSAGES: :[[@LINE-9]]:7: note: the other side locks 'boardMu' here
  }
  ch.close();
  reader.join();
}

// A non-blocking push in a helper called under the lock.
bool offer(buffered_channel<int> &ch, int v) {
  return ch.try_push(v) == channel_op_status::success;
}
void offerUnderLock(buffered_channel<int> &ch) {
  std::thread reader([&ch] {
    for (int v : ch) {
      std::lock_guard<std::mutex> lock(boardMu);
      consume(v);
    }
  });
  {
    std::lock_guard<std::mutex> lock(boardMu);
    (void)offer(ch, 1);
  }
  ch.close();
  reader.join();
}

void tryPushUnderLock(buffered_channel<int> &ch) {
  std::thread reader([&ch] {
    for (int v : ch) {
      std::lock_guard<std::mutex> lock(boardMu);
      consume(v);
    }
  });
  {
    std::lock_guard<std::mutex> lock(boardMu);
    (void)ch.try_push(1);
  }
  ch.close();
  reader.join();
}
