// RUN: %check_csp_tidy %s csp-zero-workers %t -config-file=%S/Inputs/mailbox/zero-workers.clang-tidy -- -I%S/Inputs/mailbox

// csp-zero-workers on std::thread code with a project's own channel class,
// demo::Mailbox (Inputs/mailbox/mailbox.hpp), and its own configuration
// lookup, demo::setting, known to the check only through the options in
// Inputs/mailbox/zero-workers.clang-tidy.

#include "mailbox.hpp"

#include <algorithm>
#include <thread>
#include <vector>

namespace demo {
int setting(const char *name);
}
void consume(int);

// ===== Positive shapes =====

// The count is a configuration value; five jobs, room for two.
void fromSetting() {
  int n = demo::setting("workers");
  demo::Mailbox<int> jobs(2);
  std::vector<std::thread> pool;
  for (int w = 0; w < n; ++w)
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: the pool's worker count can be 0 (it comes from input and is not checked to be at least 1): with no worker, the sends on channel 'jobs' beyond the 2 it holds block forever [csp-zero-workers]
  // CHECK-MESSAGES: :[[@LINE-5]]:11: note: the count is read here; check that it is at least 1 before starting the pool, or clamp it with std::max
  // CHECK-MESSAGES: :[[@LINE+7]]:5: note: the work is sent here
    pool.emplace_back([jobs]() mutable {
      int v = 0;
      while (jobs >> v)
        consume(v);
    });
  for (int i = 0; i < 5; ++i)
    jobs << i;
  jobs.close();
  for (auto &t : pool)
    t.join();
}

// A parameter, on std::jthread.
void fromParameter(int n) {
  demo::Mailbox<int> jobs(1);
  std::vector<std::jthread> pool;
  for (int w = 0; w < n; ++w)
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: the pool's worker count can be 0 (it comes from a parameter and is not checked to be at least 1): with no worker, the sends on channel 'jobs' beyond the 1 it holds block forever [csp-zero-workers]
  // CHECK-MESSAGES: :[[@LINE-5]]:24: note: the count comes from parameter 'n'; check that it is at least 1 before starting the pool, or clamp it with std::max
  // CHECK-MESSAGES: :[[@LINE+2]]:3: note: the work is sent here
    pool.emplace_back([jobs]() mutable { consume(jobs.take()); });
  jobs << 1;
  jobs << 2;
}

// ===== Negative shapes =====

// A clamped configuration value.
void clampedSetting() {
  int n = std::max(1, demo::setting("workers"));
  demo::Mailbox<int> jobs(2);
  std::vector<std::thread> pool;
  for (int w = 0; w < n; ++w)
    pool.emplace_back([jobs]() mutable {
      int v = 0;
      while (jobs >> v)
        consume(v);
    });
  for (int i = 0; i < 5; ++i)
    jobs << i;
  jobs.close();
  for (auto &t : pool)
    t.join();
}

// The jobs fit the mailbox.
void fits(int n) {
  demo::Mailbox<int> jobs(8);
  std::vector<std::jthread> pool;
  for (int w = 0; w < n; ++w)
    pool.emplace_back([jobs]() mutable { consume(jobs.take()); });
  jobs << 1;
  jobs << 2;
}

// A zero count refused.
void refused(int n) {
  if (!n)
    return;
  demo::Mailbox<int> jobs(1);
  std::vector<std::jthread> pool;
  for (int w = 0; w < n; ++w)
    pool.emplace_back([jobs]() mutable { consume(jobs.take()); });
  jobs << 1;
  jobs << 2;
}
