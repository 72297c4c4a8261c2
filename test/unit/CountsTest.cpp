// Unit tests of Counts.h: trip counts, how often a statement runs, and the
// totals built on them.
#include "TestSupport.h"
#include "analysis/BodyFlow.h"
#include "analysis/Counts.h"

namespace clang::tidy::csp {
namespace {

constexpr const char *Decls = R"cpp(
void work() {} void use(); bool more(); int n();
namespace std {
template <class E> class initializer_list {
  const E *b; unsigned long n;
public: const E *begin() const { return b; } const E *end() const { return b + n; }
};
template <class T, unsigned long N> struct array { T *begin(); T *end(); T v[N]; };
template <class C> unsigned long size(const C &); }
struct DoneGuard { csp::wait_group &wg; ~DoneGuard(); };
struct Jobs { unsigned long size() const; int *begin(); int *end(); };
struct Pool { template <class F> void submit(F) {} };
)cpp";

struct Fixture {
  Analysed A;
  const FunctionDecl *F = nullptr;
  explicit Fixture(llvm::StringRef Code) : A(analyse(std::string(Decls) + Code.str())) {
    F = function(A.AST->getASTContext(), "f");
    EXPECT_TRUE(F);
  }
  ASTContext &ctx() { return A.AST->getASTContext(); }
  /// The trip count of f's first loop.
  Count trips() {
    const Stmt *Loop = first<Stmt>(F->getBody(), [](const Stmt *S) {
      return isa<ForStmt, CXXForRangeStmt, WhileStmt, DoStmt>(S);
    });
    EXPECT_TRUE(Loop);
    return tripCount(ctx(), Loop);
  }
  /// How often the first call to \p Call in f runs.
  Count runs(llvm::StringRef Call = "use") {
    const CallExpr *CE = callTo(F->getBody(), Call);
    EXPECT_TRUE(CE);
    return timesRun(*A.Model, F, CE);
  }
  /// The first spawn written in f.
  const SpawnSite &spawn() {
    for (const SpawnSite &S : A.Model->spawns())
      if (S.Spawner == F)
        return S;
    ADD_FAILURE() << "no spawn in f";
    return A.Model->spawns().front();
  }
  /// What can skip the first call to \p Call in f.
  const Stmt *skip(llvm::StringRef Call = "go") {
    const CallExpr *CE = callTo(F->getBody(), Call);
    EXPECT_TRUE(CE);
    return skippedBy(*A.Model, F, CE);
  }
  ObjectPath object(llvm::StringRef Name) {
    const auto *Ref = first<DeclRefExpr>(F->getBody(), [&](const DeclRefExpr *R) {
      return R->getDecl()->getName() == Name;
    });
    EXPECT_TRUE(Ref);
    return Ref ? objectOf(Ref) : ObjectPath();
  }
};

TEST(CountsTest, AForLoopOverConstantsRunsAKnownNumberOfTimes) {
  EXPECT_TRUE(Fixture("void f() { for (int i = 0; i < 4; ++i) use(); }").trips().isConstant(4));
  EXPECT_TRUE(Fixture("void f() { for (int i = 1; i <= 9; i += 2) use(); }").trips().isConstant(5));
  EXPECT_TRUE(Fixture("void f() { for (int i = 3; i > 0; --i) use(); }").trips().isConstant(3));
  EXPECT_TRUE(Fixture("void f() { for (int i = 0; i != 6; i++) use(); }").trips().isConstant(6));
  EXPECT_TRUE(Fixture("void f() { for (int i = 5; i < 2; ++i) use(); }").trips().isConstant(0));
}

TEST(CountsTest, PassingTheInductionVariableByConstReferenceDoesNotWriteIt) {
  EXPECT_TRUE(Fixture("void look(const int &); void f() { for (int i = 0; i < 3; ++i) look(i); }")
                  .trips()
                  .isConstant(3));
  EXPECT_FALSE(Fixture("void bump(int &); void f() { for (int i = 0; i < 3; ++i) bump(i); }")
                   .trips()
                   .known());
}

TEST(CountsTest, ASpawnCopiesTheInductionVariableItIsGiven) {
  Fixture X("void take(int); void f() { for (int i = 0; i < 3; ++i) csp::go(take, i); }");
  EXPECT_TRUE(X.runs("go").isConstant(3));
}

TEST(CountsTest, ALoopWhoseBoundIsDataIsUnknown) {
  EXPECT_FALSE(Fixture("void f() { for (int i = 0; i < n(); ++i) use(); }").trips().known());
  EXPECT_FALSE(Fixture("void f() { while (more()) use(); }").trips().known());
}

TEST(CountsTest, ABodyThatMovesTheInductionVariableIsUnknown) {
  EXPECT_FALSE(Fixture("void f() { for (int i = 0; i < 4; ++i) { use(); i += 1; } }").trips().known());
  EXPECT_FALSE(Fixture(R"cpp(
    void bump(int &); void f() { for (int i = 0; i < 4; ++i) bump(i); }
  )cpp").trips().known());
}

TEST(CountsTest, ARangeOverAnArrayOrAListHasItsSize) {
  EXPECT_TRUE(Fixture("void f() { int a[5] = {}; for (int x : a) use(); }").trips().isConstant(5));
  EXPECT_TRUE(Fixture("void f() { for (int x : {1, 2, 3}) use(); }").trips().isConstant(3));
  EXPECT_TRUE(Fixture("void f() { std::array<int, 7> a; for (int x : a) use(); }").trips().isConstant(7));
}

TEST(CountsTest, ARangeOverAContainerRunsItsSizeTimes) {
  Fixture X("void f(std::vector<int> &v) { for (int x : v) use(); }");
  Count C = X.trips();
  ASSERT_EQ(C.K, Count::Kind::SizeOf);
  EXPECT_EQ(C.Container, X.object("v"));
  EXPECT_TRUE(C.Exact);
}

TEST(CountsTest, ABreakMakesTheTripCountABound) {
  Count C = Fixture("void f() { for (int i = 0; i < 4; ++i) { if (more()) break; use(); } }").trips();
  EXPECT_EQ(C.K, Count::Kind::Constant);
  EXPECT_EQ(C.Value, 4u);
  EXPECT_FALSE(C.Exact);
  // A break of an inner switch leaves the loop running.
  EXPECT_TRUE(Fixture(R"cpp(
    void f() { for (int i = 0; i < 4; ++i) { switch (n()) { case 1: break; } use(); } }
  )cpp").trips().isConstant(4));
}

TEST(CountsTest, NestedLoopsMultiply) {
  EXPECT_TRUE(Fixture(R"cpp(
    void f() { for (int i = 0; i < 2; ++i) for (int j = 0; j < 3; ++j) use(); }
  )cpp").runs().isConstant(6));
  EXPECT_TRUE(Fixture("void f() { use(); }").runs().isConstant(1));
}

TEST(CountsTest, AContinueOrABranchBeforeItMakesTheCountABound) {
  Count C = Fixture(R"cpp(
    void f() { for (int i = 0; i < 4; ++i) { if (i == 2) continue; use(); } }
  )cpp").runs();
  EXPECT_EQ(C.Value, 4u);
  EXPECT_FALSE(C.Exact);
  EXPECT_FALSE(Fixture("void f() { for (int i = 0; i < 4; ++i) if (more()) use(); }").runs().Exact);
  EXPECT_FALSE(Fixture("void f() { if (more()) use(); }").runs().Exact);
}

TEST(CountsTest, AStatementInATaskIsNotCountedInItsSpawner) {
  EXPECT_FALSE(Fixture("void f() { csp::go([] { use(); }); }").runs().known());
}

TEST(CountsTest, AWaitGroupsAddsSumUp) {
  Fixture X("void f(csp::wait_group &wg) { wg.add(2); for (int i = 0; i < 4; ++i) wg.add(1); }");
  EXPECT_TRUE(addTotal(*X.A.Model, X.F, X.object("wg")).isConstant(6));
  Fixture Y("void f(csp::wait_group &wg) { wg.add(n()); }");
  EXPECT_FALSE(addTotal(*Y.A.Model, Y.F, Y.object("wg")).known());
  Fixture Z(R"cpp(
    void f(std::vector<int> &jobs, csp::wait_group &wg) { for (int j : jobs) wg.add(1); }
  )cpp");
  Count C = addTotal(*Z.A.Model, Z.F, Z.object("wg"));
  ASSERT_EQ(C.K, Count::Kind::SizeOf);
  EXPECT_EQ(C.Container, Z.object("jobs"));
}

TEST(CountsTest, AnAddOfAContainersSizeCountsItsSize) {
  for (const char *Add : {"wg.add(v.size())", "wg.add(static_cast<int>(v.size()))",
                          "wg.add(std::size(v))"}) {
    Fixture X(std::string("void f(Jobs &v, csp::wait_group &wg) { ") + Add + "; }");
    Count C = addTotal(*X.A.Model, X.F, X.object("wg"));
    ASSERT_EQ(C.K, Count::Kind::SizeOf) << Add;
    EXPECT_EQ(C.Container, X.object("v"));
    EXPECT_TRUE(C.Exact);
  }
  EXPECT_FALSE(countArgument(Fixture("void f() {}").ctx(), nullptr).known());
}

/// How often the task of f's first spawn calls done on f's `wg`.
static Count dones(llvm::StringRef Code, DoneSites *Sites = nullptr) {
  Fixture X(Code);
  return donesPerRun(*X.A.Model, X.spawn(), X.object("wg"), Sites);
}

TEST(CountsTest, ATaskThatCallsDoneOnEveryPathCallsItOnce) {
  EXPECT_TRUE(dones("void f() { csp::wait_group wg; csp::go([&wg] { use(); wg.done(); }); }")
                  .isConstant(1));
  // An early return that calls done first.
  EXPECT_TRUE(dones(R"cpp(
    void f() { csp::wait_group wg;
      csp::go([&wg] { if (more()) { wg.done(); return; } use(); wg.done(); }); }
  )cpp").isConstant(1));
  // A named function given the group by pointer.
  EXPECT_TRUE(dones(R"cpp(
    void w(csp::wait_group *g) { use(); g->done(); }
    void f() { csp::wait_group wg; csp::go(w, &wg); }
  )cpp").isConstant(1));
}

TEST(CountsTest, ATaskThatMaySkipDoneCallsItAtMostOnce) {
  Count C = dones("void f() { csp::wait_group wg; csp::go([&wg] { if (more()) wg.done(); }); }");
  EXPECT_EQ(C.K, Count::Kind::Constant);
  EXPECT_EQ(C.Value, 1u);
  EXPECT_FALSE(C.Exact);
}

TEST(CountsTest, ATaskThatCallsDoneAgainIsUnknownAndSaysWhere) {
  DoneSites Loop;
  EXPECT_FALSE(dones(R"cpp(
    void f(std::vector<int> &v) { csp::wait_group wg;
      csp::go([&] { for (int x : v) { use(); wg.done(); } }); }
  )cpp", &Loop).known());
  EXPECT_TRUE(Loop.Again);
  EXPECT_TRUE(Loop.InLoop);
  DoneSites Paths;
  EXPECT_FALSE(dones(R"cpp(
    void f() { csp::wait_group wg;
      csp::go([&wg] { if (more()) wg.done(); use(); wg.done(); }); }
  )cpp", &Paths).known());
  ASSERT_TRUE(Paths.Again);
  EXPECT_FALSE(Paths.InLoop);
  EXPECT_EQ(Paths.Again, Paths.Sites.back());
  // Two dones under conditions the CFG cannot tell apart: not surely twice.
  DoneSites Either;
  EXPECT_FALSE(dones(R"cpp(
    void f(bool a) { csp::wait_group wg;
      csp::go([&wg, a] { if (a) wg.done(); if (!a) wg.done(); }); }
  )cpp", &Either).known());
  EXPECT_FALSE(Either.Again);
}

TEST(CountsTest, ATaskThatNamesTheGroupWithoutADoneIsUnknown) {
  // A guard's destructor calls done.
  EXPECT_FALSE(dones("void f() { csp::wait_group wg; csp::go([&wg] { DoneGuard g{wg}; use(); }); }")
                   .known());
  // A closer waits for the group: it is not one of the tasks counted.
  EXPECT_TRUE(dones("void f() { csp::wait_group wg; csp::go([&wg] { wg.wait(); }); }").isConstant(0));
  EXPECT_TRUE(dones("void f() { csp::wait_group wg; csp::go([] { use(); }); wg.wait(); }").isConstant(0));
  // A task that adds to the group itself.
  EXPECT_FALSE(dones("void f() { csp::wait_group wg; csp::go([&wg] { wg.add(1); wg.done(); }); }")
                   .known());
}

TEST(CountsTest, TheDonesOfTheTasksABodyStarts) {
  Fixture X(R"cpp(
    void f() { csp::wait_group wg; wg.add(5);
      for (int i = 0; i < 5; ++i) csp::go([&wg] { wg.done(); });
      csp::go([&wg] { wg.wait(); }); wg.wait(); }
  )cpp");
  llvm::SmallVector<const SpawnSite *, 2> Tasks;
  EXPECT_TRUE(taskDones(*X.A.Model, X.F, X.object("wg"), &Tasks).isConstant(5));
  EXPECT_EQ(Tasks.size(), 1u);
  // A callback handed to code not followed may call done too.
  Fixture Y(R"cpp(
    void f(Pool &p) { csp::wait_group wg; wg.add(2); csp::go([&wg] { wg.done(); });
      p.submit([&wg] { wg.done(); }); }
  )cpp");
  EXPECT_FALSE(taskDones(*Y.A.Model, Y.F, Y.object("wg")).known());
  // The spawner calls done where it starts no task.
  Fixture Z(R"cpp(
    void f() { csp::wait_group wg; wg.add(1);
      if (more()) csp::go([&wg] { wg.done(); }); else wg.done(); }
  )cpp");
  EXPECT_FALSE(taskDones(*Z.A.Model, Z.F, Z.object("wg")).known());
}

TEST(CountsTest, WhatCanSkipASpawn) {
  EXPECT_TRUE(isa_and_nonnull<ContinueStmt>(Fixture(R"cpp(
    void f(std::vector<int> &v) { for (int x : v) { if (x) continue; csp::go(work); } }
  )cpp").skip()));
  EXPECT_TRUE(isa_and_nonnull<BreakStmt>(Fixture(R"cpp(
    void f(std::vector<int> &v) { for (int x : v) { csp::go(work); if (x) break; } }
  )cpp").skip()));
  EXPECT_TRUE(isa_and_nonnull<IfStmt>(Fixture("void f() { if (more()) csp::go(work); }").skip()));
  // A continue after the spawn, a return: the spawn runs on every pass that
  // goes on to the code after the loop.
  EXPECT_FALSE(Fixture(R"cpp(
    void f(std::vector<int> &v) { for (int x : v) { csp::go(work); if (x) continue; use(); } }
  )cpp").skip());
  EXPECT_FALSE(Fixture(R"cpp(
    void f(std::vector<int> &v) { for (int x : v) { if (x) return; csp::go(work); } }
  )cpp").skip());
}

// BodyFlow's entry paths, which the order of adds and spawns rests on.
TEST(BodyFlowTest, AStatementReachedFromTheEntryAvoidingOthers) {
  Fixture X("void f() { if (more()) work(); use(); }");
  const BodyCFG &G = X.A.Model->flowGraphOf(X.F);
  const CallExpr *Work = callTo(X.F->getBody(), "work"), *Use = callTo(X.F->getBody(), "use");
  EXPECT_TRUE(G.reachedFromEntry(Use));
  EXPECT_TRUE(G.reachedFromEntry(Use, {*G.position(Work)}));
  Fixture Y("void f() { work(); use(); }");
  const BodyCFG &H = Y.A.Model->flowGraphOf(Y.F);
  EXPECT_FALSE(H.reachedFromEntry(callTo(Y.F->getBody(), "use"),
                                  {*H.position(callTo(Y.F->getBody(), "work"))}));
}

TEST(CountsTest, AChannelsCapacityIsItsMakeArgument) {
  auto Capacity = [](llvm::StringRef Code) {
    Fixture X(Code);
    const CallExpr *Make = callTo(X.F->getBody(), "make_chan");
    EXPECT_TRUE(Make);
    return channelCapacity(X.ctx(), Make);
  };
  EXPECT_EQ(Capacity("void f() { auto ch = csp::make_chan<int>(8); }"), 8u);
  EXPECT_EQ(Capacity("void f() { auto ch = csp::make_chan<int>(); }"), 0u);
  EXPECT_EQ(Capacity("void f() { auto ch = csp::make_chan<int>(n()); }"), std::nullopt);
}

TEST(CountsTest, AConstructorsOneConstantArgumentIsTheCapacity) {
  auto Capacity = [](llvm::StringRef Code) {
    Fixture X(std::string("struct Box { explicit Box(unsigned long); Box(); Box(int, int); };") +
              Code.str());
    const auto *Made = first<CXXConstructExpr>(X.F->getBody());
    EXPECT_TRUE(Made);
    return channelCapacity(X.ctx(), Made);
  };
  EXPECT_EQ(Capacity("void f() { Box b(4); }"), 4u);
  EXPECT_EQ(Capacity("void f() { Box b; }"), std::nullopt);
  EXPECT_EQ(Capacity("void f() { Box b(1, 2); }"), std::nullopt);
  EXPECT_EQ(Capacity("void f() { Box b(n()); }"), std::nullopt);
}

TEST(CountsTest, TheTasksABodyStarts) {
  Fixture X("void f() { csp::go(work); for (int i = 0; i < 3; ++i) csp::go(work); }");
  EXPECT_TRUE(tasksStarted(*X.A.Model, X.F).isConstant(4));
  Fixture Y("void f() { for (int i = 0; i < 3; ++i) if (more()) csp::go(work); }");
  EXPECT_FALSE(tasksStarted(*Y.A.Model, Y.F).Exact);
}

TEST(CountsTest, TheValuesABodySends) {
  Fixture X("void f(csp::chan<int> ch) { ch.send(0); for (int i = 0; i < 3; ++i) ch.send(i); }");
  EXPECT_TRUE(sendsPerRun(*X.A.Model, X.F, X.object("ch")).isConstant(4));
}

} // namespace
} // namespace clang::tidy::csp
