// Unit tests of Locks.h: the must-held lockset on the CFG.
#include "TestSupport.h"
#include "analysis/Locks.h"

namespace clang::tidy::csp {
namespace {

/// The mutexes held at the first call to \p Call in \p Fn, by spelling.
std::vector<std::string> heldAt(Analysed &A, llvm::StringRef Fn, llvm::StringRef Call,
                                bool Around = false) {
  const FunctionDecl *F = function(A.AST->getASTContext(), Fn);
  const CallExpr *CE = callTo(F->getBody(), Call);
  EXPECT_TRUE(CE) << Call.str();
  std::vector<std::string> Names;
  if (!CE)
    return Names;
  for (const HeldLock &H : Around ? A.Model->locks().heldAround(F, CE)
                                  : A.Model->locks().heldAt(F, CE))
    Names.push_back(H.Mutex.spelling());
  std::sort(Names.begin(), Names.end());
  return Names;
}

using Names = std::vector<std::string>;
constexpr const char *Decls = "std::mutex m, n; void use(); void after(); bool p();\n";

TEST(LocksTest, AGuardHoldsItsMutexUntilItsScopeEnds) {
  Analysed A = analyse(std::string(Decls) + R"cpp(
    void f() { { std::lock_guard<std::mutex> g(m); use(); } after(); }
  )cpp");
  EXPECT_EQ(heldAt(A, "f", "use"), Names{"m"});
  EXPECT_EQ(heldAt(A, "f", "after"), Names{}) << "the guard's destructor released it";
}

TEST(LocksTest, LockAndUnlockCalls) {
  Analysed A = analyse(std::string(Decls) + "void f() { m.lock(); use(); m.unlock(); after(); }");
  EXPECT_EQ(heldAt(A, "f", "use"), Names{"m"});
  EXPECT_EQ(heldAt(A, "f", "after"), Names{});
}

TEST(LocksTest, UnlockingTheGuardReleasesItsMutex) {
  Analysed A = analyse(std::string(Decls) + R"cpp(
    void f() { std::unique_lock<std::mutex> lk(m); use(); lk.unlock(); after(); }
  )cpp");
  EXPECT_EQ(heldAt(A, "f", "use"), Names{"m"});
  EXPECT_EQ(heldAt(A, "f", "after"), Names{});
}

TEST(LocksTest, ATryLockHoldsTheMutexOnTheBranchWhereItSucceeded) {
  Analysed A = analyse(std::string(Decls) + R"cpp(
    void f() { if (m.try_lock()) { use(); m.unlock(); } else { after(); } }
    void g() { while (!m.try_lock()) after(); use(); m.unlock(); }
    void h() { std::unique_lock<std::mutex> lk(m, std::defer_lock); if (lk.try_lock()) use(); after(); }
  )cpp");
  EXPECT_EQ(heldAt(A, "f", "use"), Names{"m"});
  EXPECT_EQ(heldAt(A, "f", "after"), Names{}) << "the lock was not got";
  EXPECT_EQ(heldAt(A, "g", "use"), Names{"m"}) << "the loop ends once the lock is got";
  EXPECT_EQ(heldAt(A, "g", "after"), Names{});
  EXPECT_EQ(heldAt(A, "h", "use"), Names{"m"});
  EXPECT_EQ(heldAt(A, "h", "after"), Names{}) << "held on one path only";
}

TEST(LocksTest, ADeferredGuardHoldsNothing) {
  Analysed A = analyse(std::string(Decls) + R"cpp(
    void f() { std::unique_lock<std::mutex> lk(m, std::defer_lock); use(); }
  )cpp");
  EXPECT_EQ(heldAt(A, "f", "use"), Names{});
}

TEST(LocksTest, AScopedLockHoldsEveryMutex) {
  Analysed A = analyse(std::string(Decls) + R"cpp(
    void f() { std::scoped_lock<std::mutex, std::mutex> lk(m, n); use(); }
  )cpp");
  EXPECT_EQ(heldAt(A, "f", "use"), (Names{"m", "n"}));
}

TEST(LocksTest, ALockOnOneBranchIsNotSurelyHeld) {
  Analysed A = analyse(std::string(Decls) + R"cpp(
    void f() { if (p()) m.lock(); use(); }
    void g() { if (p()) m.lock(); else m.lock(); use(); }
  )cpp");
  EXPECT_EQ(heldAt(A, "f", "use"), Names{});
  EXPECT_EQ(heldAt(A, "g", "use"), Names{"m"}) << "locked on both paths";
}

TEST(LocksTest, AnUnlockInABranchMeansMaybeReleased) {
  Analysed A = analyse(std::string(Decls) + R"cpp(
    void f() { std::unique_lock<std::mutex> lk(m); if (p()) lk.unlock(); use(); }
  )cpp");
  EXPECT_EQ(heldAt(A, "f", "use"), Names{});
}

TEST(LocksTest, TheLoopBackEdgeSeesTheRelease) {
  Analysed A = analyse(std::string(Decls) + R"cpp(
    void f() { while (p()) { use(); std::lock_guard<std::mutex> g(m); after(); } }
  )cpp");
  EXPECT_EQ(heldAt(A, "f", "use"), Names{}) << "the guard of the last iteration is gone";
  EXPECT_EQ(heldAt(A, "f", "after"), Names{"m"});
}

TEST(LocksTest, MembersAreNamedFromTheirObject) {
  Analysed A = analyse(R"cpp(
    void use();
    struct Q { std::mutex mu; int n; void push(); };
    void Q::push() { std::lock_guard<std::mutex> g(mu); use(); }
  )cpp");
  const CXXMethodDecl *Push = nullptr;
  for (const Decl *D : A.AST->getASTContext().getTranslationUnitDecl()->decls())
    if (const auto *MD = dyn_cast<CXXMethodDecl>(D); MD && MD->hasBody())
      Push = MD;
  ASSERT_TRUE(Push);
  auto Held = A.Model->locks().heldAt(Push, callTo(Push->getBody(), "use"));
  ASSERT_EQ(Held.size(), 1u);
  EXPECT_EQ(Held[0].Mutex.spelling(), "this->mu");
  EXPECT_TRUE(isa<DeclStmt>(Held[0].LockedAt));
}

TEST(LocksTest, ALambdaSeesItsOwnLocksAndAroundItWhenRunInPlace) {
  Analysed A = analyse(std::string(Decls) + R"cpp(
    template <class F> void call(F f) { f(); }
    void f() {
      std::lock_guard<std::mutex> g(m);
      call([&] { use(); });
      csp::go([&] { after(); });
    }
  )cpp");
  EXPECT_EQ(heldAt(A, "f", "use"), Names{}) << "the lambda's body holds nothing itself";
  EXPECT_EQ(heldAt(A, "f", "use", /*Around=*/true), Names{"m"});
  EXPECT_EQ(heldAt(A, "f", "after", /*Around=*/true), Names{}) << "a task runs elsewhere";
}

TEST(LocksTest, LockOfFollowsTheCFGOrder) {
  Analysed A = analyse(std::string(Decls) + R"cpp(
    void lockIt() { std::lock_guard<std::mutex> g(m); }
    void f() { use(); m.lock(); after(); }
    void g() { use(); lockIt(); }
  )cpp");
  ASTContext &Ctx = A.AST->getASTContext();
  const FunctionDecl *F = function(Ctx, "f"), *G = function(Ctx, "g");
  const VarDecl *M = nullptr;
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls())
    if (const auto *V = dyn_cast<VarDecl>(D); V && V->getName() == "m")
      M = V;
  LockAnalysis &L = A.Model->locks();
  EXPECT_TRUE(L.lockOf(F, M));
  EXPECT_FALSE(L.lockOf(F, M, /*Before=*/callTo(F->getBody(), "use")))
      << "the lock comes after use()";
  EXPECT_TRUE(L.lockOf(F, M, /*Before=*/callTo(F->getBody(), "after")));
  EXPECT_FALSE(L.lockOf(F, M, nullptr, /*After=*/callTo(F->getBody(), "after")));
  const Stmt *ViaHelper = L.lockOf(G, M);
  ASSERT_TRUE(ViaHelper);
  EXPECT_EQ(ViaHelper, callTo(G->getBody(), "lockIt")) << "the call stands for the lock";
}


/// The first operation of role \p R in \p Fn's facts.
const Op *opOf(Analysed &A, const FunctionDecl *Fn, Role R) {
  for (const Op &O : A.Model->factsOf(Fn).Ops)
    if (O.Kind == R)
      return &O;
  ADD_FAILURE() << "no such operation";
  return nullptr;
}

constexpr const char *Queue = R"cpp(
struct Queue {
  std::mutex mu; bool closed = false; csp::chan<int> items;
  void push(int v) { std::lock_guard<std::mutex> g(mu); if (!closed) items.send(v); }
  void loosePush(int v) { if (!closed) items.send(v); }
  void shutdown() { { std::lock_guard<std::mutex> g(mu); closed = true; } items.close(); }
  void abrupt() { items.close(); std::lock_guard<std::mutex> g(mu); closed = true; }
};
)cpp";

TEST(LocksTest, HeldDuringAnOperationMadeInAHelper) {
  Analysed A = analyse(std::string(Queue) + R"cpp(
    void f(Queue &q) { q.push(1); }
    void g(Queue &q) { q.loosePush(1); }
    void h(Queue &q) { std::lock_guard<std::mutex> l(q.mu); q.loosePush(1); }
  )cpp");
  ASTContext &Ctx = A.AST->getASTContext();
  auto Held = [&](llvm::StringRef Fn) {
    const FunctionDecl *F = function(Ctx, Fn);
    const Op *Send = opOf(A, F, Role::ChannelSend);
    std::vector<std::string> Names;
    if (Send)
      for (const ValueDecl *D : A.Model->locks().heldDuring(F, *Send))
        Names.push_back(D->getName().str());
    return Names;
  };
  EXPECT_EQ(Held("f"), Names{"mu"}) << "push sends under its own guard";
  EXPECT_EQ(Held("g"), Names{});
  EXPECT_EQ(Held("h"), Names{"mu"}) << "the caller holds it around the call";
}

TEST(LocksTest, LocksBeforeAnOperation) {
  Analysed A = analyse(std::string(Queue) + R"cpp(
    void f(Queue &q) { q.shutdown(); }
    void g(Queue &q) { q.abrupt(); }
    void h(Queue &q) { q.mu.lock(); q.closed = true; q.mu.unlock(); q.items.close(); }
  )cpp");
  ASTContext &Ctx = A.AST->getASTContext();
  auto Locks = [&](llvm::StringRef Fn) {
    const FunctionDecl *F = function(Ctx, Fn);
    const Op *Close = opOf(A, F, Role::ChannelClose);
    const CallExpr *Lock = callTo(function(Ctx, "h")->getBody(), "lock");
    const ValueDecl *M = Lock ? objectOf(roleObject(Lock)).decl() : nullptr;
    return Close && M && A.Model->locks().locksBefore(F, *Close, M);
  };
  EXPECT_TRUE(Locks("f")) << "shutdown takes mu, then closes";
  EXPECT_FALSE(Locks("g")) << "abrupt closes first";
  EXPECT_TRUE(Locks("h"));
}

} // namespace
} // namespace clang::tidy::csp
