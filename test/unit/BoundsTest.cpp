// Unit tests of Bounds.h: where a count comes from, whether a path makes it
// at least 1, and the counts callers pass.
#include "TestSupport.h"
#include "analysis/Bounds.h"

namespace clang::tidy::csp {
namespace {

constexpr const char *Decls = R"cpp(
extern "C" char *getenv(const char *); extern "C" int atoi(const char *);
extern "C" [[noreturn]] void abort();
int other(); void use(int); void readInto(int &);
namespace std { template <class T> const T &max(const T &a, const T &b) { return a < b ? b : a; }
template <class T> const T &clamp(const T &v, const T &lo, const T &hi) { return v; } }
)cpp";

struct Fixture {
  Analysed A;
  const FunctionDecl *F = nullptr;
  bool Reads(const FunctionDecl *FD) const { return FD->getName() == "getenv"; }
  bool Converts(const FunctionDecl *FD) const { return FD->getName() == "atoi"; }
  explicit Fixture(llvm::StringRef Code, llvm::StringRef Fn = "f")
      : A(analyse(std::string(Decls) + Code.str())) {
    F = function(A.AST->getASTContext(), Fn);
    EXPECT_TRUE(F);
  }
  CountInputs inputs() {
    return {[this](const FunctionDecl *FD) { return Reads(FD); },
            [this](const FunctionDecl *FD) { return Converts(FD); }};
  }
  /// The facts about the argument of f's last call to use(), at that call.
  CountFacts atUse() {
    const CallExpr *Last = nullptr;
    first<CallExpr>(F->getBody(), [&](const CallExpr *CE) {
      const FunctionDecl *FD = CE->getDirectCallee();
      if (FD && FD->getName() == "use")
        Last = CE;
      return false;
    });
    EXPECT_TRUE(Last);
    std::optional<CountFacts> R = countAt(*A.Model, F, Last->getArg(0), Last, inputs());
    EXPECT_TRUE(R);
    return R ? *R : CountFacts{};
  }
};

using Kind = CountOrigin::Kind;

TEST(BoundsTest, AParameterComesFromTheCaller) {
  // The fixture owns the AST the origin's declaration lives in.
  Fixture F("void f(int n) { use(n); }");
  CountFacts R = F.atUse();
  EXPECT_FALSE(R.AtLeastOne);
  EXPECT_EQ(R.Origin.K, Kind::Parameter);
  ASSERT_TRUE(R.Origin.Param);
  EXPECT_EQ(R.Origin.Param->getName(), "n");
}

TEST(BoundsTest, AMemberOfAParameterIsTheParameters) {
  CountFacts R = Fixture("struct C { int w; }; void f(const C &c) { use(c.w); }").atUse();
  EXPECT_EQ(R.Origin.K, Kind::Parameter);
}

TEST(BoundsTest, AnEnvironmentVariableIsInputThroughConversionsAndLocals) {
  CountFacts R = Fixture(R"cpp(void f() {
    const char *s = getenv("N"); int n = s ? atoi(s) : 4; use(n); })cpp").atUse();
  EXPECT_FALSE(R.AtLeastOne);
  EXPECT_EQ(R.Origin.K, Kind::Input);
}

TEST(BoundsTest, AStandardStringKeepsWhereItsTextCameFrom) {
  CountFacts R = Fixture(R"cpp(namespace std { struct allocator {};
    struct string { string(const char *, const allocator & = allocator()); };
    int atoi(const string &); }
    void f() { const char *s = getenv("N"); int n = std::atoi(std::string(s ? s : "0")); use(n); })cpp")
                     .atUse();
  EXPECT_EQ(R.Origin.K, Kind::Input);
}

TEST(BoundsTest, AZeroOnOnePathIsSeen) {
  CountFacts R = Fixture("void f(bool b) { int n = 4; if (b) n = 0; use(n); }").atUse();
  EXPECT_FALSE(R.AtLeastOne);
  EXPECT_EQ(R.Origin.K, Kind::Zero);
}

TEST(BoundsTest, AConstantOfAtLeastOneIsSafe) {
  CountFacts R = Fixture("void f() { int n = 0; n = 3; use(n); }").atUse();
  EXPECT_TRUE(R.AtLeastOne);
  EXPECT_FALSE(R.Origin);
}

TEST(BoundsTest, ABranchThatLeavesChecksTheCount) {
  EXPECT_TRUE(Fixture("void f(int n) { if (n < 1) return; use(n); }").atUse().AtLeastOne);
  EXPECT_TRUE(Fixture("void f(int n) { if (n <= 0) throw 1; use(n); }").atUse().AtLeastOne);
  EXPECT_TRUE(Fixture("void f(int n) { if (0 >= n) abort(); use(n); }").atUse().AtLeastOne);
  EXPECT_TRUE(Fixture("void f(int n) { if (!n) return; use(n); }").atUse().AtLeastOne);
  EXPECT_TRUE(Fixture("void f(int n, int m) { if (n < 1 || m < 1) return; use(n); }")
                  .atUse()
                  .AtLeastOne);
  EXPECT_TRUE(Fixture("void f(int n) { n > 0 ? void(0) : abort(); use(n); }").atUse().AtLeastOne);
}

TEST(BoundsTest, ACheckOnOneBranchOnlyDoesNotCount) {
  CountFacts R = Fixture("void f(int n, bool b) { if (b && n < 1) return; use(n); }").atUse();
  EXPECT_FALSE(R.AtLeastOne);
  EXPECT_EQ(R.Origin.K, Kind::Parameter);
  EXPECT_FALSE(Fixture("void f(int n) { if (n < 1) use(0); use(n); }").atUse().AtLeastOne);
  EXPECT_FALSE(Fixture("void f(int n) { if (n < 2) return; n -= 5; use(n); }").atUse().AtLeastOne);
}

TEST(BoundsTest, AClampMakesItAtLeastOne) {
  EXPECT_TRUE(Fixture("void f(int n) { n = std::max(1, n); use(n); }").atUse().AtLeastOne);
  EXPECT_TRUE(Fixture("void f(int n) { use(std::clamp(n, 1, 8)); }").atUse().AtLeastOne);
  EXPECT_TRUE(Fixture("void f(int n) { int k = n < 1 ? 1 : n; use(k); }").atUse().AtLeastOne);
  EXPECT_TRUE(Fixture("void f(int n) { if (n == 0) n = 1; use(n); }").atUse().AtLeastOne);
  EXPECT_FALSE(Fixture("void f(int n) { use(std::max(0, n)); }").atUse().AtLeastOne);
}

TEST(BoundsTest, ARetryLoopLeavesOnlyWithAGoodCount) {
  EXPECT_TRUE(Fixture(R"cpp(void f() {
    int n = 0;
    for (;;) { n = atoi(getenv("N")); if (n < 1) continue; break; }
    use(n); })cpp").atUse().AtLeastOne);
}

TEST(BoundsTest, WhatTheAnalysisCannotFollowHasNoOrigin) {
  CountFacts R = Fixture("void f() { int n = other(); use(n); }").atUse();
  EXPECT_FALSE(R.AtLeastOne);
  EXPECT_FALSE(R.Origin);
  EXPECT_FALSE(Fixture("void f(int n) { readInto(n); use(n); }").atUse().Origin);
}

TEST(BoundsTest, CallersPassTheirCounts) {
  Fixture X(R"cpp(void pool(int n) { use(n); }
    void a() { pool(4); }
    void b(int k) { if (k < 1) return; pool(k); }
    void c() { pool(atoi(getenv("N"))); })cpp",
            "pool");
  bool Incomplete = false;
  auto Calls = countAtCalls(*X.A.Model, X.F->getParamDecl(0), X.inputs(), Incomplete);
  EXPECT_FALSE(Incomplete);
  ASSERT_EQ(Calls.size(), 3u);
  EXPECT_TRUE(Calls[0].Facts.AtLeastOne);
  EXPECT_TRUE(Calls[1].Facts.AtLeastOne);
  EXPECT_FALSE(Calls[2].Facts.AtLeastOne);
  EXPECT_EQ(Calls[2].Facts.Origin.K, Kind::Input);
}

TEST(BoundsTest, AFunctionUsedOtherThanByCallsHasCallersNotSeen) {
  Fixture X(R"cpp(void pool(int n) { use(n); }
    void a() { csp::go(pool, 4); })cpp",
            "pool");
  bool Incomplete = false;
  auto Calls = countAtCalls(*X.A.Model, X.F->getParamDecl(0), X.inputs(), Incomplete);
  EXPECT_TRUE(Calls.empty());
  EXPECT_TRUE(Incomplete);
}

TEST(BoundsTest, ATestTheAnalysisCannotReadChecksWhatItIsHanded) {
  const char *Helpers = R"cpp(bool valid(int); struct Cfg { int w; bool ok() const; };
    void require(int v) { if (v < 1) throw 1; } void log(int);
    struct Size { explicit Size(int v) : value(v < 1 ? 1 : v) {} int value; };)cpp";
  auto At = [&](llvm::StringRef Code) { return Fixture(std::string(Helpers) + Code.str()).atUse(); };
  EXPECT_TRUE(At("void f(int n) { if (!valid(n)) return; use(n); }").AtLeastOne);
  EXPECT_TRUE(At("void f(Cfg c) { if (!c.ok()) return; use(c.w); }").AtLeastOne);
  EXPECT_TRUE(At("void f(int n) { require(n); use(n); }").AtLeastOne);
  // A call that cannot reject its argument checks nothing, and a write
  // after the test is a new value.
  EXPECT_EQ(At("void f(int n) { log(n); use(n); }").Origin.K, Kind::Parameter);
  EXPECT_EQ(At("void f(int n) { if (!valid(n)) return; n = 0; use(n); }").Origin.K, Kind::Zero);
  // A user's constructor may clamp what it is given.
  Fixture X(std::string(Helpers) + "void g(Size s) { use(s.value); } void h() { g(Size(0)); }", "g");
  bool Incomplete = false;
  auto Calls = countAtCalls(*X.A.Model, X.F->getParamDecl(0), X.inputs(), Incomplete);
  ASSERT_EQ(Calls.size(), 1u);
  EXPECT_FALSE(Calls[0].Facts.Origin);
}

TEST(BoundsTest, WhatDecidesACountAndWhetherASiteRuns) {
  Fixture X(R"cpp(void f(bool b, int k) {
    int n = 0;
    if (b) n = 4;
    for (int i = 0; i < k; ++i)
      if (b) use(n);
  })cpp");
  const CallExpr *Use = callTo(X.F->getBody(), "use");
  ASSERT_TRUE(Use);
  auto Names = [](llvm::ArrayRef<const ValueDecl *> Ds) {
    std::vector<std::string> Out;
    for (const ValueDecl *D : Ds)
      Out.push_back(D->getNameAsString());
    llvm::sort(Out);
    return Out;
  };
  EXPECT_EQ(Names(guardsOf(*X.A.Model, X.F, Use)), (std::vector<std::string>{"b", "i", "k"}));
  const Expr *N = Use->getArg(0);
  CountFacts R = X.atUse();
  EXPECT_EQ(R.Origin.K, Kind::Zero);
  EXPECT_EQ(Names(decidedBy(*X.A.Model, X.F, N, R.Origin)), (std::vector<std::string>{"b", "n"}));
}

TEST(BoundsTest, ALoopCountsUpToItsBound) {
  auto CountOf = [](llvm::StringRef Code) -> std::string {
    Fixture X(Code);
    const Stmt *Loop = first<Stmt>(X.F->getBody(), [](const Stmt *S) { return isa<ForStmt>(S); });
    const Expr *E = loopCountExpr(Loop);
    const auto *Ref = E ? dyn_cast<DeclRefExpr>(E) : nullptr;
    return Ref ? Ref->getDecl()->getName().str() : "";
  };
  EXPECT_EQ(CountOf("void f(int n) { for (int i = 0; i < n; ++i) use(i); }"), "n");
  EXPECT_EQ(CountOf("void f(int n) { for (int i = 0; n > i; i++) use(i); }"), "n");
  EXPECT_EQ(CountOf("void f(int n) { for (int i = 1; i <= n; ++i) use(i); }"), "n");
  EXPECT_EQ(CountOf("void f(int n) { for (int i = 0; i <= n; ++i) use(i); }"), "");
  EXPECT_EQ(CountOf("void f(int n) { for (int i = 0; i < n; i += 2) use(i); }"), "");
  EXPECT_EQ(CountOf("void f(int n) { for (int i = 0; i < n; ++i) { use(i); ++i; } }"), "");
}

} // namespace
} // namespace clang::tidy::csp
