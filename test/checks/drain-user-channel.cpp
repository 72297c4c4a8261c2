// RUN: %check_csp_tidy %s csp-wait-before-drain,csp-undrained-results %t -config-file=%S/Inputs/mailbox/mailbox.clang-tidy -- -I%S/Inputs/mailbox

// csp-wait-before-drain and csp-undrained-results on std::thread code with a project's own channel
// class, demo::Mailbox (Inputs/mailbox/mailbox.hpp), known to the checks only
// through the options in Inputs/mailbox/mailbox.clang-tidy: its constructor
// makes a channel of the capacity it is given, `<<` sends and blocks while
// the mailbox is full.

#include "mailbox.hpp"

#include <thread>
#include <vector>

int compute(int);
void consume(int);

// ===== wait-before-drain =====

// Four threads each send one result into a mailbox that holds two, and are
// joined before anything is read.
void joinedBeforeRead() {
  demo::Mailbox<int> results(2);
  std::vector<std::thread> pool;
  for (int i = 0; i < 4; ++i)
    pool.emplace_back([results, i]() mutable { results << compute(i); });
  for (auto &t : pool)
    t.join();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: this join never returns: the tasks it waits for send 4 values on channel 'results', which holds 2 and is received from only after it, so the sends beyond 2 block [csp-wait-before-drain]
    // CHECK-MESSAGES: :[[@LINE-4]]:48: note: a task sends on it here
    // CHECK-MESSAGES: :[[@LINE+3]]:9: note: the results are received here; receive them while the tasks run: wait in a task of its own that closes the channel afterwards
  int v = 0;
  for (int i = 0; i < 4; ++i)
    if (results >> v)
      consume(v);
}

// Negative: the mailbox holds every result.
void roomForAll() {
  demo::Mailbox<int> results(4);
  std::vector<std::thread> pool;
  for (int i = 0; i < 4; ++i)
    pool.emplace_back([results, i]() mutable { results << compute(i); });
  for (auto &t : pool)
    t.join();
  results.close();
  for (int v : results)
    consume(v);
}

// Negative: the results are read while the threads run.
void readWhileRunning() {
  demo::Mailbox<int> results(1);
  std::thread a([results]() mutable { results << compute(1); });
  std::thread b([results]() mutable { results << compute(2); });
  consume(results.take());
  consume(results.take());
  a.join();
  b.join();
}

// ===== undrained-results =====

// Three threads report into a mailbox of two that nobody reads.
void nobodyReads() {
  demo::Mailbox<int> reports(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: nobody receives from channel 'reports', which holds 2 of the 3 values sent on it: the sends beyond 2 block forever, and the tasks that make them never end [csp-undrained-results]
  // CHECK-MESSAGES: :[[@LINE+3]]:48: note: a task sends on it here
  std::vector<std::thread> pool;
  for (int i = 0; i < 3; ++i)
    pool.emplace_back([reports, i]() mutable { reports << i; });
  for (auto &t : pool)
    t.join();
}

// Four values, two takes, room for one.
void takesTwoOfFour() {
  demo::Mailbox<int> results(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: 4 values are sent on channel 'results' but only 2 received, and it holds 1: 1 send blocks forever, and the task that makes it never ends [csp-undrained-results]
  // CHECK-MESSAGES: :[[@LINE+3]]:5: note: a task sends on it here
  // CHECK-MESSAGES: :[[@LINE+9]]:11: note: it is received from here
  std::thread a([results]() mutable {
    results << 1;
    results << 2;
  });
  std::thread b([results]() mutable {
    results << 3;
    results << 4;
  });
  consume(results.take());
  consume(results.take());
  a.join();
  b.join();
}

// Negative: every value is read until the mailbox is closed.
void readsUntilClosed() {
  demo::Mailbox<int> results(1);
  std::thread a([results]() mutable {
    for (int i = 0; i < 8; ++i)
      results << i;
    results.close();
  });
  int v = 0;
  while (results >> v)
    consume(v);
  a.join();
}
