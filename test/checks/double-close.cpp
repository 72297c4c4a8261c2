// RUN: %check_csp_tidy %s csp-double-close %t

#include <csp/csp.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

// What the unique_ptr guards below hold: one made from nullptr never runs
// its deleter.
int guard_token;

void process(int);
bool failed();

// ---- Positive: one execution can close the channel twice. ---------------

void twoClosesOnOnePath(bool retry) {
  auto done = csp::make_chan<int>();
  done.close();
  if (retry)
    done.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: channel 'done' can be closed a second time here; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: first closed here
}

void closeOnErrorThenAgain(csp::chan<int> out) {
  if (failed())
    out.close();
  out.send(1);
  out.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'out' can be closed a second time here; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE-4]]:5: note: first closed here
}

void closeInALoop(csp::chan<int> out, int n) {
  for (int i = 0; i < n; ++i) {
    out.send(i);
    out.close();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: channel 'out' is closed in a loop; the second iteration's close panics [csp-double-close]
  }
}

void shutdown(csp::send_chan<int> ch) { ch.close(); }

void closeAndHelperClose() {
  auto events = csp::make_chan<int>(1);
  events.close();
  shutdown(events);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'events' can be closed a second time here; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE-7]]:6: note: 'shutdown' closes the channel
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: first closed here
}

// A scope guard closes when the scope ends, after the explicit close.
void guardAndExplicitClose() {
  auto results = csp::make_chan<int>(1);
  auto guard = std::unique_ptr<int, std::function<void(int *)>>(
      &guard_token, [results](int *) { results.close(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: channel 'results' can be closed a second time here; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE+3]]:5: note: first closed here
  results.send(1);
  if (failed())
    results.close();
}

// Seed 002, exercise 9: two producers, each closing the shared channel.
void produce(csp::send_chan<int> jobs, int from) {
  jobs.send(from);
  jobs.close();
}

void twoProducersEachClosing() {
  auto jobs = csp::make_chan<int>(4);
  csp::go(produce, jobs, 1);
  csp::go(produce, jobs, 2);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: a second task that closes channel 'jobs' is started here; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: the first task that closes it is started here
  // CHECK-MESSAGES: :[[@LINE-9]]:3: note: the task closes the channel here
  for (int j : jobs)
    process(j);
}

// The same, with std::thread and producers that close through a guard.
void produceWithGuard(csp::chan<int> jobs, int from) {
  auto guard = std::unique_ptr<int, std::function<void(int *)>>(
      &guard_token, [jobs](int *) { jobs.close(); });
  jobs.send(from);
}

void twoThreadsEachClosing() {
  auto jobs = csp::make_chan<int>(4);
  std::thread a(produceWithGuard, jobs, 1);
  std::thread b(produceWithGuard, jobs, 2);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: a second task that closes channel 'jobs' is started here; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE-3]]:15: note: the first task that closes it is started here
  // CHECK-MESSAGES: :[[@LINE-10]]:37: note: the task closes the channel here
  a.join();
  b.join();
}

void producersInALoop() {
  auto jobs = csp::make_chan<int>(4);
  std::vector<std::thread> producers;
  for (int p = 0; p < 3; ++p)
    producers.emplace_back([jobs, p] {
      // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: a task that closes channel 'jobs' is started in a loop; the second task's close panics [csp-double-close]
      // CHECK-MESSAGES: :[[@LINE+2]]:7: note: the task closes the channel here
      jobs.send(p);
      jobs.close();
    });
  for (std::thread &t : producers)
    t.join();
}

// A lambda kept in a variable, started twice, closing a member channel.
class Service {
public:
  void stop() {
    auto closer = [this] { quit_.close(); };
    csp::go(closer);
    csp::go(closer);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: a second task that closes channel 'quit_' is started here; the second close panics [csp-double-close]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: the first task that closes it is started here
    // CHECK-MESSAGES: :[[@LINE-5]]:28: note: the task closes the channel here
  }

private:
  csp::chan<int> quit_ = csp::make_chan<int>();
};

// The producer task closes, and so does the function that started it.
void producerAndSpawnerClose() {
  auto jobs = csp::make_chan<int>(4);
  csp::go([jobs] {
    jobs.send(1);
    jobs.close();
  });
  for (int j : jobs)
    process(j);
  jobs.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'jobs' is closed here and by a task this code starts; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE-8]]:3: note: the task is started here
  // CHECK-MESSAGES: :[[@LINE-7]]:5: note: the task closes the channel here
}

// A helper that closes, called on every iteration.
void helperInALoop(csp::chan<int> out) {
  for (int i = 0; i < 3; ++i) {
    out.send(i);
    shutdown(out);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: channel 'out' is closed in a loop; the second iteration's close panics [csp-double-close]
    // CHECK-MESSAGES: :[[@LINE-109]]:6: note: 'shutdown' closes the channel
  }
}

// A case that falls through into the next one's close.
void fallThrough(csp::chan<int> ch, int how) {
  switch (how) {
  case 1:
    ch.close();
    [[fallthrough]];
  case 2:
    ch.close();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: channel 'ch' can be closed a second time here; the second close panics [csp-double-close]
    // CHECK-MESSAGES: :[[@LINE-5]]:5: note: first closed here
    break;
  default:
    break;
  }
}

// A member function that closes a member, started twice on one object.
class Stage {
public:
  void finish() {
    out_.send(0);
    out_.close();
  }
  void finishTwice() {
    std::thread a(&Stage::finish, this);
    std::thread b(&Stage::finish, this);
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: a second task that closes channel 'out_' is started here; the second close panics [csp-double-close]
    // CHECK-MESSAGES: :[[@LINE-3]]:17: note: the first task that closes it is started here
    // CHECK-MESSAGES: :[[@LINE-7]]:5: note: the task closes the channel here
    a.join();
    b.join();
  }
  // A closing function started twice with the same member.
  void produceTwice() {
    csp::go(produce, out_, 1);
    csp::go(produce, out_, 2);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: a second task that closes channel 'out_' is started here; the second close panics [csp-double-close]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: the first task that closes it is started here
    // CHECK-MESSAGES: :[[@LINE-125]]:3: note: the task closes the channel here
  }

private:
  csp::chan<int> out_ = csp::make_chan<int>(2);
};

// ---- Negative: one close per channel on every execution. ---------------

void closeOnExclusiveBranches(bool failed) {
  auto results = csp::make_chan<int>(1);
  if (failed) {
    results.close();
    return;
  }
  results.send(1);
  results.close();
}

void closeInIfAndElse(csp::chan<int> out, bool early) {
  if (early)
    out.close();
  else {
    out.send(1);
    out.close();
  }
}

void closeOnceAfterTheLoop(csp::chan<int> out) {
  for (int i = 0; i < 3; ++i)
    out.send(i);
  out.close();
}

void closeInALoopThenLeave(csp::chan<int> out) {
  for (int i = 0;; ++i) {
    if (i == 3) {
      out.close();
      break;
    }
    out.send(i);
  }
}

void closeOnTheLastIteration(csp::chan<int> out, int n) {
  for (int i = 0; i < n; ++i) {
    out.send(i);
    if (i == n - 1)
      out.close();
  }
}

void closeBehindAFlag(csp::chan<int> in, csp::chan<int> out) {
  bool closed = false;
  for (int v : in) {
    if (v < 0 && !closed) {
      out.close();
      closed = true;
      continue;
    }
    if (!closed)
      out.send(v);
  }
}

// Two closes under conditions the check cannot relate: no finding.
void correlatedConditions(csp::chan<int> out, bool err) {
  if (err)
    out.close();
  if (!err) {
    out.send(1);
    out.close();
  }
}

void closeInTryAndInCatch(csp::chan<int> out) {
  try {
    out.send(1);
    out.close();
  } catch (...) {
    out.close();
    throw;
  }
}

void aFreshChannelPerIteration() {
  for (int i = 0; i < 3; ++i) {
    auto reply = csp::make_chan<int>(1);
    reply.send(i);
    reply.close();
  }
}

void reassignedBetweenCloses() {
  auto ch = csp::make_chan<int>(1);
  ch.close();
  ch = csp::make_chan<int>(1);
  ch.close();
}

// One closing helper, used for two different channels.
void closeBoth() {
  auto a = csp::make_chan<int>(1), b = csp::make_chan<int>(1);
  shutdown(a);
  shutdown(b);
}

void sender(csp::send_chan<int> jobs, int v) { jobs.send(v); }

// The orchestrator closes once, after both producers are done.
void singleCloserAfterProducers() {
  auto jobs = csp::make_chan<int>(4);
  csp::wait_group producers;
  producers.add(2);
  csp::go([&producers, jobs] {
    sender(jobs, 1);
    producers.done();
  });
  csp::go([&producers, jobs] {
    sender(jobs, 2);
    producers.done();
  });
  csp::go([&producers, jobs] {
    producers.wait();
    jobs.close();
  });
  for (int j : jobs)
    process(j);
}

// Go's sync.Once: whichever producer finishes first closes, once.
void closeOnce() {
  auto jobs = csp::make_chan<int>(4);
  std::once_flag once;
  for (int p = 0; p < 2; ++p)
    csp::go([jobs, &once, p] {
      jobs.send(p);
      std::call_once(once, [&] { jobs.close(); });
    });
  for (int j : jobs)
    process(j);
}

// The last producer out closes.
void lastOneOutCloses() {
  auto jobs = csp::make_chan<int>(4);
  std::atomic<int> left{3};
  for (int p = 0; p < 3; ++p)
    csp::go([jobs, &left, p] {
      jobs.send(p);
      if (left.fetch_sub(1) == 1)
        jobs.close();
    });
  for (int j : jobs)
    process(j);
}

// Each closing task gets its own channel.
void eachTaskClosesItsOwn() {
  auto a = csp::make_chan<int>(1), b = csp::make_chan<int>(1);
  csp::go(produce, a, 1);
  csp::go(produce, b, 2);
}

// A fresh channel per iteration, handed to one closing task each.
void aFreshChannelPerTask() {
  for (int i = 0; i < 3; ++i) {
    auto reply = csp::make_chan<int>(1);
    csp::go(produce, reply, i);
    for (int v : reply)
      process(v);
  }
}

void tasksMakeTheirOwnChannels() {
  for (int i = 0; i < 3; ++i)
    csp::go([i] {
      auto local = csp::make_chan<int>(1);
      local.send(i);
      local.close();
    });
}

// Only one of the closing tasks starts.
void closingTasksOnExclusiveBranches(bool fast) {
  auto jobs = csp::make_chan<int>(4);
  if (fast)
    csp::go(produce, jobs, 1);
  else
    csp::go(produce, jobs, 2);
  for (int j : jobs)
    process(j);
}

// The spawner closes only if it did not start the closing task.
void spawnerClosesOnTheOtherPath(bool ready) {
  auto jobs = csp::make_chan<int>(4);
  if (!ready) {
    jobs.close();
    return;
  }
  csp::go(produce, jobs, 1);
  for (int j : jobs)
    process(j);
}

// Each worker's inbox is a channel of its own, even though the member is
// one declaration.
struct Worker {
  csp::chan<int> inbox = csp::make_chan<int>(1);
};

void closeEveryInbox(std::vector<Worker> &workers) {
  for (Worker &w : workers)
    w.inbox.close();
}

void closeEveryInboxByIndex(std::vector<Worker> &workers) {
  for (std::size_t i = 0; i < workers.size(); ++i)
    workers[i].inbox.close();
}

void closeEveryInboxByIterator(std::vector<Worker> &workers) {
  for (auto it = workers.begin(); it != workers.end(); ++it)
    it->inbox.close();
}

struct Node {
  csp::chan<int> inbox = csp::make_chan<int>(1);
  Node *next = nullptr;
};

void closeAlongAList(Node *head) {
  for (Node *n = head; n; n = n->next)
    n->inbox.close();
}

void closeTwoWorkers(Worker &a, Worker &b) {
  a.inbox.close();
  b.inbox.close();
}

void twoTasksCloseTwoWorkers(Worker &a, Worker &b) {
  csp::go([&a] { a.inbox.close(); });
  csp::go([&b] { b.inbox.close(); });
}

// The same member function started on two objects.
class Splitter {
public:
  void finish() {
    out_.send(0);
    out_.close();
  }
  csp::chan<int> out_ = csp::make_chan<int>(1);
};

void finishTwoSplitters(Splitter &left, Splitter &right) {
  std::thread a(&Splitter::finish, &left);
  std::thread b(&Splitter::finish, &right);
  a.join();
  b.join();
}

// A function object closes its own copy's channel.
struct Announce {
  csp::chan<int> ready = csp::make_chan<int>();
  void operator()() const { ready.close(); }
};

void twoFunctionObjects() {
  csp::go(Announce{});
  csp::go(Announce{});
}

void suppressed() {
  auto done = csp::make_chan<int>();
  done.close();
  done.close(); // NOLINT(csp-double-close)
}

// A guard made from nullptr holds nothing: its deleter never runs, so the
// explicit close is the only one.
void nullGuardAndExplicitClose() {
  auto results = csp::make_chan<int>(1);
  auto guard = std::unique_ptr<int, std::function<void(int *)>>(
      nullptr, [results](int *) { results.close(); });
  results.send(1);
  results.close();
}

// The guard has closed the channel when its scope ended.
void closeAfterTheGuardsScope() {
  auto results = csp::make_chan<int>(1);
  {
    auto guard = std::unique_ptr<int, std::function<void(int *)>>(
        &guard_token, [results](int *) { results.close(); });
    results.send(1);
  }
  results.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'results' can be closed a second time here; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE-5]]:42: note: first closed here
}

// Closed on each branch, then once more after them.
void closedOnEveryBranchThenAgain(bool fast) {
  auto out = csp::make_chan<int>(1);
  if (fast)
    out.close();
  else
    shutdown(out);
  out.close();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: channel 'out' can be closed a second time here; the second close panics [csp-double-close]
  // CHECK-MESSAGES: :[[@LINE-5]]:5: note: first closed here
}
