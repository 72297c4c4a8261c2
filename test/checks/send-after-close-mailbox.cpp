// RUN: %check_csp_tidy %s csp-send-after-close %t -config-file=%S/Inputs/mailbox/mailbox.clang-tidy -- -I%S/Inputs/mailbox

// csp-send-after-close on std::thread code with a project's own channel
// type, demo::Mailbox, whose roles come from Inputs/mailbox/mailbox.clang-tidy
// (its `<<` throws on a closed mailbox, as Go's send panics).

#include "mailbox.hpp"

#include <thread>
#include <vector>

int compute(int);

// Positive: the collector closes the mailbox while the workers still send.
void closeBeforeJoin() {
  demo::Mailbox<int> results(4);
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace_back([&, i] { results << compute(i); });
  results.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'results' is closed while a task that sends on it may still be running; its next send panics [csp-send-after-close]
  // CHECK-MESSAGES: :[[@LINE-3]]:5: note: a task that sends on it is started here
  // CHECK-MESSAGES: :[[@LINE-4]]:35: note: the task sends here
  for (auto &w : workers)
    w.join();
}

// Positive: on one path, close then send.
void closeThenSend(demo::Mailbox<int> box) {
  box.close();
  box << 1;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'box' is sent to after it was closed; the send panics [csp-send-after-close]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: closed here
}

// Negative: the workers are joined first.
void closeAfterJoin() {
  demo::Mailbox<int> results(4);
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace_back([&, i] { results << compute(i); });
  for (auto &w : workers)
    w.join();
  results.close();
  for (int r : results)
    compute(r);
}

// Negative: a detached producer that closes after its own sends.
void producerCloses() {
  demo::Mailbox<int> out(1);
  demo::spawn([out]() mutable {
    for (int i = 0; i < 3; ++i)
      out << i;
    out.close();
  });
  for (int v : out)
    compute(v);
}
