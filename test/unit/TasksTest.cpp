// Unit tests of Tasks.h: where a task has surely ended, in order, and what
// may run at the same time as it.
#include "TestSupport.h"
#include "analysis/Tasks.h"

namespace clang::tidy::csp {
namespace {

constexpr const char *Decls = R"cpp(
void work() {} void use(); void after(); bool more();
struct Pool { template <class F> std::future<void> submit(F f); void wait(); };
)cpp";

/// A model of \p Code, with `Pool::submit` as a spawn.
Analysed model(llvm::StringRef Code) {
  return analyse(std::string(Decls) + Code.str(),
                 {{"SpawnFunctions", "::csp::go;::std::async;::std::thread::thread;"
                                     "::std::jthread::jthread;::Pool::submit"}});
}

/// The \p N-th spawn (in source order) of \p Fn.
const SpawnSite &spawn(Analysed &A, llvm::StringRef Fn, unsigned N = 0) {
  const FunctionDecl *F = function(A.AST->getASTContext(), Fn);
  std::vector<const SpawnSite *> Found;
  for (const SpawnSite &S : A.Model->spawns())
    if (S.Spawner == F)
      Found.push_back(&S);
  std::sort(Found.begin(), Found.end(), [](const SpawnSite *L, const SpawnSite *R) {
    return L->Site->getBeginLoc() < R->Site->getBeginLoc();
  });
  EXPECT_GT(Found.size(), N) << Fn.str();
  static SpawnSite None;
  return Found.size() > N ? *Found[N] : None;
}

/// Whether the task of \p S may run at the first call to \p Call in \p Fn.
bool runsAt(Analysed &A, const SpawnSite &S, llvm::StringRef Fn, llvm::StringRef Call) {
  const CallExpr *CE = callTo(function(A.AST->getASTContext(), Fn)->getBody(), Call);
  EXPECT_TRUE(CE) << Call.str();
  return CE && A.Model->tasks().mayRunAt(S, CE);
}

TEST(TasksTest, AJoinEndsTheTaskWhereItRuns) {
  Analysed A = model("void f() { std::thread t(work); use(); t.join(); after(); }");
  const SpawnSite &S = spawn(A, "f");
  EXPECT_TRUE(runsAt(A, S, "f", "use"));
  EXPECT_FALSE(runsAt(A, S, "f", "after"));
  EXPECT_FALSE(A.Model->tasks().outlivesSpawner(S));
}

TEST(TasksTest, AJoinOnOnePathLeavesItRunningOnTheOther) {
  Analysed A = model("void f() { std::thread t(work); if (more()) t.join(); after(); }");
  EXPECT_TRUE(runsAt(A, spawn(A, "f"), "f", "after"));
}

TEST(TasksTest, AnotherTasksJoinDoesNotEndIt) {
  Analysed A = model(R"cpp(
    void f() { std::thread a(work); a.join(); std::thread b(work); after(); b.join(); }
  )cpp");
  EXPECT_FALSE(runsAt(A, spawn(A, "f", 0), "f", "after"));
  EXPECT_TRUE(runsAt(A, spawn(A, "f", 1), "f", "after")) << "a's join is before b starts";
}

TEST(TasksTest, ADetachedTaskOutlivesItsSpawner) {
  Analysed A = model("void f() { std::thread t(work); t.detach(); after(); }");
  const SpawnSite &S = spawn(A, "f");
  EXPECT_TRUE(runsAt(A, S, "f", "after"));
  EXPECT_TRUE(A.Model->tasks().outlivesSpawner(S));
}

TEST(TasksTest, AJoiningHandleEndsItWhereItIsDestroyed) {
  Analysed A = model("void f() { { std::jthread j(work); use(); } after(); }");
  const SpawnSite &S = spawn(A, "f");
  EXPECT_TRUE(runsAt(A, S, "f", "use"));
  EXPECT_FALSE(runsAt(A, S, "f", "after"));
}

TEST(TasksTest, AFuturesGetOrWaitEndsIt) {
  Analysed A = model(R"cpp(
    void f() { auto r = std::async(work); use(); r.get(); after(); }
    void g() { auto r = std::async(work); use(); r.wait(); after(); }
    void h() { std::async(work); after(); }
  )cpp");
  EXPECT_TRUE(runsAt(A, spawn(A, "f"), "f", "use"));
  EXPECT_FALSE(runsAt(A, spawn(A, "f"), "f", "after"));
  EXPECT_FALSE(runsAt(A, spawn(A, "g"), "g", "after")) << "wait is declared in a base class";
  EXPECT_FALSE(runsAt(A, spawn(A, "h"), "h", "after")) << "the temporary future waits";
}

TEST(TasksTest, TheFutureOfAMemberFunctionSpawnIsItsHandle) {
  Analysed A = model(R"cpp(
    void f(Pool &p) { p.submit(work).wait(); after(); }
    void g(Pool &p) { auto r = p.submit(work); use(); r.wait(); after(); }
    void h(Pool &p) { p.submit(work); after(); p.wait(); }
  )cpp");
  EXPECT_FALSE(runsAt(A, spawn(A, "f"), "f", "after"));
  EXPECT_TRUE(runsAt(A, spawn(A, "g"), "g", "use"));
  EXPECT_FALSE(runsAt(A, spawn(A, "g"), "g", "after"));
  EXPECT_TRUE(runsAt(A, spawn(A, "h"), "h", "after"))
      << "a pool's future does not wait when it is dropped";
}

TEST(TasksTest, AWaitGroupEndsTheTasksThatCallDoneOnIt) {
  Analysed A = model(R"cpp(
    void f() {
      csp::wait_group wg, other;
      csp::go([&] { work(); wg.done(); });
      csp::go([&] { work(); });
      use(); wg.wait(); after();
    }
  )cpp");
  EXPECT_TRUE(runsAt(A, spawn(A, "f", 0), "f", "use"));
  EXPECT_FALSE(runsAt(A, spawn(A, "f", 0), "f", "after"));
  EXPECT_TRUE(runsAt(A, spawn(A, "f", 1), "f", "after")) << "it calls no done";
}

TEST(TasksTest, AJoinLoopOverTheContainerEndsEveryElement) {
  Analysed A = model(R"cpp(
    void f() {
      std::vector<std::thread> ts;
      for (int i = 0; i < 4; ++i) ts.emplace_back(work);
      use();
      for (auto &t : ts) t.join();
      after();
    }
  )cpp");
  const SpawnSite &S = spawn(A, "f");
  EXPECT_TRUE(runsAt(A, S, "f", "use"));
  EXPECT_FALSE(runsAt(A, S, "f", "after"));
}

TEST(TasksTest, EmptyingTheContainerOfHandlesEndsThem) {
  // after() runs before the vector's destructor: only the clear() or the
  // assignment over it can end the tasks there.
  Analysed A = model(R"cpp(
    void f() { std::vector<std::jthread> ts; ts.emplace_back(work); use(); ts.clear(); after(); }
    void g() { std::vector<std::jthread> ts; ts.emplace_back(work); use(); ts = {}; after(); }
    void h() { std::vector<std::jthread> ts; ts.emplace_back(work); use(); ts.back().request_stop(); after(); }
  )cpp");
  for (llvm::StringRef Fn : {"f", "g"}) {
    EXPECT_TRUE(runsAt(A, spawn(A, Fn), Fn, "use")) << Fn.str();
    EXPECT_FALSE(runsAt(A, spawn(A, Fn), Fn, "after")) << Fn.str();
  }
  EXPECT_TRUE(runsAt(A, spawn(A, "h"), "h", "after"));
}

TEST(TasksTest, AHandleMovedIntoAnotherIsJoinedThroughIt) {
  Analysed A = model(R"cpp(
    void f() { std::thread t(work); std::thread u(std::move(t)); use(); u.join(); after(); }
  )cpp");
  EXPECT_TRUE(runsAt(A, spawn(A, "f"), "f", "use"));
  EXPECT_FALSE(runsAt(A, spawn(A, "f"), "f", "after"));
}

TEST(TasksTest, AReturnedHandleIsHandedOn) {
  Analysed A = model(R"cpp(
    std::thread f() { std::thread t(work); return t; }
    void g() { std::thread t(work); t.join(); }
  )cpp");
  EXPECT_TRUE(A.Model->tasks().handedOn(spawn(A, "f")));
  EXPECT_FALSE(A.Model->tasks().handedOn(spawn(A, "g")));
}

TEST(TasksTest, ASpawnInALoopRestartsWhileRunningUnlessJoinedInTheIteration) {
  Analysed A = model(R"cpp(
    void f() { std::vector<std::thread> ts; for (int i = 0; i < 4; ++i) ts.emplace_back(work); }
    void g() { for (int i = 0; i < 4; ++i) { std::thread t(work); t.join(); } }
  )cpp");
  TaskLifetimes &T = A.Model->tasks();
  EXPECT_TRUE(T.restartsWhileRunning(spawn(A, "f")));
  EXPECT_TRUE(T.runsRepeatedly(spawn(A, "f")));
  EXPECT_FALSE(T.restartsWhileRunning(spawn(A, "g")));
}

TEST(TasksTest, AJoinBeforeTheSpawnInTheIterationDoesNotEndIt) {
  Analysed A = model(R"cpp(
    void f() {
      std::thread prev;
      for (int i = 0; i < 4; ++i) { if (prev.joinable()) prev.join(); prev = std::thread(work); }
      prev.join();
    }
    void g() { for (int i = 0; i < 4; ++i) { std::thread t(work); use(); t.join(); } }
  )cpp");
  TaskLifetimes &T = A.Model->tasks();
  const auto *LoopF = first<ForStmt>(function(A.AST->getASTContext(), "f")->getBody());
  const auto *LoopG = first<ForStmt>(function(A.AST->getASTContext(), "g")->getBody());
  EXPECT_TRUE(T.outlivesIteration(spawn(A, "f"), LoopF));
  EXPECT_FALSE(T.restartsWhileRunning(spawn(A, "f"))) << "the next iteration joins it first";
  EXPECT_FALSE(T.outlivesIteration(spawn(A, "g"), LoopG));
}

TEST(TasksTest, TasksOfOneSpawnerOverlapUnlessOneEndsBeforeTheOtherStarts) {
  Analysed A = model(R"cpp(
    void f() { std::thread a(work); a.join(); std::thread b(work); b.join(); }
    void g() { std::thread a(work); std::thread b(work); a.join(); b.join(); }
  )cpp");
  TaskLifetimes &T = A.Model->tasks();
  EXPECT_FALSE(T.mayOverlap(spawn(A, "f", 0), spawn(A, "f", 1)));
  EXPECT_TRUE(T.mayOverlap(spawn(A, "g", 0), spawn(A, "g", 1)));
}

TEST(TasksTest, TasksOfDifferentSpawnersOverlapWhenBothOutliveThem) {
  Analysed A = model(R"cpp(
    void f() { std::thread(work).detach(); }
    void g() { std::thread(work).detach(); }
    void h() { std::thread t(work); t.join(); }
  )cpp");
  TaskLifetimes &T = A.Model->tasks();
  EXPECT_TRUE(T.mayOverlap(spawn(A, "f"), spawn(A, "g")));
  EXPECT_FALSE(T.mayOverlap(spawn(A, "f"), spawn(A, "h")));
}

TEST(TasksTest, ATaskStartedByARepeatedTaskRunsRepeatedly) {
  Analysed A = model(R"cpp(
    void inner() { std::thread t(work); t.join(); }
    void f() { std::vector<std::thread> ts; for (int i = 0; i < 4; ++i) ts.emplace_back(inner); }
  )cpp");
  TaskLifetimes &T = A.Model->tasks();
  EXPECT_FALSE(T.restartsWhileRunning(spawn(A, "inner")));
  EXPECT_TRUE(T.startedByRepeatedTask(spawn(A, "inner")));
  EXPECT_TRUE(T.runsRepeatedly(spawn(A, "inner")));
}

TEST(TasksTest, JoinedByNamesTheSpawnsAJoinWaitsFor) {
  Analysed A = model("void f() { std::thread a(work); std::thread b(work); a.join(); b.join(); }");
  const FunctionDecl *F = function(A.AST->getASTContext(), "f");
  const CallExpr *JoinA = callTo(F->getBody(), "join");
  llvm::ArrayRef<const SpawnSite *> Joined = A.Model->tasks().joinedBy(F, JoinA);
  ASSERT_EQ(Joined.size(), 1u);
  EXPECT_EQ(Joined.front(), &spawn(A, "f", 0));
}

TEST(TasksTest, WaitedForNamesTheTasksAWaitGroupWaitWaitsFor) {
  Analysed A = model(R"cpp(
    void f() {
      csp::wait_group wg, other;
      wg.add(2);
      csp::go([&wg] { wg.done(); });
      csp::go([&other] { other.done(); });
      csp::go([&wg] { use(); wg.done(); });
      std::thread t(work);
      wg.wait();
      t.join();
    }
  )cpp");
  const FunctionDecl *F = function(A.AST->getASTContext(), "f");
  TaskLifetimes &T = A.Model->tasks();
  llvm::SmallVector<const SpawnSite *, 4> Waited = T.waitedFor(F, callTo(F->getBody(), "wait"));
  ASSERT_EQ(Waited.size(), 2u);
  EXPECT_TRUE(llvm::is_contained(Waited, &spawn(A, "f", 0)));
  EXPECT_TRUE(llvm::is_contained(Waited, &spawn(A, "f", 2)));
  llvm::SmallVector<const SpawnSite *, 4> Joined = T.waitedFor(F, callTo(F->getBody(), "join"));
  ASSERT_EQ(Joined.size(), 1u);
  EXPECT_EQ(Joined.front(), &spawn(A, "f", 3));
  EXPECT_TRUE(T.waitedFor(F, callTo(F->getBody(), "add")).empty());
}

TEST(TasksTest, AVariableOfTheLoopBodyIsFreshPerIteration) {
  Analysed A = model(R"cpp(
    int total;
    void f() {
      int outside = 0;
      for (int i = 0; i < 4; ++i) { int inside = 0; csp::go([&] { ++inside; ++outside; }); }
    }
  )cpp");
  const SpawnSite &S = spawn(A, "f");
  const FunctionDecl *F = function(A.AST->getASTContext(), "f");
  const auto *Inside = first<DeclStmt>(first<ForStmt>(F->getBody())->getBody());
  const auto *Outside = first<DeclStmt>(F->getBody());
  TaskLifetimes &T = A.Model->tasks();
  EXPECT_TRUE(T.freshPerIteration(cast<ValueDecl>(Inside->getSingleDecl()), S));
  EXPECT_FALSE(T.freshPerIteration(cast<ValueDecl>(Outside->getSingleDecl()), S));
}


/// Whether the task of the \p N-th spawn of \p Fn awaits a signal of the
/// task of spawn \p From, or else of the spawner, before its first call to
/// \p Call.
bool awaits(Analysed &A, llvm::StringRef Fn, unsigned N, llvm::StringRef Call,
            std::optional<unsigned> From = std::nullopt) {
  const SpawnSite &S = spawn(A, Fn, N);
  const CallExpr *At = S.Task ? callTo(S.Task.Fn->getBody(), Call) : nullptr;
  EXPECT_TRUE(At) << Call.str();
  llvm::SmallVector<const SpawnSite *, 1> Givers;
  if (From)
    Givers.push_back(&spawn(A, Fn, *From));
  return At && A.Model->tasks().awaitsBefore(S, At, Givers, /*BySpawner=*/!From);
}

TEST(TasksTest, ACloserThatWaitsForTheWorkersWaitGroup) {
  Analysed A = model(R"cpp(
    void f(int n) {
      auto out = csp::make_chan<int>(); csp::wait_group wg, other;
      csp::go([&] { out.send(1); wg.done(); });
      csp::go([&] { wg.wait(); out.close(); });
      csp::go([&] { other.wait(); out.close(); });
      csp::go([&] { out.close(); wg.wait(); });
      other.done();
    }
  )cpp");
  EXPECT_TRUE(awaits(A, "f", 1, "close", 0)) << "the worker calls done on wg";
  EXPECT_FALSE(awaits(A, "f", 2, "close", 0)) << "the worker never touches other";
  EXPECT_TRUE(awaits(A, "f", 2, "close")) << "the spawner calls done on other";
  EXPECT_FALSE(awaits(A, "f", 1, "close")) << "the spawner never calls done on wg";
  EXPECT_FALSE(awaits(A, "f", 3, "close", 0)) << "the wait comes after the close";
}

TEST(TasksTest, ACloserThatReceivesOrJoins) {
  Analysed A = model(R"cpp(
    void f() {
      auto out = csp::make_chan<int>(); auto ready = csp::make_chan<int>();
      auto quit = csp::make_chan<int>();
      csp::go([&] { out.send(1); ready.close(); });
      csp::go([&] { ready.recv(); out.close(); });
      csp::go([&] { quit.recv(); out.close(); });
      csp::go([&] { std::thread t(work); t.join(); out.close(); });
      quit.close();
    }
  )cpp");
  EXPECT_TRUE(awaits(A, "f", 1, "close", 0)) << "the worker closes ready";
  EXPECT_FALSE(awaits(A, "f", 2, "close", 0)) << "the worker never touches quit";
  EXPECT_TRUE(awaits(A, "f", 2, "close")) << "the spawner closes quit";
  EXPECT_TRUE(awaits(A, "f", 3, "close", 0)) << "a join may be of anything";
}


TEST(TasksTest, AReceiveOfWhatTheTaskSendsEndsIt) {
  Analysed A = model(R"cpp(
    void f(int n) {
      auto out = csp::make_chan<int>();
      for (int i = 0; i < 3; ++i) csp::go([&] { out.send(1); });
      use();
      for (int i = 0; i < 3; ++i) out.recv();
      after();
    }
    void g(int n) {
      auto out = csp::make_chan<int>();
      for (int i = 0; i < n; ++i) { csp::go([&] { out.send(1); }); if (more()) out.recv(); }
      after();
    }
  )cpp");
  EXPECT_TRUE(runsAt(A, spawn(A, "f"), "f", "use"));
  EXPECT_FALSE(runsAt(A, spawn(A, "f"), "f", "after")) << "the loop of receives takes the sends";
  EXPECT_TRUE(runsAt(A, spawn(A, "g"), "g", "after")) << "the receive in the spawning loop may be skipped";
}


TEST(TasksTest, AJoinInsideAnExpressionInALoopOverTheHandles) {
  Analysed A = model(R"cpp(
    int get(std::future<int> &);
    void f(std::vector<std::future<void>> &unused) {
      std::vector<std::future<void>> fs;
      for (int i = 0; i < 3; ++i) fs.push_back(std::async(work));
      int n = 0;
      for (auto &x : fs) { x.wait(); n += 1; }
      after();
    }
  )cpp");
  EXPECT_FALSE(runsAt(A, spawn(A, "f"), "f", "after"));
}

TEST(TasksTest, AHelperThatJoinsEveryElement) {
  Analysed A = model(R"cpp(
    void joinAll(std::vector<std::thread> &ts) { for (auto &t : ts) t.join(); }
    void touch(std::vector<std::thread> &ts) {}
    void f() {
      std::vector<std::thread> ts;
      ts.emplace_back(work);
      touch(ts);
      use();
      joinAll(ts);
      after();
    }
  )cpp");
  EXPECT_TRUE(runsAt(A, spawn(A, "f"), "f", "use")) << "touch joins nothing";
  EXPECT_FALSE(runsAt(A, spawn(A, "f"), "f", "after"));
}

TEST(TasksTest, AWaitGroupTheTaskNamesButIsNotSeenToBeDoneOn) {
  Analysed A = model(R"cpp(
    struct DoneGuard { csp::wait_group &wg; ~DoneGuard() { wg.done(); } };
    void f() {
      csp::wait_group wg, other;
      csp::go([&wg] { DoneGuard g{wg}; work(); });
      other.wait();
      use();
      wg.wait();
      after();
    }
  )cpp");
  const SpawnSite &S = spawn(A, "f");
  EXPECT_TRUE(runsAt(A, S, "f", "use")) << "the task never names other";
  EXPECT_FALSE(runsAt(A, S, "f", "after")) << "the guard's destructor calls done";
}

} // namespace
} // namespace clang::tidy::csp
