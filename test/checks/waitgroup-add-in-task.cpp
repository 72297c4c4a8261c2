// RUN: %check_csp_tidy %s csp-waitgroup-add-in-task %t

#include <csp/csp.hpp>

#include <functional>
#include <memory>
#include <future>
#include <thread>
#include <vector>

// What the unique_ptr guards below hold: one made from nullptr never runs
// its deleter.
int guard_token;

void process(int);

// ---- Positive: the task increments the wait group that counts it. -------

void lambdaAtSpawn() {
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    csp::go([&] {
      wg.add(1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
      // CHECK-MESSAGES: :[[@LINE-3]]:5: note: the task is started here; call 'add' before this point
      process(i);
      wg.done();
    });
  }
  wg.wait();
}
// CHECK-FIXES:      for (int i = 0; i < 4; ++i) {
// CHECK-FIXES-NEXT:   wg.add(1);
// CHECK-FIXES-NEXT:   csp::go([&] {
// CHECK-FIXES-NEXT:     //
// CHECK-FIXES-NEXT:     //
// CHECK-FIXES-NEXT:     process(i);

void lambdaWithArgument(const std::vector<int> &jobs) {
  csp::wait_group wg;
  for (int job : jobs) {
    csp::go(
        [&wg](int j) {
          wg.add(1);
          // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
          // CHECK-MESSAGES: :[[@LINE-4]]:5: note: the task is started here; call 'add' before this point
          auto guard = std::unique_ptr<int, std::function<void(int *)>>(
              &guard_token, [&](int *) { wg.done(); });
          process(j);
        },
        job);
  }
  wg.wait();
}
// CHECK-FIXES:      for (int job : jobs) {
// CHECK-FIXES-NEXT:   wg.add(1);
// CHECK-FIXES-NEXT:   csp::go(
// CHECK-FIXES-NEXT:       [&wg](int j) {
// CHECK-FIXES-NEXT:         //

void lambdaInVariable() {
  csp::wait_group wg;
  auto worker = [&] {
    wg.add(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
    process(0);
    wg.done();
  };
  for (int i = 0; i < 3; ++i)
    csp::go(worker);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: note: the task is started here; call 'add' before this point
  wg.wait();
}

void namedWorker(csp::wait_group *wg, int id) {
  wg->add(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
  process(id);
  wg->done();
}

void startNamedWorkers() {
  csp::wait_group wg;
  for (int id = 0; id < 3; ++id)
    csp::go(namedWorker, &wg, id);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: note: the task is started here; call 'add' before this point
  wg.wait();
}

class Pool {
public:
  void start() {
    std::thread t(&Pool::work, this);
    t.detach();
    wg_.wait();
  }

private:
  void work() {
    wg_.add(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: wait group 'wg_' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
    // CHECK-MESSAGES: :[[@LINE-9]]:17: note: the task is started here; call 'add' before this point
    process(1);
    wg_.done();
  }
  csp::wait_group wg_;
};

void enroll(csp::wait_group &group) { group.add(1); }

void throughHelper() {
  csp::wait_group wg;
  csp::go([&] {
    enroll(wg);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
    // CHECK-MESSAGES: :[[@LINE-7]]:6: note: 'enroll' increments the wait group
    // CHECK-MESSAGES: :[[@LINE-4]]:3: note: the task is started here; call 'add' before this point
    process(2);
    wg.done();
  });
  wg.wait();
}

void threadsInVector() {
  csp::wait_group wg;
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&wg, i] {
      wg.add(1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
      // CHECK-MESSAGES: :[[@LINE-3]]:5: note: the task is started here; call 'add' before this point
      process(i);
      wg.done();
    });
  }
  wg.wait();
  for (std::thread &t : threads)
    t.join();
}
// CHECK-FIXES:      for (int i = 0; i < 2; ++i) {
// CHECK-FIXES-NEXT:   wg.add(1);
// CHECK-FIXES-NEXT:   threads.emplace_back([&wg, i] {

void asyncInBranch(bool more) {
  csp::wait_group wg;
  auto f = std::async(std::launch::async, [&] {
    if (more) {
      wg.add(1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
      // CHECK-MESSAGES: :[[@LINE-4]]:12: note: the task is started here; call 'add' before this point
      process(3);
      wg.done();
    }
  });
  wg.wait();
}

struct Job {
  csp::wait_group *wg;
  void operator()() const {
    wg->add(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
    process(4);
    wg->done();
  }
};

void functionObject() {
  csp::wait_group wg;
  csp::go(Job{&wg});
  // CHECK-MESSAGES: :[[@LINE-1]]:3: note: the task is started here; call 'add' before this point
  wg.wait();
}

// A spawn that may not run: an add moved before the statement would count a
// task that is never started, and wait() would hang. No fix.
void conditionalSpawns(bool start) {
  csp::wait_group wg;
  start ? csp::go([&] {
    wg.add(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
    // CHECK-MESSAGES: :[[@LINE-3]]:11: note: the task is started here; call 'add' before this point
    wg.done();
  }) : (void)0;
  start && (csp::go([&] {
    wg.add(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
    // CHECK-MESSAGES: :[[@LINE-3]]:13: note: the task is started here; call 'add' before this point
    wg.done();
  }), true);
  process(0), csp::go([&] {
    wg.add(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: the task is started here; call 'add' before this point
    wg.done();
  });
  wg.wait();
}
// CHECK-FIXES:      start ? csp::go([&] {
// CHECK-FIXES-NEXT:   wg.add(1);
// CHECK-FIXES:      start && (csp::go([&] {
// CHECK-FIXES-NEXT:   wg.add(1);
// CHECK-FIXES:      process(0), csp::go([&] {
// CHECK-FIXES-NEXT:   wg.add(1);

// A spawn after another statement on its line: the add goes on that line,
// and the spawn keeps its place.
void spawnAfterStatement() {
  csp::wait_group wg;
  process(1); csp::go([&] {
    wg.add(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: the task is started here; call 'add' before this point
    wg.done();
  });
  wg.wait();
}
// CHECK-FIXES:      process(1); wg.add(1); csp::go([&] {
// CHECK-FIXES-NEXT:   //

// ---- Negative: the idioms stay silent. ---------------------------------

void addBeforeSpawn() {
  csp::wait_group wg;
  for (int i = 0; i < 4; ++i) {
    wg.add(1);
    csp::go([&wg, i] {
      process(i);
      wg.done();
    });
  }
  wg.wait();
}

void addAllUpFront() {
  constexpr int Workers = 3;
  csp::wait_group wg;
  wg.add(Workers);
  for (int i = 0; i < Workers; ++i)
    std::thread([&wg] { wg.done(); }).detach();
  wg.wait();
}

// A task may own a wait group for the subtasks it starts.
void taskWithItsOwnGroup() {
  csp::wait_group outer;
  outer.add(1);
  csp::go([&outer] {
    csp::wait_group inner;
    inner.add(1);
    csp::go([&inner] { inner.done(); });
    inner.wait();
    outer.done();
  });
  outer.wait();
}

// The recursive walker adds for each child before starting it, while its
// own count is still held.
void walk(int depth, csp::wait_group &wg) {
  if (depth > 0) {
    wg.add(1);
    csp::go(walk, depth - 1, std::ref(wg));
  }
  wg.done();
}

void startWalk() {
  csp::wait_group wg;
  wg.add(1);
  csp::go(walk, 3, std::ref(wg));
  wg.wait();
}

// A task that counts jobs, not itself: the workers call done per job.
void countsJobsNotTasks() {
  csp::wait_group pending;
  auto jobs = csp::make_chan<int>(8);
  csp::go([&] {
    for (int i = 0; i < 8; ++i) {
      pending.add(1);
      jobs.send(i);
    }
    jobs.close();
  });
  csp::go([&] {
    for (int j : jobs) {
      process(j);
      pending.done();
    }
  });
  pending.wait();
}

// A function object that owns its wait group is not counted by anyone else.
struct SelfContained {
  std::unique_ptr<csp::wait_group> wg = std::make_unique<csp::wait_group>();
  void operator()() {
    wg->add(1);
    csp::go([this] { wg->done(); });
    wg->wait();
  }
};

void startSelfContained() { std::thread(SelfContained{}).join(); }

// Calling add in a function that is not a task is what the idiom asks for.
void addInHelperBeforeSpawn() {
  csp::wait_group wg;
  enroll(wg);
  csp::go([&] { wg.done(); });
  wg.wait();
}

void suppressed() {
  csp::wait_group wg;
  csp::go([&] {
    wg.add(1); // NOLINT(csp-waitgroup-add-in-task)
    wg.done();
  });
  wg.wait();
}

// A class template's member function, checked as instantiated: once, though
// two instantiations run it.
template <class Job> struct Batch {
  csp::wait_group wg;
  void run(Job job) {
    csp::go([this, job] {
      wg.add(1);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: wait group 'wg' is incremented inside the task it counts; 'wait' can return before the task has started [csp-waitgroup-add-in-task]
      // CHECK-MESSAGES: :[[@LINE-3]]:5: note: the task is started here; call 'add' before this point
      job();
      wg.done();
    });
    wg.wait();
  }
};

void runBatches() {
  Batch<void (*)()>{}.run(+[] {});
  Batch<std::function<void()>>{}.run([] {});
}
