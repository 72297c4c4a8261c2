// Unit tests of Feedback.h (sends that wait, loops that put back what they
// take, other receivers, the receive-only view), of the channel direction
// roles in ApiRoles.h, and of Loops.h's continuesLoop.
#include "TestSupport.h"
#include "analysis/Feedback.h"
#include "analysis/Loops.h"

namespace clang::tidy::csp {
namespace {

constexpr const char *Decls = R"cpp(
namespace q {
template <class T> struct In { T recv() const; T *begin() const; T *end() const; };
template <class T> struct Ch {
  struct R { T v; bool ok; };
  void send(T) const; bool try_send(T) const; T recv() const; R recv_ok() const;
  bool pop(T &) const; void close() const;
  T *begin() const; T *end() const;
  operator In<T>() const;
};
template <class T> Ch<T> make(int capacity = 0);
template <class T, class H> int send_case(const Ch<T> &, T, H) { return 0; }
template <class H> int default_case(H) { return 0; }
template <class... C> void select(C &&...) {}
}
void use(int); bool ok(int);
)cpp";

std::map<std::string, std::string> options() {
  return {{"ChannelTypes", "::q::Ch;::q::In"},
          {"ChannelSendFunctions", "::q::Ch::send;::q::Ch::try_send"},
          {"ChannelReceiveFunctions", "::q::Ch::recv;::q::In::recv"},
          {"ChannelReceiveWithStatusFunctions", "::q::Ch::recv_ok;::q::Ch::pop"},
          {"ChannelCloseFunctions", "::q::Ch::close"},
          {"MakeChannelFunctions", "::q::make"},
          {"SelectSendCaseFunctions", "::q::send_case"},
          {"ReceiveOnlyChannelTypes", "::q::In"},
          {"SendOnlyChannelTypes", ""}};
}

/// Every operation blocks but a direct `try_send` (Drain.h's blocksUnless
/// with NonBlockingFunctions naming it).
bool blocking(const Op &O) {
  const auto *Call = dyn_cast<CallExpr>(O.Site);
  const FunctionDecl *FD = Call && !O.Via ? Call->getDirectCallee() : nullptr;
  return !(FD && FD->getIdentifier() && FD->getName() == "try_send");
}

struct Fixture {
  Analysed A;
  explicit Fixture(llvm::StringRef Code) : A(analyse(std::string(Decls) + Code.str(), options())) {}
  ConcurrencyModel &model() { return *A.Model; }
  const FunctionDecl *fn(llvm::StringRef Name) {
    const FunctionDecl *F = function(A.AST->getASTContext(), Name);
    EXPECT_TRUE(F) << Name.str();
    return F;
  }
  /// The body of the first task f starts.
  const FunctionDecl *task(llvm::StringRef Spawner = "f") {
    for (const SpawnSite &S : model().spawns())
      if (S.Spawner == fn(Spawner))
        return S.Task.Fn;
    ADD_FAILURE() << "no task";
    return nullptr;
  }
  /// The first send in \p Body's facts.
  const Op *send(const FunctionDecl *Body) {
    for (const Op &O : model().factsOf(Body).Ops)
      if (O.Kind == Role::ChannelSend)
        return &O;
    ADD_FAILURE() << "no send";
    return nullptr;
  }
  std::vector<FeedbackLoop> loops(const FunctionDecl *Body) {
    return feedbackLoops(model(), Body, blocking);
  }
};


TEST(FeedbackTest, DirectionRolesAndTheViewToSuggest) {
  Fixture X(R"cpp(
    void f(q::Ch<int> c, q::In<int> in) {}
  )cpp");
  const FunctionDecl *F = X.fn("f");
  const ApiRoles &Roles = X.model().roles();
  EXPECT_EQ(Roles.directionOf(F->getParamDecl(1)->getType()), TypeRole::ReceiveOnlyView);
  EXPECT_EQ(Roles.directionOf(F->getParamDecl(0)->getType()), TypeRole::None);
  EXPECT_EQ(Roles.roleOf(F->getParamDecl(1)->getType()), TypeRole::Channel)
      << "a view is still a channel";
  EXPECT_EQ(receiveOnlyViewType(X.model(), F->getParamDecl(0)->getType()), "q::In<int>");

  Fixture Csp(R"cpp(
    void g(csp::chan<long> c) {}
  )cpp");
  const CXXRecordDecl *Chan =
      Csp.fn("g")->getParamDecl(0)->getType()->getAsCXXRecordDecl();
  EXPECT_EQ(Csp.model().roles().receiveOnlyViewFor(Chan), "")
      << "the options name no view in namespace csp";
  EXPECT_EQ(defaultRoles().receiveOnlyViewFor(Chan), "csp::recv_chan");
}

TEST(FeedbackTest, SelectCasesAndSendsThatWait) {
  Fixture X(R"cpp(
    void only(q::Ch<int> c) { q::select(q::send_case(c, 1, [] {})); }
    void withDefault(q::Ch<int> c) { q::select(q::send_case(c, 1, [] {}), q::default_case([] {})); }
    void kept(q::Ch<int> c) { auto k = q::send_case(c, 1, [] {}); q::select(k); }
    void plain(q::Ch<int> c) { c.send(1); }
    void tries(q::Ch<int> c) { c.try_send(1); }
    void viaHelper(q::Ch<int> c) { plain(c); }
    void viaTrying(q::Ch<int> c) { tries(c); }
  )cpp");
  auto Waits = [&](llvm::StringRef Fn) {
    return sendWaits(X.model(), *X.send(X.fn(Fn)), blocking);
  };
  EXPECT_FALSE(selectHasAlternatives(X.model(), X.send(X.fn("only"))->Site));
  EXPECT_TRUE(selectHasAlternatives(X.model(), X.send(X.fn("withDefault"))->Site));
  EXPECT_TRUE(selectHasAlternatives(X.model(), X.send(X.fn("kept"))->Site))
      << "a select that cannot be seen may have other cases";
  EXPECT_TRUE(Waits("only"));
  EXPECT_FALSE(Waits("withDefault"));
  EXPECT_FALSE(Waits("kept"));
  EXPECT_TRUE(Waits("plain"));
  EXPECT_FALSE(Waits("tries"));
  EXPECT_TRUE(Waits("viaHelper"));
  EXPECT_FALSE(Waits("viaTrying"));
}

TEST(FeedbackTest, LoopsThatPutBackWhatTheyTake) {
  Fixture X(R"cpp(
    void range(q::Ch<int> c) { for (int v : c) { use(v); c.send(v + 1); } }
    void untilClosed(q::Ch<int> c) {
      for (;;) { auto [v, got] = c.recv_ok(); if (!got) break; c.send(v / 2); }
    }
    void forever(q::Ch<int> c) { while (true) { int v = c.recv(); c.send(v - 1); } }
    void statusCondition(q::Ch<int> c) { int v; while (c.pop(v)) c.send(v * 2); }
    void branchesBefore(q::Ch<int> c) { for (int v : c) { if (ok(v)) use(v); else use(-v); c.send(-v); } }
    void onlySome(q::Ch<int> c) { for (int v : c) if (ok(v)) c.send(v + 1); }
    void continues(q::Ch<int> c) { for (int v : c) { if (!ok(v)) continue; c.send(v + 1); } }
    void wayOut(q::Ch<int> c) { for (int v : c) { if (v == 0) return; c.send(v - 1); } }
    void condition(q::Ch<int> c, const bool &run) { while (run) { int v = c.recv(); c.send(v + 1); } }
    void other(q::Ch<int> c, q::Ch<int> d) { for (int v : c) d.send(v); }
    void innerLoop(q::Ch<int> c) { for (int v : c) for (int i = 0; i < v; ++i) c.send(i); }
    void nonBlocking(q::Ch<int> c) { for (int v : c) c.try_send(v + 1); }
    void selectDefault(q::Ch<int> c) {
      for (int v : c) q::select(q::send_case(c, v + 1, [] {}), q::default_case([] {}));
    }
    void view(q::Ch<int> c) { q::In<int> in = c; for (int v : in) c.send(v + 1); }
    void givesBack(q::Ch<int> c) { for (int v : c) { use(v); c.send(v); } }
    void borrows(q::Ch<int> c) { for (;;) { int v; v = c.recv(); use(v); c.send(static_cast<int &&>(v)); } }
    void token(q::Ch<int> c) { for (;;) { c.recv(); use(0); c.send(1); } }
    void lambdaHandler(q::Ch<int> c) { for (int v : c) { auto h = [&] { c.send(v + 1); }; use(0); } }
    void state(q::Ch<int> jobs, q::Ch<int> s) { for (;;) { jobs.recv(); int v = s.recv(); s.send(v + 1); } }
    void stateFirst(q::Ch<int> jobs, q::Ch<int> s) { for (;;) { int v = s.recv(); use(jobs.recv()); s.send(v + 1); } }
    void drivenSometimes(q::Ch<int> c, q::Ch<int> d) {
      for (;;) { int v = c.recv(); if (ok(v)) use(d.recv()); c.send(v + 1); }
    }
    void rangeWithState(q::Ch<int> c, q::Ch<int> s) {
      for (int v : c) { int n = s.recv(); s.send(n + 1); c.send(v + n); }
    }
  )cpp");
  for (const char *Fn : {"range", "untilClosed", "forever", "statusCondition", "branchesBefore",
                         "drivenSometimes", "rangeWithState"}) {
    std::vector<FeedbackLoop> L = X.loops(X.fn(Fn));
    ASSERT_EQ(L.size(), 1u) << Fn;
    EXPECT_EQ(L[0].Send->Kind, Role::ChannelSend) << Fn;
    EXPECT_TRUE(isReceive(L[0].Receive->Kind)) << Fn;
    EXPECT_TRUE((isa<ForStmt, WhileStmt, CXXForRangeStmt>(L[0].Loop))) << Fn;
  }
  for (const char *Fn : {"onlySome", "continues", "wayOut", "condition", "other", "innerLoop",
                         "nonBlocking", "selectDefault", "view", "givesBack", "borrows", "token",
                         "lambdaHandler", "state", "stateFirst"})
    EXPECT_TRUE(X.loops(X.fn(Fn)).empty()) << Fn;
}

TEST(FeedbackTest, HelpersOnBothSides) {
  Fixture X(R"cpp(
    int take(q::Ch<int> c) { return c.recv(); }
    void put(q::Ch<int> c, int v) { c.send(v); }
    void maybePut(q::Ch<int> c, int v) { if (ok(v)) c.send(v); }
    void both(q::Ch<int> c) { for (;;) { int v = take(c); put(c, v + 1); } }
    void bothBack(q::Ch<int> c) { for (;;) { int v = take(c); put(c, v); } }
    void maybe(q::Ch<int> c) { for (;;) { int v = take(c); maybePut(c, v + 1); } }
  )cpp");
  std::vector<FeedbackLoop> L = X.loops(X.fn("both"));
  ASSERT_EQ(L.size(), 1u);
  EXPECT_EQ(L[0].Send->Via, X.fn("put"));
  EXPECT_EQ(L[0].Receive->Via, X.fn("take"));
  EXPECT_TRUE(X.loops(X.fn("maybe")).empty());
  EXPECT_TRUE(X.loops(X.fn("bothBack")).empty()) << "the helper is given back what was taken";
}

/// Whether something other than the first task \p Spawner starts receives
/// from the channel that task sends into.
bool elsewhere(Fixture &X, llvm::StringRef Spawner) {
  const FunctionDecl *T = X.task(Spawner);
  const Op *S = T ? X.send(T) : nullptr;
  return S && receivedElsewhere(X.model(), T, S->Object);
}

TEST(FeedbackTest, OtherReceivers) {
  Fixture X(R"cpp(
    void f() {
      auto c = q::make<int>(4);
      csp::go([c] { for (int v : c) c.send(v + 1); });
      c.send(1);
    }
    void g() {
      auto c = q::make<int>(4);
      csp::go([c] { for (int v : c) c.send(v + 1); });
      use(c.recv());
    }
    void m() {
      auto c = q::make<int>(4);
      csp::go([c] { for (int v : c) { [&] { use(c.recv()); }(); c.send(v + 1); } });
    }
    void n() {
      auto c = q::make<int>(4);
      csp::go([c] { for (int v : c) c.send(v + 1); });
      csp::go([c] { use(c.recv()); });
    }
  )cpp");
  EXPECT_FALSE(elsewhere(X, "f"));
  EXPECT_TRUE(elsewhere(X, "g")) << "the spawner receives too";
  EXPECT_FALSE(elsewhere(X, "m")) << "a lambda the task runs is the task's";
  EXPECT_TRUE(elsewhere(X, "n")) << "another task receives";
}

TEST(FeedbackTest, OtherReceiversThroughHelpers) {
  // Each in a translation unit of its own: a helper's parameter joins
  // every channel passed to it.
  constexpr const char *Take = "int take(q::Ch<int> c) { return c.recv(); }\n";
  Fixture Own((std::string(Take) + R"cpp(
    void f() {
      auto c = q::make<int>(4);
      csp::go([c] { for (;;) { int v = take(c); c.send(v + 1); } });
      c.send(1);
    }
  )cpp").c_str());
  EXPECT_FALSE(elsewhere(Own, "f")) << "the task's own helper";
  Fixture Shared((std::string(Take) + R"cpp(
    void f() {
      auto c = q::make<int>(4);
      csp::go([c] { for (;;) { int v = take(c); c.send(v + 1); } });
      use(take(c));
    }
  )cpp").c_str());
  EXPECT_TRUE(elsewhere(Shared, "f")) << "the helper is called from elsewhere too";
}

TEST(LoopsTest, ContinuesTheLoop) {
  Fixture X(R"cpp(
    void a(int n) { while (n) { switch (n) { case 1: continue; } use(n); } }
    void b(int n) { while (n) { for (int i = 0; i < n; ++i) continue; auto l = [] { for (;;) continue; }; } }
  )cpp");
  auto Body = [&](llvm::StringRef Fn) {
    return loopBody(first<WhileStmt>(X.fn(Fn)->getBody()));
  };
  EXPECT_TRUE(continuesLoop(Body("a")));
  EXPECT_FALSE(continuesLoop(Body("b")));
}

} // namespace
} // namespace clang::tidy::csp
