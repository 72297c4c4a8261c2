// RUN: %check_csp_tidy %s csp-waitgroup-count-mismatch %t '-config={CheckOptions: {WaitGroupAddFunctions: "::csp::wait_group::add;::Tally::up", WaitGroupDoneFunctions: "::csp::wait_group::done;::Tally::down;::std::latch::count_down", WaitGroupWaitFunctions: "::csp::wait_group::wait;::Tally::await"}}'

// csp-waitgroup-count-mismatch on the csp runtime, std::thread, std::jthread,
// std::async and Boost.Fiber (with Debian's real headers), and a user wait
// group (Tally) and std::latch named by the options above.

#include <csp/csp.hpp>

#include <boost/fiber/all.hpp>

#include <barrier>
#include <functional>
#include <future>
#include <latch>
#include <thread>
#include <vector>

void process(int);
bool ready();
void log(int);

// A user wait group, named in WaitGroup*Functions.
struct Tally {
  void up(int n);
  void down();
  void await();
};

// Go's `defer wg.Done()`: the destructor calls done, which the analysis
// does not see.
struct DoneGuard {
  csp::wait_group &wg;
  ~DoneGuard() { wg.done(); }
};

// ===== Positive shapes =====

// The seed's exercise 13: add(4) for five workers.
void fiveWorkersFourCounted(csp::chan<int> jobs) {
  csp::wait_group wg;
  wg.add(4);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait group 'wg' is incremented by 4 in all, but the tasks started here call 'done' 5 times; the extra 'done' takes the counter below zero [csp-waitgroup-count-mismatch]
  // CHECK-MESSAGES: :[[@LINE+2]]:5: note: a task that calls 'done' is started here
  for (int w = 0; w < 5; ++w) {
    csp::go([&wg, jobs] {
      for (int j : jobs)
        process(j);
      wg.done();
    });
  }
  wg.wait();
}

// A named worker started as a std::thread, given the group by pointer: more
// added than the threads ever take away.
void threadWorker(csp::wait_group *wg, int id) {
  process(id);
  wg->done();
}

void threadsCountedTooHigh() {
  csp::wait_group wg;
  std::vector<std::thread> threads;
  wg.add(3);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait group 'wg' is incremented by 3 in all, but the tasks started here call 'done' 2 times; 'wait' never returns [csp-waitgroup-count-mismatch]
  // CHECK-MESSAGES: :[[@LINE+2]]:23: note: a task that calls 'done' is started here
  for (int i = 0; i < 2; ++i)
    threads.push_back(std::thread(threadWorker, &wg, i));
  wg.wait();
  for (std::thread &t : threads)
    t.join();
}

// add(size) for a loop over the same container that skips some spawns; the
// task is a lambda kept in a variable.
void skipsWithContinue(const std::vector<int> &jobs) {
  csp::wait_group wg;
  auto work = [&wg](int j) {
    process(j);
    wg.done();
  };
  wg.add(jobs.size());
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait group 'wg' is incremented by the size of 'jobs', but fewer tasks may be started: a 'continue' skips the spawn; 'wait' never returns [csp-waitgroup-count-mismatch]
  // CHECK-MESSAGES: :[[@LINE+4]]:7: note: this 'continue' skips it; call 'add(1)' right before each spawn
  // CHECK-MESSAGES: :[[@LINE+4]]:5: note: the task is started here
  for (int j : jobs) {
    if (j < 0)
      continue;
    csp::go(work, j);
  }
  wg.wait();
}

// ... or stops early with a break; std::async tasks.
void stopsWithBreak(const std::vector<int> &jobs) {
  csp::wait_group wg;
  std::vector<std::future<void>> pending;
  wg.add(static_cast<int>(jobs.size()));
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait group 'wg' is incremented by the size of 'jobs', but fewer tasks may be started: a 'break' ends the loop before the spawn; 'wait' never returns [csp-waitgroup-count-mismatch]
  // CHECK-MESSAGES: :[[@LINE+4]]:7: note: this 'break' ends the loop before it; call 'add(1)' right before each spawn
  // CHECK-MESSAGES: :[[@LINE+4]]:23: note: the task is started here
  for (int j : jobs) {
    if (j == 0)
      break;
    pending.push_back(std::async(std::launch::async, [&wg, j] {
      process(j);
      wg.done();
    }));
  }
  wg.wait();
}

// One task counted, started only when a condition holds.
void startedUnderACondition() {
  csp::wait_group wg;
  wg.add(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait group 'wg' is incremented by 1, but fewer tasks may be started: a condition skips the spawn; 'wait' never returns [csp-waitgroup-count-mismatch]
  // CHECK-MESSAGES: :[[@LINE+2]]:3: note: this condition skips it; call 'add(1)' right before each spawn
  // CHECK-MESSAGES: :[[@LINE+2]]:5: note: the task is started here
  if (ready())
    csp::go([&wg] {
      process(1);
      wg.done();
    });
  wg.wait();
}

// A member task that calls done for every job it takes, counted once.
class Pool {
public:
  void start(int n) {
    for (int i = 0; i < n; ++i) {
      wg_.add(1);
      csp::go([this] {
        for (int j : jobs_) {
          process(j);
          wg_.done();
          // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: this 'done' runs on every pass of the loop, but wait group 'this->wg_' counts the task once; the extra 'done' takes the counter below zero [csp-waitgroup-count-mismatch]
          // CHECK-MESSAGES: :[[@LINE-5]]:7: note: the task is started here
        }
      });
    }
  }

private:
  csp::wait_group wg_;
  csp::chan<int> jobs_ = csp::make_chan<int>(8);
};

// A helper task whose error path calls done and then falls through to the
// done at the end.
void handle(csp::wait_group &wg, int j) {
  if (j < 0) {
    log(j);
    wg.done();
  }
  process(j);
  wg.done();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: this 'done' runs after an earlier 'done' of the same task, but wait group 'wg' counts the task once; the extra 'done' takes the counter below zero [csp-waitgroup-count-mismatch]
  // CHECK-MESSAGES: :[[@LINE+7]]:5: note: the task is started here
}

void doneOnTwoPaths(const std::vector<int> &jobs) {
  csp::wait_group wg;
  for (int j : jobs) {
    wg.add(1);
    csp::go(handle, std::ref(wg), j);
  }
  wg.wait();
}

// The add comes after the task that calls done was started.
void addAfterTheSpawn() {
  csp::wait_group wg;
  std::jthread t([&wg] {
    process(0);
    wg.done();
  });
  wg.add(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait group 'wg' is incremented after a task that calls 'done' on it was started; the 'done' can run first and take the counter below zero [csp-waitgroup-count-mismatch]
  // CHECK-MESSAGES: :[[@LINE-6]]:16: note: the task is started here; call 'add' before this point
  wg.wait();
}

// add(3) once, then a wait in every pass of the loop that starts the tasks.
void waitInsideTheLoop() {
  csp::wait_group wg;
  wg.add(3);
  for (int i = 0; i < 3; ++i) {
    csp::go([&wg, i] {
      process(i);
      wg.done();
    });
    wg.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: wait group 'wg' is waited for in each pass of the loop that starts its tasks, but incremented only before the loop: the first 'wait' waits for tasks that later passes start, or a later task's 'done' takes the counter below zero [csp-waitgroup-count-mismatch]
    // CHECK-MESSAGES: :[[@LINE-8]]:3: note: incremented here, once for every pass; call 'add' inside the loop, before each task is started
  }
}

// A class template: the pattern and its instantiation report once.
template <class T> struct Batch {
  void run() {
    wg.add(2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: wait group 'this->wg' is incremented by 2 in all, but the tasks started here call 'done' 3 times; the extra 'done' takes the counter below zero [csp-waitgroup-count-mismatch]
    // CHECK-MESSAGES: :[[@LINE+2]]:7: note: a task that calls 'done' is started here
    for (int i = 0; i < 3; ++i)
      csp::go([this, i] {
        item.push_back(T(i));
        wg.done();
      });
    wg.wait();
  }
  csp::wait_group wg;
  std::vector<T> item;
};
template struct Batch<int>;

// Boost.Fiber fibers with the user wait group: up(2) for three fibers.
void fibersWithATally() {
  Tally t;
  t.up(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait group 't' is incremented by 2 in all, but the tasks started here call 'done' 3 times; the extra 'done' takes the counter below zero [csp-waitgroup-count-mismatch]
  // CHECK-MESSAGES: :[[@LINE+1]]:24: note: a task that calls 'done' is started here
  boost::fibers::fiber a([&t] { process(1); t.down(); });
  boost::fibers::fiber b([&t] { process(2); t.down(); });
  boost::fibers::fiber c([&t] { process(3); t.down(); });
  t.await();
  a.join();
  b.join();
  c.join();
}

// ===== Negative shapes =====

// The seeds' fix: add(1) right before each spawn, in a loop that skips
// some jobs.
void addOnePerSpawn(const std::vector<int> &jobs) {
  csp::wait_group wg;
  for (int j : jobs) {
    if (j < 0)
      continue;
    wg.add(1);
    csp::go([&wg, j] {
      process(j);
      wg.done();
    });
  }
  wg.wait();
}

// add(N) once for N workers that always start, done by a guard's
// destructor (`defer wg.Done()`).
void addAllAtOnceWithAGuard() {
  csp::wait_group wg;
  wg.add(4);
  for (int w = 0; w < 4; ++w)
    csp::go([&wg, w] {
      DoneGuard g{wg};
      process(w);
    });
  wg.wait();
}

// add(size) before a loop over the container that always spawns, a named
// worker by pointer; std::thread.
void addLenBeforeALoopThatAlwaysSpawns(const std::vector<int> &jobs) {
  csp::wait_group wg;
  std::vector<std::thread> threads;
  wg.add(jobs.size());
  for (int j : jobs)
    threads.emplace_back(threadWorker, &wg, j);
  wg.wait();
  for (std::thread &t : threads)
    t.join();
}

// One task that calls done for each job, counted by the jobs' size.
void oneTaskDonePerJob(const std::vector<int> &jobs) {
  csp::wait_group wg;
  wg.add(jobs.size());
  csp::go([&wg, &jobs] {
    for (int j : jobs) {
      process(j);
      wg.done();
    }
  });
  wg.wait();
}

// An early return that calls done first: once on every path.
void earlyReturn(csp::wait_group &wg, int j) {
  if (j < 0) {
    wg.done();
    return;
  }
  process(j);
  wg.done();
}

void doneOncePerPath(const std::vector<int> &jobs) {
  csp::wait_group wg;
  for (int j : jobs) {
    wg.add(1);
    csp::go(earlyReturn, std::ref(wg), j);
  }
  wg.wait();
}

// The closer task waits for the workers and is not counted; the spawner
// calls done itself when it does not start a worker.
void closerTaskAndSpawnerDone(csp::chan<int> results) {
  csp::wait_group wg;
  for (int i = 0; i < 3; ++i) {
    wg.add(1);
    if (ready())
      csp::go([&wg, results, i] {
        results.send(i);
        wg.done();
      });
    else
      wg.done();
  }
  csp::go([&wg, results] {
    wg.wait();
    results.close();
  });
  for (int r : results)
    process(r);
}

// A task started before the add, but waiting for a signal the spawner
// gives after it.
void startedBeforeButWaits() {
  csp::wait_group wg;
  auto go_ahead = csp::make_chan<int>();
  csp::go([&wg, go_ahead] {
    go_ahead.recv();
    wg.done();
  });
  wg.add(1);
  go_ahead.send(1);
  wg.wait();
}

// A wait per pass, with the add in the pass; std::jthread.
void waitPerPassAddPerPass() {
  csp::wait_group wg;
  for (int i = 0; i < 3; ++i) {
    wg.add(1);
    std::jthread t([&wg, i] {
      process(i);
      wg.done();
    });
    wg.wait();
  }
}

// Counts the analysis cannot know: a bound from data, a callback handed to
// code it does not follow.
void unknownCounts(int n, std::function<void(std::function<void()>)> submit) {
  csp::wait_group wg;
  wg.add(n);
  for (int i = 0; i < n; ++i)
    csp::go([&wg] { wg.done(); });
  wg.wait();

  csp::wait_group other;
  other.add(2);
  csp::go([&other] { other.done(); });
  submit([&other] { other.done(); });
  other.wait();
}

// std::latch and std::barrier used as intended: the count is set where
// they are made.
void latchAndBarrier() {
  std::latch finished(3);
  std::vector<std::jthread> threads;
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&finished, i] {
      process(i);
      finished.count_down();
    });
  finished.wait();

  std::barrier sync(2);
  std::jthread peer([&sync] { sync.arrive_and_wait(); });
  sync.arrive_and_wait();
}

// A class template that counts each task before starting it.
template <class T> struct Workers {
  void run(const std::vector<T> &items) {
    for (const T &item : items) {
      wg.add(1);
      csp::go([this, item] {
        use(item);
        wg.done();
      });
    }
    wg.wait();
  }
  void use(const T &);
  csp::wait_group wg;
};
template struct Workers<int>;

// Fibers, each counted by the user wait group before it starts.
void fibersCountedOneByOne() {
  Tally t;
  std::vector<boost::fibers::fiber> fibers;
  for (int i = 0; i < 3; ++i) {
    t.up(1);
    fibers.emplace_back([&t, i] {
      process(i);
      t.down();
    });
  }
  t.await();
  for (boost::fibers::fiber &f : fibers)
    f.join();
}
