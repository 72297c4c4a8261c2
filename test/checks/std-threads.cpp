// RUN: %check_csp_tidy %s 'csp-*' %t

// The csp checks on plain standard-library concurrency with the default
// options: std::thread (also emplaced into a vector), std::jthread with and
// without a std::stop_token parameter, std::async. Tasks exchange values
// through csp channels where a check is about channels.

#include <csp/csp.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

void consume(int);

// ===== shared-counter-race =====

void jthreadsWithStopToken() {
  int polls = 0;
  std::vector<std::jthread> pollers;
  for (int i = 0; i < 2; ++i)
    pollers.emplace_back([&polls](std::stop_token stop) {
      while (!stop.stop_requested())
        ++polls;
      // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'polls' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
      // CHECK-MESSAGES: :[[@LINE-4]]:5: note: the task is started in a loop, so several copies run at once
    });
}

void asyncTasks() {
  long total = 0;
  auto a = std::async(std::launch::async, [&total] { total += 1; });
  // CHECK-MESSAGES: :[[@LINE-1]]:54: warning: 'total' is written by tasks that run at the same time, with no lock held: a data race that loses updates; make it std::atomic or hold a mutex [csp-shared-counter-race]
  // CHECK-MESSAGES: :[[@LINE+1]]:12: note: another task that accesses it is started here
  auto b = std::async(std::launch::async, [&total] { total += 2; });
  a.get();
  b.get();
  consume(total);
}

// Negative: atomic, locked, joined before the read.
void countedSafely() {
  std::atomic<int> hits{0};
  int locked = 0;
  std::mutex m;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      ++hits;
      std::lock_guard<std::mutex> guard(m);
      ++locked;
    });
  for (std::thread &t : threads)
    t.join();
  consume(hits + locked);
}

void oneThreadThenRead() {
  int result = 0;
  std::thread t([&result] { result = 42; });
  t.join();
  consume(result);
}

// ===== channels across std::jthread: the stop token comes first, the =====
// ===== arguments bind to the parameters after it.                    =====

void drain(std::stop_token stop, csp::chan<int> jobs) {
  for (int j : jobs) {
    if (stop.stop_requested())
      return;
    consume(j);
  }
  jobs.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'jobs' is closed by code that receives from it; only a sender may close a channel, or the senders' next send panics [csp-close-by-receiver]
  // CHECK-MESSAGES: :[[@LINE-7]]:3: note: it receives from the channel here
}

void startDrain() {
  auto jobs = csp::make_chan<int>(4);
  std::jthread worker(drain, jobs);
  jobs.send(1);
}

// The channel reaches the reader through jthread's argument after the stop
// token, so the check sees that the spawner made it and never closes it.
void readAll(std::stop_token, csp::recv_chan<int> in) {
  for (int v : in)
    // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: range loop over channel 'in', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
    // CHECK-MESSAGES: :[[@LINE+5]]:13: note: channel 'in' is made here; close it once the last value is sent
    consume(v);
}

void startReadAll() {
  auto in = csp::make_chan<int>(4);
  std::jthread reader(readAll, in);
  in.send(1);
}

// A generic lambda's `auto` first parameter takes the stop token too.
void startGenericReader() {
  auto in = csp::make_chan<int>(4);
  std::jthread reader([](auto, csp::recv_chan<int> values) {
    for (int v : values)
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: range loop over channel 'values', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
      // CHECK-MESSAGES: :[[@LINE-4]]:13: note: channel 'in' is made here; close it once the last value is sent
      consume(v);
  }, in);
  in.send(1);
}

// A thread started from a forwarding parameter in a function template and
// returned by move (boostorg/fiber's examples/priority.cpp has this shape):
// the pattern's `std::thread t(f)` has a dependent initializer, and the
// move of `t` into the result is no second thread. This crashed the model.
template <class Fn> std::thread launch(Fn &&f) {
  std::thread t(f);
  return t;
}

void startThroughLaunch() {
  auto work = [] { consume(1); };
  std::thread t = launch(work);
  t.join();
}
