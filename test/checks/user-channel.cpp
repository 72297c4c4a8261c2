// RUN: %check_csp_tidy %s 'csp-*' %t -config-file=%S/Inputs/mailbox/mailbox.clang-tidy -- -I%S/Inputs/mailbox

// The csp checks on a project's own channel class, demo::Mailbox
// (Inputs/mailbox/mailbox.hpp), known to them only through the options in
// Inputs/mailbox/mailbox.clang-tidy: stream operators for send and receive,
// a throwing take(), a close that throws when repeated, range-for.
// docs/user-channels.md is the worked example built on this test.

#include "mailbox.hpp"

#include <vector>

void consume(int);

// ===== unchecked-receive =====

// `box >> v;` drops the operator's bool: after the close, v keeps its last
// value and the loop spins.
void dropsStatus(demo::Mailbox<int> box) {
  int v = 0;
  for (;;) {
    box >> v;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: the status of this receive from channel 'box' is dropped; once the channel is closed, this loop gets no new values forever: test the status and stop when it says closed [csp-unchecked-receive]
    // CHECK-MESSAGES: :[[@LINE+9]]:3: note: the channel is closed here
    consume(v);
  }
}

void runDropsStatus() {
  demo::Mailbox<int> box(4);
  demo::spawn([box] { dropsStatus(box); });
  box << 1;
  box.close();
}

// Negative: the bool is the loop's condition; take() throws when closed.
void checksStatus(demo::Mailbox<int> box) {
  int v = 0;
  while (box >> v)
    consume(v);
}

void takes(demo::Mailbox<int> box) {
  try {
    for (;;)
      consume(box.take());
  } catch (const demo::closed_error &) {
  }
}

void runCheckedReceivers() {
  demo::Mailbox<int> box(4);
  demo::spawn([box] { checksStatus(box); });
  demo::spawn([box] { takes(box); });
  box << 1 << 2;
  box.close();
}

// ===== channel-never-closed =====

void neverClosed() {
  demo::Mailbox<int> results(4);
  demo::spawn([results]() mutable {
    for (int i = 0; i < 3; ++i)
      results << i;
  });
  for (int r : results)
    // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: range loop over channel 'results', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
    // CHECK-MESSAGES: :[[@LINE-7]]:22: note: channel 'results' is made here; close it once the last value is sent
    consume(r);
}

// Negative: the producer closes after its last send.
void closedByProducer() {
  demo::Mailbox<int> results(4);
  demo::spawn([results]() mutable {
    for (int i = 0; i < 3; ++i)
      results << i;
    results.close();
  });
  for (int r : results)
    consume(r);
}

// ===== double-close: close() throws the second time =====

void closeTwice(demo::Mailbox<int> done) {
  done.close();
  done.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'done' can be closed a second time here; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: first closed here
}

// ===== close-by-receiver =====

void receiverCloses() {
  demo::Mailbox<int> jobs(4);
  demo::spawn([jobs]() mutable {
    int job = 0;
    while (jobs >> job)
      if (job < 0)
        jobs.close();
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: channel 'jobs' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
    // CHECK-MESSAGES: :[[@LINE-4]]:12: note: it receives from the channel here
  });
  jobs << 1 << -1;
}

// ===== shared-counter-race: demo::spawn starts threads =====

void countsUnlocked(demo::Mailbox<int> out) {
  int sent = 0;
  for (int i = 0; i < 4; ++i)
    demo::spawn([out, &sent, i]() mutable {
      out << i;
      ++sent;
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'sent' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
      // CHECK-MESSAGES: :[[@LINE-4]]:5: note: the task is started in a loop, so several copies run at once
    });
}

// ===== unchecked-receive through a helper that drops the status =====

int next(demo::Mailbox<int> &box) {
  int v = 0;
  box >> v;
  return v;
}

void helperDropsStatus() {
  demo::Mailbox<int> box(2);
  demo::spawn([box]() mutable {
    for (;;)
      consume(next(box));
    // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: the status of this receive from channel 'box' is dropped; once the channel is closed, this loop gets no new values forever: test the status and stop when it says closed [csp-unchecked-receive]
    // CHECK-MESSAGES: :[[@LINE-10]]:3: note: 'next' drops the receive's status here
    // CHECK-MESSAGES: :[[@LINE+3]]:3: note: the channel is closed here
  });
  box << 1;
  box.close();
}
