// What a program sees when it fails: Go's messages and exit statuses for
// panics, deadlock and leaked tasks. Each test runs in a fresh process.
#include <csp/csp.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

using namespace std::chrono_literals;
using ::testing::ExitedWithCode;

namespace {

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

// Blocks main in the runtime without making it part of a deadlock check
// that a test does not mean: a task that never returns keeps it alive.
void park_main_beside_a_live_task() {
  csp::go([] {
    for (;;)
      csp::sleep(1h);
  });
  (void)csp::chan<int>().recv();
}

TEST_F(RuntimeDeathTest, SendOnClosedChannelPanics) {
  EXPECT_EXIT(as_main([] {
                auto c = csp::make_chan<int>(1);
                c.close();
                c.send(1);
              }),
              ExitedWithCode(2), "^panic: send on closed channel\n");
}

TEST_F(RuntimeDeathTest, CloseOfClosedChannelPanics) {
  EXPECT_EXIT(as_main([] {
                auto c = csp::make_chan<int>();
                c.close();
                c.close();
              }),
              ExitedWithCode(2), "^panic: close of closed channel\n");
}

TEST_F(RuntimeDeathTest, CloseOfNilChannelPanics) {
  EXPECT_EXIT(as_main([] { csp::chan<int>().close(); }), ExitedWithCode(2),
              "^panic: close of nil channel\n");
}

TEST_F(RuntimeDeathTest, NegativeWaitGroupCounterPanics) {
  EXPECT_EXIT(as_main([] { csp::wait_group().done(); }), ExitedWithCode(2),
              "^panic: sync: negative WaitGroup counter\n");
}

TEST_F(RuntimeDeathTest, ExceptionEscapingMainPanics) {
  EXPECT_EXIT(as_main([] { throw std::runtime_error("config missing"); }),
              ExitedWithCode(2), "^panic: config missing\n");
}

TEST_F(RuntimeDeathTest, PanicEscapingATaskEndsTheProcess) {
  EXPECT_EXIT(
      {
        csp::go([] { csp::panic("seven is bad"); });
        park_main_beside_a_live_task();
      },
      ExitedWithCode(2), "^panic: seven is bad\n");
}

TEST_F(RuntimeDeathTest, AnyExceptionEscapingATaskEndsTheProcess) {
  EXPECT_EXIT(
      {
        csp::go([] { throw std::runtime_error("disk full"); });
        park_main_beside_a_live_task();
      },
      ExitedWithCode(2), "^panic: disk full\n");
}

TEST_F(RuntimeDeathTest, AllBlockedIsADeadlock) {
  EXPECT_EXIT(
      {
        auto c = csp::make_chan<int>();
        csp::go([c] { (void)c.recv(); });
        (void)c.recv();
      },
      ExitedWithCode(2),
      "^fatal error: all goroutines are asleep - deadlock!\n\n"
      "  task #1 \\(main\\) blocked in chan receive at .*FailureTest.cpp:[0-9]+\n"
      "  task #2 blocked in chan receive at .*FailureTest.cpp:[0-9]+\n");
}

TEST_F(RuntimeDeathTest, WaitGroupWaitCanDeadlock) {
  EXPECT_EXIT(
      {
        csp::wait_group wg;
        wg.add(1);
        wg.wait();
      },
      ExitedWithCode(2), "deadlock!\n\n  task #1 \\(main\\) blocked in wait_group.wait");
}

TEST_F(RuntimeDeathTest, SelectWithoutDefaultCanDeadlock) {
  EXPECT_EXIT(
      {
        auto a = csp::make_chan<int>();
        auto b = csp::make_chan<int>();
        csp::select(csp::recv_case(a, [] {}), csp::send_case(b, 1, [] {}));
      },
      ExitedWithCode(2), "deadlock!\n\n  task #1 \\(main\\) blocked in select at .*FailureTest.cpp");
}

TEST_F(RuntimeDeathTest, EmptySelectBlocksForever) {
  EXPECT_EXIT(csp::select(), ExitedWithCode(2),
              "blocked in select \\(no cases\\) at .*FailureTest.cpp");
}

TEST_F(RuntimeDeathTest, SemaphoreAcquireCanDeadlock) {
  EXPECT_EXIT(
      {
        csp::semaphore sem(1);
        (void)sem.acquire(csp::background(), 1);
        (void)sem.acquire(csp::background(), 1);
      },
      ExitedWithCode(2), "deadlock!\n\n  task #1 \\(main\\) blocked in semaphore.acquire");
}

TEST_F(RuntimeDeathTest, NilChannelBlocksForever) {
  EXPECT_EXIT((void)csp::chan<int>().recv(), ExitedWithCode(2),
              "blocked in chan receive \\(nil chan\\)");
  EXPECT_EXIT(csp::chan<int>().send(1), ExitedWithCode(2),
              "blocked in chan send \\(nil chan\\)");
}

TEST_F(RuntimeDeathTest, LastRunningTaskReturningIsADeadlock) {
  EXPECT_EXIT(
      {
        auto c = csp::make_chan<int>();
        csp::go([] { csp::sleep(20ms); }); // returns without sending
        (void)c.recv();
      },
      ExitedWithCode(2), "^fatal error: all goroutines are asleep - deadlock!\n");
}

TEST_F(RuntimeDeathTest, SleepingTaskIsNotADeadlock) {
  EXPECT_EXIT(
      {
        auto c = csp::make_chan<int>();
        csp::go([c] {
          csp::sleep(50ms);
          c.send(1);
        });
        std::exit(c.recv() == 1 ? 0 : 1);
      },
      ExitedWithCode(0), "");
}

TEST_F(RuntimeDeathTest, ComputingTaskIsNotADeadlock) {
  EXPECT_EXIT(
      {
        auto c = csp::make_chan<long>();
        csp::go([c] {
          long sum = 0;
          auto until = std::chrono::steady_clock::now() + 50ms;
          while (std::chrono::steady_clock::now() < until)
            ++sum;
          c.send(sum);
        });
        std::exit(c.recv() > 0 ? 0 : 1);
      },
      ExitedWithCode(0), "");
}

TEST_F(RuntimeDeathTest, PendingTimeoutIsNotADeadlock) {
  EXPECT_EXIT(
      {
        auto ctx = csp::with_timeout(csp::background(), 30ms).first;
        (void)ctx.done().recv_ok();
        std::exit(ctx.err() ? 0 : 1);
      },
      ExitedWithCode(0), "");
}

TEST_F(RuntimeDeathTest, LeakCheckListsBlockedTasks) {
  EXPECT_EXIT(
      {
        setenv("CSP_LEAKCHECK", "1", 1);
        auto c = csp::make_chan<int>();
        csp::go([c] { (void)c.recv(); });
        csp::go([c] { c.send(1); c.send(2); });
        csp::sleep(10ms);
        std::exit(0);
      },
      ExitedWithCode(3),
      "^csp: 1 leaked task\\(s\\) when main returned:\n"
      "  task #3 blocked in chan send at .*FailureTest.cpp:[0-9]+\n");
}

TEST_F(RuntimeDeathTest, LeakCheckListsSleepersWithoutWaitingForThem) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_EXIT(
      {
        setenv("CSP_LEAKCHECK", "1", 1);
        csp::go([] { csp::sleep(1h); });
        std::exit(0);
      },
      ExitedWithCode(3), "  task #2 sleeping\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(RuntimeDeathTest, LeakCheckPassesWhenEveryTaskHasReturned) {
  EXPECT_EXIT(
      {
        setenv("CSP_LEAKCHECK", "1", 1);
        csp::wait_group wg;
        for (int i = 0; i < 4; ++i) {
          wg.add(1);
          csp::go([&wg] { wg.done(); });
        }
        wg.wait();
        std::exit(0);
      },
      ExitedWithCode(0), "");
}

TEST_F(RuntimeDeathTest, ReturningWithBlockedTasksExitsPromptly) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_EXIT(
      {
        unsetenv("CSP_LEAKCHECK");
        auto c = csp::make_chan<int>();
        for (int i = 0; i < 4; ++i)
          csp::go([c] { (void)c.recv(); });
        csp::go([] { csp::sleep(1h); });
        std::exit(0);
      },
      ExitedWithCode(0), "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

} // namespace
