// RUN: %check_csp_tidy %s csp-shared-counter-race %t '-config={CheckOptions: {SpawnFunctions: "::boost::fibers::fiber::fiber;::std::thread::thread"}}'

// A program whose fibers run on several threads (Boost's work_stealing or
// shared_work scheduler) names boost::fibers::fiber in SpawnFunctions, as
// docs/libraries.md says: the option the user sets wins over the default
// CooperativeSpawnFunctions, and fibers are checked as threads.

#include <boost/fiber/all.hpp>

#include <vector>

void consume(int);

void fibersCount() {
  int counter = 0;
  std::vector<boost::fibers::fiber> fibers;
  for (int i = 0; i < 4; ++i)
    fibers.emplace_back([&counter] { ++counter; });
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: 'counter' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: the task is started in a loop, so several copies run at once
  for (auto &f : fibers)
    f.join();
  consume(counter);
}
