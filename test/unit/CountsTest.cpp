// Unit tests of Counts.h: trip counts, how often a statement runs, and the
// totals built on them.
#include "TestSupport.h"
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
template <class T, unsigned long N> struct array { T *begin(); T *end(); T v[N]; }; }
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
