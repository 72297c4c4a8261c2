// Unit tests of the csp runtime: every primitive, every failure message and
// exit status.
#include <csp/csp.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <set>

using namespace std::chrono_literals;

namespace {

TEST(ChanTest, BufferedKeepsOrderAndReportsLenAndCap) {
  auto c = csp::make_chan<int>(3);
  c.send(1);
  c.send(2);
  EXPECT_EQ(c.len(), 2u);
  EXPECT_EQ(c.cap(), 3u);
  EXPECT_EQ(c.recv(), 1);
  EXPECT_EQ(c.recv(), 2);
}

TEST(ChanTest, UnbufferedHandsOverBetweenTasks) {
  auto c = csp::make_chan<std::string>();
  csp::go([c] { c.send("hello"); });
  EXPECT_EQ(c.recv(), "hello");
}

TEST(ChanTest, ClosedChannelDrainsThenGivesZeroAndNotOk) {
  auto c = csp::make_chan<int>(2);
  c.send(7);
  c.close();
  auto [v, ok] = c.recv_ok();
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(ok);
  auto second = c.recv_ok();
  EXPECT_EQ(second.value, 0);
  EXPECT_FALSE(second.ok);
  EXPECT_EQ(c.recv(), 0);
}

TEST(ChanTest, RangeEndsWhenClosedAndDrained) {
  auto c = csp::make_chan<int>();
  csp::go([c] {
    for (int i = 1; i <= 4; ++i)
      c.send(i);
    c.close();
  });
  int sum = 0;
  for (int v : c)
    sum += v;
  EXPECT_EQ(sum, 10);
}

TEST(ChanTest, DirectionalViewsShareTheChannel) {
  auto c = csp::make_chan<int>(1);
  csp::send_chan<int> out = c;
  csp::recv_chan<int> in = c;
  out.send(5);
  EXPECT_EQ(in.recv(), 5);
  out.close();
  EXPECT_FALSE(in.recv_ok().ok);
}

TEST(ChanTest, CloseWakesBlockedReceivers) {
  auto c = csp::make_chan<int>();
  auto done = csp::make_chan<bool>(2);
  for (int i = 0; i < 2; ++i)
    csp::go([c, done] { done.send(c.recv_ok().ok); });
  csp::sleep(10ms);
  c.close();
  EXPECT_FALSE(done.recv());
  EXPECT_FALSE(done.recv());
}

TEST(SelectTest, PicksEveryReadyCaseOverManyRuns) {
  auto a = csp::make_chan<int>(1), b = csp::make_chan<int>(1);
  std::set<char> seen;
  for (int i = 0; i < 200 && seen.size() < 2; ++i) {
    a.send(1);
    b.send(2);
    csp::select(csp::recv_case(a, [&](int) { seen.insert('a'); }),
                csp::recv_case(b, [&](int) { seen.insert('b'); }));
    // Drain whichever was not chosen.
    csp::select(csp::recv_case(a, [](int) {}), csp::recv_case(b, [](int) {}));
  }
  EXPECT_EQ(seen, (std::set<char>{'a', 'b'}));
}

TEST(SelectTest, DefaultRunsWhenNothingIsReady) {
  auto c = csp::make_chan<int>();
  bool defaulted = false;
  csp::select(csp::recv_case(c, [](int) {}),
              csp::default_case([&] { defaulted = true; }));
  EXPECT_TRUE(defaulted);
}

TEST(SelectTest, HandlersSeeValueAndOk) {
  auto c = csp::make_chan<int>(1);
  c.send(3);
  c.close();
  int got = -1;
  bool ok = true;
  csp::select(csp::recv_case(c, [&](int v, bool o) { got = v, ok = o; }));
  EXPECT_EQ(got, 3);
  EXPECT_TRUE(ok);
  csp::select(csp::recv_case(c, [&](int v, bool o) { got = v, ok = o; }));
  EXPECT_EQ(got, 0);
  EXPECT_FALSE(ok);
}

TEST(SelectTest, BlocksUntilASendCaseCanProceed) {
  auto c = csp::make_chan<int>();
  bool sent = false;
  csp::go([c] {
    csp::sleep(5ms);
    (void)c.recv();
  });
  csp::select(csp::send_case(c, 9, [&] { sent = true; }));
  EXPECT_TRUE(sent);
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

TEST(ContextTest, CancelClosesDoneAndSetsErr) {
  auto [ctx, cancel] = csp::with_cancel(csp::background());
  EXPECT_FALSE(ctx.err());
  cancel();
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

TEST(ContextTest, WithTimeoutFires) {
  auto start = std::chrono::steady_clock::now();
  auto [ctx, cancel] = csp::with_timeout(csp::background(), 20ms);
  (void)ctx.done().recv_ok();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
  EXPECT_EQ(ctx.err().message(), "context deadline exceeded");
  cancel();
}

TEST(ErrgroupTest, WaitReturnsTheFirstErrorAndCancelsTheContext) {
  auto [g, ctx] = csp::errgroup_with_context(csp::background());
  g.go([] { return csp::error("first"); });
  g.go([ctx = ctx] {
    (void)ctx.done().recv_ok(); // returns once the first error cancels
    return csp::error();
  });
  EXPECT_EQ(g.wait().message(), "first");
  EXPECT_TRUE(ctx.err());
}

TEST(ErrgroupTest, LimitBoundsConcurrency) {
  csp::errgroup g;
  g.set_limit(2);
  std::atomic<int> running{0}, peak{0};
  for (int i = 0; i < 10; ++i)
    g.go([&] {
      int now = ++running;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      csp::sleep(2ms);
      --running;
      return csp::error();
    });
  EXPECT_FALSE(g.wait());
  EXPECT_LE(peak.load(), 2);
  EXPECT_GE(peak.load(), 1);
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

TEST(SemaphoreTest, AcquireReturnsTheContextErrorWhenCancelled) {
  csp::semaphore sem(1);
  EXPECT_TRUE(sem.try_acquire(1));
  auto [ctx, cancel] = csp::with_timeout(csp::background(), 10ms);
  EXPECT_EQ(sem.acquire(ctx, 1).message(), "context deadline exceeded");
  cancel();
  sem.release(1);
}

TEST(TaskTest, NumTasksCountsMainAndLiveTasks) {
  auto gate = csp::make_chan<int>();
  auto before = csp::num_tasks();
  csp::go([gate] { (void)gate.recv(); });
  EXPECT_EQ(csp::num_tasks(), before + 1);
  gate.close();
}

// ---- failures: Go's messages and exit statuses ---------------------------

// Each death test re-runs the binary for just that test: a fork of this
// process would inherit the runtime's state without its threads.
class RuntimeDeathTest : public ::testing::Test {
protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

// GoogleTest catches what escapes a death test's statement; this lets it
// escape as it would from main, into the runtime's terminate handler.
template <class F> void as_main(F body) {
  try {
    body();
  } catch (...) {
    std::terminate();
  }
}

TEST_F(RuntimeDeathTest, SendOnClosedChannelPanics) {
  EXPECT_EXIT(as_main([] {
                auto c = csp::make_chan<int>(1);
                c.close();
                c.send(1);
              }),
      ::testing::ExitedWithCode(2), "^panic: send on closed channel\n");
}

TEST_F(RuntimeDeathTest, CloseOfClosedChannelPanics) {
  EXPECT_EXIT(as_main([] {
                auto c = csp::make_chan<int>();
                c.close();
                c.close();
              }),
      ::testing::ExitedWithCode(2), "^panic: close of closed channel\n");
}

TEST_F(RuntimeDeathTest, CloseOfNilChannelPanics) {
  EXPECT_EXIT(as_main([] { csp::chan<int>().close(); }), ::testing::ExitedWithCode(2),
              "^panic: close of nil channel\n");
}

TEST_F(RuntimeDeathTest, NegativeWaitGroupCounterPanics) {
  EXPECT_EXIT(as_main([] { csp::wait_group().done(); }), ::testing::ExitedWithCode(2),
              "^panic: sync: negative WaitGroup counter\n");
}

TEST_F(RuntimeDeathTest, ExceptionEscapingATaskPanics) {
  EXPECT_EXIT(
      {
        csp::go([] { csp::panic("seven is bad"); });
        csp::sleep(1s);
      },
      ::testing::ExitedWithCode(2), "^panic: seven is bad\n");
}

TEST_F(RuntimeDeathTest, AllBlockedIsADeadlock) {
  EXPECT_EXIT(
      {
        auto c = csp::make_chan<int>();
        csp::go([c] { (void)c.recv(); });
        (void)c.recv();
      },
      ::testing::ExitedWithCode(2),
      "^fatal error: all goroutines are asleep - deadlock!\n");
}

TEST_F(RuntimeDeathTest, NilChannelBlocksForever) {
  EXPECT_EXIT((void)csp::chan<int>().recv(), ::testing::ExitedWithCode(2),
              "deadlock!");
}

TEST_F(RuntimeDeathTest, SleepersAndComputersAreNotDeadlocked) {
  EXPECT_EXIT(
      {
        auto c = csp::make_chan<int>();
        csp::go([c] {
          csp::sleep(50ms);
          volatile long spin = 0;
          for (long i = 0; i < 10'000'000; ++i)
            spin += i;
          c.send(1);
        });
        std::exit(c.recv() == 1 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(RuntimeDeathTest, LeakCheckListsBlockedTasks) {
  EXPECT_EXIT(
      {
        setenv("CSP_LEAKCHECK", "1", 1);
        auto c = csp::make_chan<int>();
        csp::go([c] { (void)c.recv(); });
        csp::sleep(10ms);
        std::exit(0);
      },
      ::testing::ExitedWithCode(3),
      "csp: 1 leaked task\\(s\\) when main returned:\n  task #[0-9]+ "
      "blocked in chan receive at .*RuntimeTest.cpp:[0-9]+");
}

TEST_F(RuntimeDeathTest, ReturningWithBlockedTasksExitsPromptly) {
  EXPECT_EXIT(
      {
        unsetenv("CSP_LEAKCHECK");
        auto c = csp::make_chan<int>();
        for (int i = 0; i < 4; ++i)
          csp::go([c] { (void)c.recv(); });
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

} // namespace
