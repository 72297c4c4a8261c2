// Unit tests of Accesses.h: which scalars a task or a body reads and
// writes, as its spawner names them.
#include "TestSupport.h"
#include "analysis/Accesses.h"

namespace clang::tidy::csp {
namespace {

constexpr const char *Decls = R"cpp(
template <class F> void once(F f) { f(); }
void use(int);
)cpp";

struct Fixture {
  Analysed A;
  AccessAnalysis Accesses;

  explicit Fixture(llvm::StringRef Code)
      : A(analyse(std::string(Decls) + Code.str())),
        Accesses(*A.Model, [](const FunctionDecl *FD) {
          return FD->getIdentifier() && FD->getName() == "once";
        }) {}

  /// The \p N-th spawn (in source order) of \p Fn.
  const SpawnSite &spawn(llvm::StringRef Fn, unsigned N = 0) {
    const FunctionDecl *F = function(A.AST->getASTContext(), Fn);
    std::vector<const SpawnSite *> Found;
    for (const SpawnSite &S : A.Model->spawns())
      if (S.Spawner == F || (F == nullptr && S.Spawner->getName() == Fn))
        Found.push_back(&S);
    std::sort(Found.begin(), Found.end(), [](const SpawnSite *L, const SpawnSite *R) {
      return L->Site->getBeginLoc() < R->Site->getBeginLoc();
    });
    EXPECT_GT(Found.size(), N) << Fn.str();
    static SpawnSite None;
    return Found.size() > N ? *Found[N] : None;
  }

  /// The task's accesses, as `w:n` (write), `rmw:n`, `r:n`, with `!` for a
  /// locked one.
  std::vector<std::string> ofTask(llvm::StringRef Fn, unsigned N = 0) {
    return spelled(Accesses.ofTask(spawn(Fn, N)));
  }
  std::vector<std::string> ofBody(llvm::StringRef Fn) {
    return spelled(Accesses.ofBody(function(A.AST->getASTContext(), Fn)));
  }

  static std::vector<std::string> spelled(const std::vector<Access> &List) {
    std::vector<std::string> Out;
    for (const Access &X : List)
      Out.push_back(std::string(X.Locked ? "!" : "") +
                    (X.ReadModifyWrite ? "rmw:" : X.Write ? "w:" : "r:") +
                    X.Object.spelling());
    return Out;
  }
};

using Strings = std::vector<std::string>;

TEST(AccessesTest, ACaptureByReferenceIsTheSpawnersVariable) {
  Fixture F("void f() { int n = 0; csp::go([&n] { ++n; n = 2; use(n); }); }");
  EXPECT_EQ(F.ofTask("f"), (Strings{"rmw:n", "w:n", "r:n"}));
  const Access &First = F.Accesses.ofTask(F.spawn("f")).front();
  EXPECT_EQ(First.Object.root()->getDeclContext(),
            function(F.A.AST->getASTContext(), "f"));
  EXPECT_EQ(First.Via, nullptr);
}

TEST(AccessesTest, WhatTheTaskCopiesIsItsOwn) {
  Fixture F(R"cpp(
    void f() {
      int n = 0;
      csp::go([n]() mutable { ++n; });
      csp::go([k = n]() mutable { ++k; });
      std::thread t([](int m) { m++; }, n);
      t.join();
      csp::go([] { int mine = 0; mine++; });
    }
  )cpp");
  for (unsigned I = 0; I < 4; ++I)
    EXPECT_EQ(F.ofTask("f", I), Strings{}) << I;
}

TEST(AccessesTest, ASpawnsReferenceParameterIsTheSpawnersOnlyThroughStdRef) {
  Fixture F(R"cpp(
    void count(int &c) { ++c; }
    void f() {
      int n = 0;
      std::thread a(count, std::ref(n));
      std::thread b(count, n);
      a.join(); b.join();
    }
  )cpp");
  EXPECT_EQ(F.ofTask("f", 0), Strings{"rmw:n"});
  EXPECT_EQ(F.ofTask("f", 1), Strings{}) << "std::thread copies its argument";
}

TEST(AccessesTest, APointerParameterReachesWhatItPointsTo) {
  Fixture F(R"cpp(
    void tally(int *p) { *p += 1; p = nullptr; }
    void f() { int sum = 0; csp::go(tally, &sum); }
  )cpp");
  EXPECT_EQ(F.ofTask("f"), Strings{"rmw:sum"}) << "p itself is the task's copy";
}

TEST(AccessesTest, AHelpersAccessIsNamedAtTheCall) {
  Fixture F(R"cpp(
    void bump(int &c) { c++; }
    void f() { int n = 0; csp::go([&] { bump(n); }); }
  )cpp");
  const std::vector<Access> &List = F.Accesses.ofTask(F.spawn("f"));
  ASSERT_EQ(Fixture::spelled(List), Strings{"rmw:n"});
  EXPECT_EQ(List[0].Via->getName(), "bump");
  EXPECT_TRUE(isa<CallExpr>(List[0].Site)) << "the site is the call in the task";
  EXPECT_TRUE(isa<UnaryOperator>(List[0].Inner)) << "the inner access is c++";
}

TEST(AccessesTest, AMemberFunctionTaskRunsOnItsObjectUnlessCopied) {
  Fixture F(R"cpp(
    struct Pool {
      int done_ = 0;
      void work() { ++done_; }
      void start() { std::thread t(&Pool::work, this); t.detach(); }
    };
    void f() {
      Pool p;
      std::thread a(&Pool::work, &p), b(&Pool::work, p);
      a.join(); b.join();
    }
  )cpp");
  EXPECT_EQ(F.ofTask("start"), Strings{"rmw:this->done_"});
  EXPECT_EQ(F.ofTask("f", 0), Strings{"rmw:p.done_"});
  EXPECT_EQ(F.ofTask("f", 1), Strings{}) << "the thread runs on its copy";
}

TEST(AccessesTest, AFunctionObjectsMembersAndAStarThisCaptureAreCopies) {
  Fixture F(R"cpp(
    struct Counter { int n = 0; void operator()() { ++n; } };
    struct Owner {
      int hits = 0;
      void start() {
        csp::go([*this]() mutable { ++hits; });
        csp::go([this] { ++hits; });
      }
    };
    void f() { std::thread t{Counter{}}; t.join(); }
  )cpp");
  EXPECT_EQ(F.ofTask("f"), Strings{});
  EXPECT_EQ(F.ofTask("start", 0), Strings{});
  EXPECT_EQ(F.ofTask("start", 1), Strings{"rmw:this->hits"});
}

TEST(AccessesTest, UnderALockOrInARunOnceCallable) {
  Fixture F(R"cpp(
    void f() {
      std::mutex m; int n = 0, k = 0, free = 0;
      csp::go([&] {
        { std::lock_guard<std::mutex> g(m); n++; }
        once([&] { k = 1; });
        free = 1;
      });
    }
  )cpp");
  EXPECT_EQ(F.ofTask("f"), (Strings{"!rmw:n", "!w:k", "w:free"}));
}

TEST(AccessesTest, AHelperCalledUnderALockIsLocked) {
  Fixture F(R"cpp(
    struct Ledger {
      std::mutex mu; int balance = 0;
      void add() { ++balance; }
      void start() { csp::go([this] { mu.lock(); add(); mu.unlock(); add(); }); }
    };
  )cpp");
  EXPECT_EQ(F.ofTask("start"), (Strings{"!rmw:this->balance", "rmw:this->balance"}));
}

TEST(AccessesTest, ALocalPointerStandsForItsTargetAnUnknownOneIsLeftOut) {
  Fixture F(R"cpp(
    void f(int *q) {
      int x = 0;
      int *p = &x;
      csp::go([p] { *p = 1; });
      csp::go([q] { *q = 1; });
    }
  )cpp");
  EXPECT_EQ(F.ofTask("f", 0), Strings{"w:x"});
  EXPECT_EQ(F.ofTask("f", 1), Strings{}) << "where q points is not known";
}

TEST(AccessesTest, TheSameMemberOfTwoObjectsIsTwoObjects) {
  Fixture F(R"cpp(
    struct S { int n = 0; };
    void f() { S a, b; csp::go([&] { a.n++; }); csp::go([&] { b.n++; }); }
  )cpp");
  EXPECT_EQ(F.ofTask("f", 0), Strings{"rmw:a.n"});
  EXPECT_EQ(F.ofTask("f", 1), Strings{"rmw:b.n"});
}

TEST(AccessesTest, ThreadLocalsAndConstantsAreLeftOut) {
  Fixture F(R"cpp(
    thread_local int perThread = 0;
    const int limit = 3;
    void f() { csp::go([&] { perThread++; use(limit); }); }
  )cpp");
  EXPECT_EQ(F.ofTask("f"), Strings{});
}

TEST(AccessesTest, ASpawnersBodyLeavesItsLambdasOut) {
  Fixture F(R"cpp(
    void f() {
      int n = 0;
      csp::go([&] { n++; });
      auto later = [&] { n = 3; };
      while (n < 1) {}
      later();
    }
  )cpp");
  EXPECT_EQ(F.ofBody("f"), Strings{"r:n"});
}

} // namespace
} // namespace clang::tidy::csp
