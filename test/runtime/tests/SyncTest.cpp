// Tasks, wait groups, contexts, errgroup and the semaphore.
#include <csp/csp.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

using namespace std::chrono_literals;

namespace {

/// Tasks of earlier tests may still be returning; counts are only
/// meaningful once they have.
void wait_for_other_tasks_to_end() {
  while (csp::num_tasks() > 1)
    csp::sleep(1ms);
}

/// Raises `peak` to `now` if it is higher.
void record_peak(std::atomic<int> &peak, int now) {
  int seen = peak.load();
  while (now > seen && !peak.compare_exchange_weak(seen, now)) {
  }
}

TEST(TaskTest, NumTasksCountsMainAndLiveTasks) {
  wait_for_other_tasks_to_end();
  EXPECT_EQ(csp::num_tasks(), 1u);
  auto gate = csp::make_chan<int>();
  csp::go([gate] { (void)gate.recv(); });
  csp::go([gate] { (void)gate.recv(); });
  EXPECT_EQ(csp::num_tasks(), 3u);
  gate.close();
  wait_for_other_tasks_to_end();
  EXPECT_EQ(csp::num_tasks(), 1u);
}

TEST(TaskTest, GoCopiesItsArgumentsWhenItStarts) {
  auto got = csp::make_chan<std::string>();
  std::string name = "first";
  csp::go([got](const std::string &n) { got.send(n); }, name);
  name = "changed";
  EXPECT_EQ(got.recv(), "first");
}

TEST(TaskTest, StdThreadsAreCountedWhileTheyBlock) {
  // A thread the runtime did not start blocks while main sleeps: that is
  // not a deadlock, since main is running.
  auto c = csp::make_chan<int>();
  std::thread t([c] { (void)c.recv(); });
  csp::sleep(20ms);
  c.send(1);
  t.join();
}

TEST(WaitGroupTest, WaitReturnsAfterEveryDone) {
  csp::wait_group wg;
  std::atomic<int> finished{0};
  for (int i = 0; i < 8; ++i) {
    wg.add(1);
    csp::go([&] {
      csp::sleep(1ms);
      ++finished;
      wg.done();
    });
  }
  wg.wait();
  EXPECT_EQ(finished.load(), 8);
}

TEST(WaitGroupTest, WaitWithZeroCounterReturnsAtOnce) {
  csp::wait_group wg;
  wg.wait();
  wg.add(2);
  wg.add(-2);
  wg.wait();
}

TEST(WaitGroupTest, NegativeCounterThrowsAPanic) {
  csp::wait_group wg;
  wg.add(1);
  try {
    wg.add(-2);
    FAIL() << "negative counter accepted";
  } catch (const csp::panic_error &e) {
    EXPECT_STREQ(e.what(), "sync: negative WaitGroup counter");
  }
}

TEST(ContextTest, BackgroundIsNeverDone) {
  auto ctx = csp::background();
  EXPECT_FALSE(ctx.err());
  bool defaulted = false;
  csp::select(csp::recv_case(ctx.done(), [] {}), csp::default_case([&] { defaulted = true; }));
  EXPECT_TRUE(defaulted);
}

TEST(ContextTest, CancelClosesDoneAndSetsErr) {
  auto [ctx, cancel] = csp::with_cancel(csp::background());
  EXPECT_FALSE(ctx.err());
  cancel();
  cancel(); // idempotent
  EXPECT_FALSE(ctx.done().recv_ok().ok);
  EXPECT_EQ(ctx.err().message(), "context canceled");
}

TEST(ContextTest, CancellingTheParentCancelsTheChild) {
  auto [parent, cancel] = csp::with_cancel(csp::background());
  auto [child, cancel_child] = csp::with_cancel(parent);
  cancel();
  EXPECT_FALSE(child.done().recv_ok().ok);
  EXPECT_EQ(child.err().message(), "context canceled");
  cancel_child();
}

TEST(ContextTest, CancellingTheChildLeavesTheParent) {
  auto [parent, cancel] = csp::with_cancel(csp::background());
  auto [child, cancel_child] = csp::with_cancel(parent);
  cancel_child();
  EXPECT_TRUE(child.err());
  EXPECT_FALSE(parent.err());
  cancel();
}

TEST(ContextTest, ChildOfAnEndedContextStartsEnded) {
  auto [parent, cancel] = csp::with_cancel(csp::background());
  cancel();
  auto [child, cancel_child] = csp::with_cancel(parent);
  EXPECT_EQ(child.err().message(), "context canceled");
  cancel_child();
}

TEST(ContextTest, WithTimeoutFires) {
  auto start = std::chrono::steady_clock::now();
  auto [ctx, cancel] = csp::with_timeout(csp::background(), 20ms);
  (void)ctx.done().recv_ok();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
  EXPECT_EQ(ctx.err().message(), "context deadline exceeded");
  cancel();
  EXPECT_EQ(ctx.err().message(), "context deadline exceeded");
}

TEST(ContextTest, CancelBeforeTheDeadlineWins) {
  auto [ctx, cancel] = csp::with_timeout(csp::background(), 1h);
  cancel();
  EXPECT_FALSE(ctx.done().recv_ok().ok);
  EXPECT_EQ(ctx.err().message(), "context canceled");
}

TEST(ErrorTest, IsAValue) {
  csp::error none;
  EXPECT_FALSE(none);
  EXPECT_EQ(none.message(), "");
  csp::error e("disk full");
  EXPECT_TRUE(e);
  EXPECT_EQ(e.message(), "disk full");
  EXPECT_EQ(e, csp::error("disk full"));
  EXPECT_EQ(csp::canceled().message(), "context canceled");
  EXPECT_EQ(csp::deadline_exceeded().message(), "context deadline exceeded");
}

TEST(ErrgroupTest, WaitReturnsNoErrorWhenEveryTaskSucceeds) {
  csp::errgroup g;
  std::atomic<int> ran{0};
  for (int i = 0; i < 5; ++i)
    g.go([&] {
      ++ran;
      return csp::error();
    });
  EXPECT_FALSE(g.wait());
  EXPECT_EQ(ran.load(), 5);
}

TEST(ErrgroupTest, FirstErrorIsReturnedAndCancelsTheContext) {
  auto [g, ctx] = csp::errgroup_with_context(csp::background());
  g.go([] { return csp::error("first"); });
  g.go([ctx = ctx] {
    (void)ctx.done().recv_ok(); // returns once the first error cancels
    return csp::error("second");
  });
  EXPECT_EQ(g.wait().message(), "first");
  EXPECT_EQ(ctx.err().message(), "context canceled");
}

TEST(ErrgroupTest, WaitEndsTheContextEvenWithoutError) {
  auto [g, ctx] = csp::errgroup_with_context(csp::background());
  g.go([] { return csp::error(); });
  EXPECT_FALSE(g.wait());
  EXPECT_EQ(ctx.err().message(), "context canceled");
}

TEST(ErrgroupTest, LimitBoundsConcurrency) {
  csp::errgroup g;
  g.set_limit(2);
  auto gate = csp::make_chan<std::monostate>();
  auto started = csp::make_chan<int>(10);
  auto spawned = csp::make_chan<std::monostate>();
  std::atomic<int> running{0}, peak{0};
  // go() blocks at the limit, so the tasks are started from another task.
  csp::go([g, gate, started, spawned, &running, &peak]() mutable {
    for (int i = 0; i < 6; ++i)
      g.go([gate, started, i, &running, &peak] {
        record_peak(peak, ++running);
        started.send(i);
        (void)gate.recv_ok();
        --running;
        return csp::error();
      });
    spawned.close();
  });
  (void)started.recv();
  (void)started.recv();
  csp::sleep(20ms);
  EXPECT_EQ(started.len(), 0u) << "a third task started while two held the limit";
  gate.close();
  (void)spawned.recv_ok();
  EXPECT_FALSE(g.wait());
  EXPECT_EQ(peak.load(), 2);
}

TEST(ErrgroupTest, ChangingTheLimitWhileTasksRunPanics) {
  csp::errgroup g;
  g.set_limit(1);
  auto gate = csp::make_chan<std::monostate>();
  g.go([gate] {
    (void)gate.recv_ok();
    return csp::error();
  });
  EXPECT_THROW(g.set_limit(3), csp::panic_error);
  gate.close();
  EXPECT_FALSE(g.wait());
  g.set_limit(-1); // no limit, and nothing runs now
}

TEST(SemaphoreTest, WeightsBoundWhatIsHeld) {
  csp::semaphore sem(3);
  auto ctx = csp::background();
  EXPECT_FALSE(sem.acquire(ctx, 2));
  EXPECT_FALSE(sem.try_acquire(2));
  EXPECT_TRUE(sem.try_acquire(1));
  auto acquired = csp::make_chan<bool>(1);
  csp::go([&sem, ctx, acquired] { acquired.send(!sem.acquire(ctx, 3)); });
  csp::sleep(5ms);
  EXPECT_EQ(acquired.len(), 0u) << "3 more do not fit until both are released";
  sem.release(2);
  sem.release(1);
  EXPECT_TRUE(acquired.recv());
  sem.release(3);
}

TEST(SemaphoreTest, WaitersAreServedInOrder) {
  csp::semaphore sem(2);
  auto ctx = csp::background();
  EXPECT_TRUE(sem.try_acquire(1));
  auto order = csp::make_chan<int>(2);
  csp::wait_group wg;
  auto request = [&](int weight) {
    wg.add(1);
    csp::go([&, weight] {
      (void)sem.acquire(ctx, weight);
      order.send(weight);
      sem.release(weight);
      wg.done();
    });
  };
  request(2);
  while (sem.try_acquire(0)) // fails only once somebody is queued
    csp::sleep(1ms);
  EXPECT_FALSE(sem.try_acquire(1)) << "a smaller request overtook a queued one";
  request(1);
  sem.release(1);
  wg.wait();
  EXPECT_EQ(order.recv(), 2);
  EXPECT_EQ(order.recv(), 1);
}

TEST(SemaphoreTest, AcquireReturnsTheContextErrorWhenItEnds) {
  csp::semaphore sem(1);
  EXPECT_TRUE(sem.try_acquire(1));
  auto [ctx, cancel] = csp::with_timeout(csp::background(), 10ms);
  EXPECT_EQ(sem.acquire(ctx, 1).message(), "context deadline exceeded");
  cancel();
  sem.release(1);
  EXPECT_TRUE(sem.try_acquire(1)) << "the abandoned request holds nothing";
}

TEST(SemaphoreTest, ReleaseDoesNotGrantAWaiterWhoseContextEnded) {
  csp::semaphore sem(1);
  EXPECT_TRUE(sem.try_acquire(1));
  auto [ctx, cancel] = csp::with_cancel(csp::background());
  auto result = csp::make_chan<std::string>(1);
  csp::go([&sem, ctx, result] { result.send(sem.acquire(ctx, 1).message()); });
  while (sem.try_acquire(0)) // until the request is queued
    csp::sleep(1ms);
  cancel();
  sem.release(1); // most likely before the cancelled waiter has run again
  EXPECT_EQ(result.recv(), "context canceled");
  EXPECT_TRUE(sem.try_acquire(1)) << "the cancelled request kept capacity";
}

TEST(SemaphoreTest, EndedContextFailsEvenWithRoomLeft) {
  csp::semaphore sem(5);
  auto [ctx, cancel] = csp::with_cancel(csp::background());
  cancel();
  EXPECT_EQ(sem.acquire(ctx, 1).message(), "context canceled");
  EXPECT_TRUE(sem.try_acquire(5));
}

TEST(SemaphoreTest, RequestLargerThanTheSemaphoreHoldsNobodyUp) {
  csp::semaphore sem(2);
  auto [ctx, cancel] = csp::with_cancel(csp::background());
  auto result = csp::make_chan<std::string>(1);
  csp::go([&sem, ctx, result] { result.send(sem.acquire(ctx, 3).message()); });
  csp::sleep(10ms);
  EXPECT_TRUE(sem.try_acquire(2));
  cancel();
  EXPECT_EQ(result.recv(), "context canceled");
  sem.release(2);
}

TEST(SemaphoreTest, ReleasingMoreThanHeldThrowsAPanic) {
  csp::semaphore sem(1);
  EXPECT_THROW(sem.release(1), csp::panic_error);
}

} // namespace
