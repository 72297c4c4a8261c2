// Channels and select.
#include <csp/csp.hpp>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <string>

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
  EXPECT_EQ(c.len(), 0u);
}

TEST(ChanTest, UnbufferedHandsOverBetweenTasks) {
  auto c = csp::make_chan<std::string>();
  csp::go([c] { c.send("hello"); });
  EXPECT_EQ(c.recv(), "hello");
}

TEST(ChanTest, UnbufferedSendWaitsForAReceiver) {
  auto c = csp::make_chan<int>();
  auto sent = csp::make_chan<std::monostate>(1);
  csp::go([c, sent] {
    c.send(1);
    sent.send({});
  });
  csp::sleep(20ms);
  EXPECT_EQ(sent.len(), 0u);
  EXPECT_EQ(c.recv(), 1);
  EXPECT_TRUE(sent.recv_ok().ok);
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
  EXPECT_TRUE(out == c);
  out.send(5);
  EXPECT_EQ(in.recv(), 5);
  out.close();
  EXPECT_FALSE(in.recv_ok().ok);
}

TEST(ChanTest, NilChannelHasNoLengthOrCapacity) {
  csp::chan<int> nil;
  EXPECT_FALSE(nil);
  EXPECT_EQ(nil.len(), 0u);
  EXPECT_EQ(nil.cap(), 0u);
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

TEST(ChanTest, SendOnClosedChannelThrowsAPanic) {
  auto c = csp::make_chan<int>(1);
  c.close();
  try {
    c.send(1);
    FAIL() << "send on a closed channel returned";
  } catch (const csp::panic_error &e) {
    EXPECT_STREQ(e.what(), "send on closed channel");
  }
}

TEST(ChanTest, CloseWakesABlockedSenderWithAPanic) {
  auto c = csp::make_chan<int>();
  auto report = csp::make_chan<std::string>(1);
  csp::go([c, report] {
    try {
      c.send(1);
      report.send("sent");
    } catch (const csp::panic_error &e) {
      report.send(e.what());
    }
  });
  csp::sleep(10ms);
  c.close();
  EXPECT_EQ(report.recv(), "send on closed channel");
}

TEST(SelectTest, PicksEachReadyCaseUniformly) {
  std::array<csp::chan<int>, 3> chans = {csp::make_chan<int>(1), csp::make_chan<int>(1),
                                         csp::make_chan<int>(1)};
  for (auto &c : chans)
    c.send(0);
  std::array<int, 3> picked{};
  constexpr int runs = 3000;
  for (int i = 0; i < runs; ++i) {
    int chosen = -1;
    csp::select(csp::recv_case(chans[0], [&] { chosen = 0; }),
                csp::recv_case(chans[1], [&] { chosen = 1; }),
                csp::recv_case(chans[2], [&] { chosen = 2; }));
    ++picked[chosen];
    chans[chosen].send(0); // every case stays ready
  }
  for (int n : picked) {
    EXPECT_GT(n, runs / 3 - 200);
    EXPECT_LT(n, runs / 3 + 200);
  }
}

TEST(SelectTest, DefaultRunsOnlyWhenNothingIsReady) {
  auto c = csp::make_chan<int>(1);
  bool defaulted = false;
  csp::select(csp::recv_case(c, [](int) {}), csp::default_case([&] { defaulted = true; }));
  EXPECT_TRUE(defaulted);
  c.send(4);
  int got = 0;
  csp::select(csp::recv_case(c, [&](int v) { got = v; }),
              csp::default_case([] { FAIL() << "default taken with a ready case"; }));
  EXPECT_EQ(got, 4);
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

TEST(SelectTest, WakesForTheChannelThatBecomesReady) {
  auto a = csp::make_chan<int>(), b = csp::make_chan<int>();
  csp::go([b] { b.send(2); });
  int got = 0;
  csp::select(csp::recv_case(a, [&](int) { got = 1; }),
              csp::recv_case(b, [&](int v) { got = v; }));
  EXPECT_EQ(got, 2);
  // The parked case on `a` was withdrawn: a plain receive gets the next send.
  csp::go([a] { a.send(5); });
  EXPECT_EQ(a.recv(), 5);
}

TEST(SelectTest, NilChannelCaseIsNeverReady) {
  csp::chan<int> nil;
  bool defaulted = false;
  csp::select(csp::recv_case(nil, [](int) {}), csp::send_case(nil, 1, [] {}),
              csp::default_case([&] { defaulted = true; }));
  EXPECT_TRUE(defaulted);
}

TEST(SelectTest, SendCaseOnClosedChannelThrowsAPanic) {
  auto c = csp::make_chan<int>(1);
  c.close();
  EXPECT_THROW(csp::select(csp::send_case(c, 1, [] {})), csp::panic_error);
}

} // namespace
