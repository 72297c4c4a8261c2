// Unit tests of Drain.h: the values tasks send on a channel, its capacity,
// and the receives that take them.
#include "TestSupport.h"
#include "analysis/Drain.h"

namespace clang::tidy::csp {
namespace {

constexpr const char *Decls = R"cpp(
void use(int); bool more(); void elsewhere(csp::chan<int>);
namespace csp { template <class... C> void select(C &&...); int default_case(int); }
)cpp";

struct Fixture {
  Analysed A;
  const FunctionDecl *F = nullptr;
  explicit Fixture(llvm::StringRef Code) : A(analyse(std::string(Decls) + Code.str())) {
    F = function(A.AST->getASTContext(), "f");
    EXPECT_TRUE(F);
  }
  ConcurrencyModel &model() { return *A.Model; }
  /// f's local variable \p Name.
  const VarDecl *var(llvm::StringRef Name) {
    const auto *DS = first<DeclStmt>(F->getBody(), [&](const DeclStmt *D) {
      const auto *V = D->isSingleDecl() ? dyn_cast<VarDecl>(D->getSingleDecl()) : nullptr;
      return V && V->getName() == Name;
    });
    EXPECT_TRUE(DS) << Name.str();
    return DS ? cast<VarDecl>(DS->getSingleDecl()) : nullptr;
  }
  LocalChannel channel(llvm::StringRef Name = "results") {
    std::optional<LocalChannel> C = localChannel(model(), var(Name));
    EXPECT_TRUE(C) << Name.str();
    return C ? *C : LocalChannel();
  }
  /// The operation of f's facts at the first call to \p Call.
  const Op *op(llvm::StringRef Call) {
    const CallExpr *CE = callTo(F->getBody(), Call);
    for (const Op &O : model().factsOf(F).Ops)
      if (O.Site == CE)
        return &O;
    ADD_FAILURE() << Call.str();
    return nullptr;
  }
};

bool always(const Op &) { return true; }

TEST(DrainTest, ALocalChannelIsMadeHereAndKeptHere) {
  Fixture X(R"cpp(
    void f(csp::chan<int> param) {
      auto results = csp::make_chan<int>(4);
      auto shared = csp::make_chan<int>();
      elsewhere(shared);
      for (int i = 0; i < 2; ++i) { auto each = csp::make_chan<int>(); each.send(i); }
    }
  )cpp");
  LocalChannel C = X.channel();
  EXPECT_EQ(C.Capacity, 4u);
  EXPECT_TRUE(C.Once);
  EXPECT_EQ(C.Maker, X.F);
  EXPECT_FALSE(localChannel(X.model(), X.var("shared")));
  EXPECT_FALSE(X.channel("each").Once);
  EXPECT_FALSE(localChannel(X.model(), X.F->getParamDecl(0)));
}

TEST(DrainTest, AReturnedChannelAndTheCallsThatDropIt) {
  Fixture X(R"cpp(
    csp::chan<int> start() {
      auto out = csp::make_chan<int>();
      csp::go([out] { out.send(1); });
      return out;
    }
    void f() {
      start();
      auto kept = start();
      use(kept.recv());
      (void)start();
    }
  )cpp");
  const FunctionDecl *Start = function(X.A.AST->getASTContext(), "start");
  const auto *Out = cast<VarDecl>(first<DeclStmt>(Start->getBody())->getSingleDecl());
  EXPECT_FALSE(localChannel(X.model(), Out));
  std::optional<LocalChannel> C = localChannel(X.model(), Out, /*AllowReturned=*/true);
  ASSERT_TRUE(C);
  EXPECT_TRUE(C->Returned);
  EXPECT_EQ(C->Maker, Start);
  EXPECT_EQ(droppedCalls(X.model(), Start).size(), 2u);
}

TEST(DrainTest, TheTasksSendsAreCountedPerRunOfTheMaker) {
  Fixture X(R"cpp(
    void worker(csp::chan<int> out) { out.send(1); }
    void f() {
      auto results = csp::make_chan<int>();
      for (int i = 0; i < 3; ++i) csp::go([results] { results.send(1); results.send(2); });
      csp::go(worker, results);
      csp::go([results] { while (more()) results.send(3); });
    }
  )cpp");
  LocalChannel C = X.channel();
  llvm::SmallVector<const SpawnSite *, 4> Spawns = spawnsIn(X.model(), X.F);
  ASSERT_EQ(Spawns.size(), 3u);
  Sends Two = sendsOn(X.model(), C, llvm::ArrayRef(Spawns).take_front(2), always);
  EXPECT_EQ(Two.Sites.size(), 3u);
  EXPECT_TRUE(Two.Total.isConstant(7));
  Sends All = sendsOn(X.model(), C, Spawns, always);
  EXPECT_EQ(All.Sites.size(), 4u);
  EXPECT_FALSE(All.Total.known());
  Sends None = sendsOn(X.model(), C, Spawns, [](const Op &) { return false; });
  EXPECT_TRUE(None.Sites.empty());
  ASSERT_EQ(channelsSentOnBy(X.model(), Spawns).size(), 1u);
  EXPECT_EQ(channelsSentOnBy(X.model(), Spawns).front().Var, C.Var);
}

TEST(DrainTest, TheChannelsAPoolReceivesFromAndWhetherOnlyItDoes) {
  Fixture X(R"cpp(
    void drain(csp::chan<int> in) { for (int v : in) use(v); }
    void f() {
      auto jobs = csp::make_chan<int>();
      auto other = csp::make_chan<int>();
      for (int i = 0; i < 3; ++i) csp::go([jobs] { drain(jobs); });
      csp::go([other] { use(other.recv()); });
      csp::go([other] { use(other.recv()); });
    }
  )cpp");
  llvm::SmallVector<const SpawnSite *, 4> Spawns = spawnsIn(X.model(), X.F);
  ASSERT_EQ(Spawns.size(), 3u);
  llvm::ArrayRef<const SpawnSite *> Pool = llvm::ArrayRef(Spawns).take_front(1);
  ASSERT_EQ(channelsReceivedBy(X.model(), Pool).size(), 1u);
  EXPECT_EQ(channelsReceivedBy(X.model(), Pool).front().Var, X.var("jobs"));
  EXPECT_TRUE(receivedOnlyBy(X.model(), X.channel("jobs"), Pool));
  // The second receiver of `other` is not the first one's.
  EXPECT_FALSE(receivedOnlyBy(X.model(), X.channel("other"), llvm::ArrayRef(Spawns).slice(1, 1)));
  EXPECT_TRUE(receivedOnlyBy(X.model(), X.channel("other"), llvm::ArrayRef(Spawns).slice(1)));
  EXPECT_FALSE(receivedOnlyBy(X.model(), X.channel("jobs"), llvm::ArrayRef(Spawns).slice(1)));
}

TEST(DrainTest, WorkersForwardAsManyValuesAsTheirJobsCarry) {
  Fixture X(R"cpp(
    void f() {
      auto jobs = csp::make_chan<int>(5);
      auto results = csp::make_chan<int>();
      for (int w = 0; w < 3; ++w)
        csp::go([jobs, results] { for (int j : jobs) results.send(j); });
      for (int i = 0; i < 5; ++i) jobs.send(i);
      jobs.close();
    }
  )cpp");
  Sends S = sendsOn(X.model(), X.channel(), spawnsIn(X.model(), X.F), always);
  EXPECT_EQ(S.Sites.size(), 1u);
  EXPECT_TRUE(S.Total.isConstant(5));

  // The maker takes some jobs itself: how many reach the workers is unknown.
  Fixture Y(R"cpp(
    void f() {
      auto jobs = csp::make_chan<int>(5);
      auto results = csp::make_chan<int>();
      for (int w = 0; w < 3; ++w)
        csp::go([jobs, results] { for (int j : jobs) results.send(j); });
      for (int i = 0; i < 5; ++i) jobs.send(i);
      use(jobs.recv());
    }
  )cpp");
  EXPECT_FALSE(sendsOn(Y.model(), Y.channel(), spawnsIn(Y.model(), Y.F), always).Total.known());
}

TEST(DrainTest, ForAWaitGroupOnlySendsBeforeDoneCount) {
  Fixture X(R"cpp(
    void f() {
      auto results = csp::make_chan<int>();
      csp::wait_group wg;
      wg.add(2);
      csp::go([&wg, results] { results.send(1); wg.done(); });
      csp::go([&wg, results] { wg.done(); results.send(2); });
      wg.wait();
    }
  )cpp");
  LocalChannel C = X.channel();
  Sends S = sendsOn(X.model(), C, spawnsIn(X.model(), X.F), always, false, X.op("wait"));
  ASSERT_EQ(S.Sites.size(), 1u);
  EXPECT_EQ(S.Sites.front().Spawn, spawnsIn(X.model(), X.F).front());
}

TEST(DrainTest, ReceivesBeforeAndAfterAPoint) {
  Fixture X(R"cpp(
    void f() {
      auto results = csp::make_chan<int>();
      csp::wait_group wg;
      if (more()) use(results.recv());
      wg.wait();
      for (int r : results) use(r);
    }
  )cpp");
  LocalChannel C = X.channel();
  Receives R = receivesOf(X.model(), C);
  EXPECT_EQ(R.Own.size(), 2u);
  EXPECT_FALSE(R.Elsewhere);
  const Op *Wait = X.op("wait");
  const Op *Before = receivedBefore(X.model(), C, R, Wait->Site);
  ASSERT_TRUE(Before);
  EXPECT_EQ(Before->Kind, Role::ChannelReceive);
  const Op *After = receivedAfter(X.model(), C, R, Wait->Site);
  ASSERT_TRUE(After);
  EXPECT_EQ(After->Kind, Role::ChannelRange);
}

TEST(DrainTest, AnotherTasksReceiveIsElsewhere) {
  Fixture X(R"cpp(
    void f() {
      auto results = csp::make_chan<int>();
      csp::go([results] { for (int r : results) use(r); });
    }
  )cpp");
  Receives R = receivesOf(X.model(), X.channel());
  EXPECT_TRUE(R.Own.empty());
  EXPECT_TRUE(R.Elsewhere);

  // A lambda kept in a variable and called here receives for this body.
  Fixture Y(R"cpp(
    void f() {
      auto results = csp::make_chan<int>();
      auto helper = [&] { use(results.recv()); };
      helper();
    }
  )cpp");
  Receives H = receivesOf(Y.model(), Y.channel());
  EXPECT_FALSE(H.Own.empty());
  EXPECT_FALSE(H.Elsewhere);
}

TEST(DrainTest, WhatTheReceivesSurelyTake) {
  Fixture Counted(R"cpp(
    void f() {
      auto results = csp::make_chan<int>();
      for (int i = 0; i < 3; ++i) use(results.recv());
      use(results.recv());
    }
  )cpp");
  LocalChannel C = Counted.channel();
  Taken T = taken(Counted.model(), C, receivesOf(Counted.model(), C), always);
  EXPECT_FALSE(T.All);
  EXPECT_TRUE(T.AtLeast.isConstant(4));
  EXPECT_FALSE(T.Skippable);

  Fixture Maybe("void f() { auto results = csp::make_chan<int>(); if (more()) use(results.recv()); }");
  LocalChannel M = Maybe.channel();
  EXPECT_FALSE(taken(Maybe.model(), M, receivesOf(Maybe.model(), M), always).AtLeast.known());

  Fixture Range("void f() { auto results = csp::make_chan<int>(); for (int r : results) use(r); }");
  LocalChannel G = Range.channel();
  EXPECT_TRUE(taken(Range.model(), G, receivesOf(Range.model(), G), always).All);

  Fixture Select(R"cpp(
    void f() {
      auto results = csp::make_chan<int>();
      csp::select(csp::recv_case(results, [](int v) { use(v); }), csp::default_case(0));
    }
  )cpp");
  LocalChannel S = Select.channel();
  Taken U = taken(Select.model(), S, receivesOf(Select.model(), S), always);
  ASSERT_TRUE(U.Skippable);
  EXPECT_TRUE(U.AtLeast.isConstant(0));
}

} // namespace
} // namespace clang::tidy::csp
