// Unit tests of ChannelState.h: whether a channel may or must be closed
// where, from a body's closes, its helpers', its guards' and its tasks'.
#include "TestSupport.h"
#include "analysis/ChannelState.h"

namespace clang::tidy::csp {
namespace {

constexpr const char *Decls = R"cpp(
void use(); void after(); bool more();
template <class F> struct final_action { F f; ~final_action() { f(); } };
template <class F> final_action<F> finally(F f) { return {f}; }
template <class F> struct Guard { Guard(int *p, F f) : f(f) {} ~Guard() {} F f; };
void shut(csp::chan<int> &c) { c.close(); }
void maybe_shut(csp::chan<int> &c) { if (more()) c.close(); }
struct Pipe { csp::chan<int> out; };
)cpp";

struct Fixture {
  Analysed A;
  const FunctionDecl *F = nullptr;

  explicit Fixture(llvm::StringRef Code) : A(analyse(std::string(Decls) + Code.str())) {
    F = function(A.AST->getASTContext(), "f");
    EXPECT_TRUE(F);
  }
  const ChannelStates &states() { return A.Model->channelStates(F); }
  /// Just before the \p N-th call to \p Call in f's own body.
  CFGPosition at(llvm::StringRef Call) {
    const CallExpr *CE = callTo(F->getBody(), Call);
    EXPECT_TRUE(CE) << Call.str();
    std::optional<CFGPosition> P = A.Model->flowGraphOf(F).position(CE);
    EXPECT_TRUE(P) << Call.str();
    return P ? *P : CFGPosition();
  }
  /// The parameter or local named \p Name, as a channel.
  ChannelHandle channel(llvm::StringRef Name, llvm::StringRef Member = "") {
    const auto *Ref = first<DeclRefExpr>(F->getBody(), [&](const DeclRefExpr *R) {
      return R->getDecl()->getName() == Name;
    });
    EXPECT_TRUE(Ref) << Name.str();
    if (!Ref)
      return {};
    if (Member.empty())
      return {Ref->getDecl(), nullptr, true};
    const auto *ME = first<MemberExpr>(F->getBody(), [&](const MemberExpr *M) {
      return M->getMemberDecl()->getName() == Member;
    });
    return {ME ? ME->getMemberDecl() : nullptr, Ref->getDecl(), ME != nullptr};
  }
  /// How many closes some path to \p Call performed last; \p Must set when
  /// every path did.
  size_t closedAt(llvm::StringRef Call, bool &Must, llvm::StringRef Name = "ch") {
    return states().closedBefore(at(Call), channel(Name), &Must).size();
  }
};

TEST(ChannelStateTest, AChannelNobodyClosesIsOpen) {
  Fixture X("void f(csp::chan<int> ch) { ch.send(1); use(); }");
  bool Must = true;
  EXPECT_EQ(X.closedAt("use", Must), 0u);
  EXPECT_FALSE(Must);
  EXPECT_TRUE(X.states().closes().empty());
}

TEST(ChannelStateTest, ACloseOnThePathClosesIt) {
  Fixture X("void f(csp::chan<int> ch) { ch.close(); use(); }");
  bool Must = false;
  EXPECT_EQ(X.closedAt("use", Must), 1u);
  EXPECT_TRUE(Must);
}

TEST(ChannelStateTest, ACloseOnOneBranchMayHaveClosedIt) {
  Fixture X("void f(csp::chan<int> ch) { if (more()) ch.close(); use(); }");
  bool Must = true;
  EXPECT_EQ(X.closedAt("use", Must), 1u);
  EXPECT_FALSE(Must);
}

TEST(ChannelStateTest, ClosesOnBothBranchesMustHaveClosedIt) {
  Fixture X("void f(csp::chan<int> ch) { if (more()) ch.close(); else ch.close(); use(); }");
  bool Must = false;
  EXPECT_EQ(X.closedAt("use", Must), 2u);
  EXPECT_TRUE(Must);
}

TEST(ChannelStateTest, AReassignmentMakesANewOpenChannel) {
  Fixture X(R"cpp(
    void f(csp::chan<int> ch) { ch.close(); ch = csp::make_chan<int>(); use(); }
  )cpp");
  bool Must = true;
  EXPECT_EQ(X.closedAt("use", Must), 0u);
  EXPECT_FALSE(Must);
}

TEST(ChannelStateTest, ALoopCarriesItsCloseToTheNextIteration) {
  Fixture X("void f(csp::chan<int> ch) { for (int i = 0; i < 3; ++i) { use(); ch.close(); } }");
  bool Must = true;
  EXPECT_EQ(X.closedAt("use", Must), 1u);
  EXPECT_FALSE(Must);
  ASSERT_EQ(X.states().closes().size(), 1u);
  EXPECT_TRUE(X.states().closesAgain(X.states().closes()[0]));
}

TEST(ChannelStateTest, ALoopLeftAfterItsCloseDoesNotCloseAgain) {
  Fixture X(R"cpp(
    void f(csp::chan<int> ch) { for (;;) { if (more()) continue; ch.close(); break; } }
  )cpp");
  ASSERT_EQ(X.states().closes().size(), 1u);
  EXPECT_FALSE(X.states().closesAgain(X.states().closes()[0]));
}

TEST(ChannelStateTest, ANewChannelPerIterationIsNotClosedAgain) {
  Fixture X(R"cpp(
    void f() { for (int i = 0; i < 3; ++i) { auto ch = csp::make_chan<int>(); ch.close(); } }
  )cpp");
  ASSERT_EQ(X.states().closes().size(), 1u);
  EXPECT_FALSE(X.states().closesAgain(X.states().closes()[0]));
}

TEST(ChannelStateTest, AGuardClosesWhereItsScopeEnds) {
  Fixture X(R"cpp(
    void f(csp::chan<int> ch) { { auto g = finally([&] { ch.close(); }); use(); } after(); }
  )cpp");
  bool Must = true;
  EXPECT_EQ(X.closedAt("use", Must), 0u);
  EXPECT_EQ(X.closedAt("after", Must), 1u);
  EXPECT_TRUE(Must);
}

TEST(ChannelStateTest, AGuardThatHoldsNothingDoesNotClose) {
  Fixture X(R"cpp(
    void f(csp::chan<int> ch, int *p) {
      { Guard g(nullptr, [&](int *) { ch.close(); }); } use();
      { Guard h(p, [&](int *) { ch.close(); }); } after();
    }
  )cpp");
  bool Must = true;
  EXPECT_EQ(X.closedAt("use", Must), 0u);
  EXPECT_EQ(X.closedAt("after", Must), 1u);
  EXPECT_TRUE(Must);
}

TEST(ChannelStateTest, AHelperThatAlwaysClosesClosesIt) {
  Fixture X("void f(csp::chan<int> ch) { shut(ch); use(); }");
  bool Must = false;
  EXPECT_EQ(X.closedAt("use", Must), 1u);
  EXPECT_TRUE(Must);
}

TEST(ChannelStateTest, AHelperThatClosesOnSomeCallsMayHaveClosedIt) {
  Fixture X("void f(csp::chan<int> ch) { maybe_shut(ch); use(); }");
  bool Must = true;
  EXPECT_EQ(X.closedAt("use", Must), 1u);
  EXPECT_FALSE(Must);
}

TEST(ChannelStateTest, ATaskThatClosesOnEveryRunCountsAtItsSpawn) {
  Fixture X(R"cpp(
    void f(csp::chan<int> ch) { use(); csp::go([&] { ch.close(); }); after(); }
  )cpp");
  bool Must = true;
  EXPECT_EQ(X.closedAt("use", Must), 0u);
  EXPECT_EQ(X.closedAt("after", Must), 1u);
  EXPECT_TRUE(Must);
  ASSERT_EQ(X.states().closes().size(), 1u);
  EXPECT_TRUE(X.states().closes()[0].Spawn);
}

TEST(ChannelStateTest, AHelperThatMayReturnBeforeItsCloseMayHaveClosedIt) {
  Fixture X(R"cpp(
    void early(csp::chan<int> c) { if (more()) return; c.close(); }
    void f(csp::chan<int> ch) { early(ch); use(); }
  )cpp");
  bool Must = true;
  EXPECT_EQ(X.closedAt("use", Must), 1u);
  EXPECT_FALSE(Must) << "the early return skips the close";
}

TEST(ChannelStateTest, ATaskThatMayReturnBeforeItsCloseDoesNotCount) {
  Fixture X(R"cpp(
    void f(csp::chan<int> ch) { csp::go([&] { if (more()) return; ch.close(); }); use(); }
  )cpp");
  EXPECT_TRUE(X.states().closes().empty());
}

TEST(ChannelStateTest, AnInitCaptureClosesWhatItWasInitializedFrom) {
  Fixture X(R"cpp(
    void f(csp::chan<int> ch) { use(); csp::go([c = ch] { c.close(); }); after(); }
  )cpp");
  bool Must = false;
  EXPECT_EQ(X.closedAt("after", Must), 1u);
  EXPECT_TRUE(Must);
}

TEST(ChannelStateTest, ATaskThatClosesOnlySometimesDoesNotCount) {
  Fixture X(R"cpp(
    void f(csp::chan<int> ch) { csp::go([&] { if (more()) ch.close(); }); use(); }
  )cpp");
  EXPECT_TRUE(X.states().closes().empty());
}

TEST(ChannelStateTest, TheSameMemberOfTwoObjectsIsTwoChannels) {
  Fixture X("void f(Pipe &a, Pipe &b) { a.out.close(); use(); b.out.send(1); }");
  EXPECT_EQ(X.states().closedBefore(X.at("use"), X.channel("a", "out")).size(), 1u);
  EXPECT_EQ(X.states().closedBefore(X.at("use"), X.channel("b", "out")).size(), 0u);
}

TEST(ChannelStateTest, ACloseAfterAMaybeCloseIsSurelyASecondOne) {
  // The second close runs whenever the first did (it post-dominates it).
  Fixture X("void f(csp::chan<int> ch) { if (more()) ch.close(); use(); }");
  EXPECT_TRUE(X.states().surelyClosedBefore(X.at("use"), true, X.channel("ch")));
  EXPECT_FALSE(X.states().surelyClosedBefore(X.at("use"), false, X.channel("ch")));
}

TEST(ChannelStateTest, ACloseBehindACloseOnEveryPathIsSurelyASecondOne) {
  // The first close comes before it on every path (it dominates it).
  Fixture X("void f(csp::chan<int> ch) { ch.close(); if (more()) use(); }");
  EXPECT_TRUE(X.states().surelyClosedBefore(X.at("use"), false, X.channel("ch")));
}

TEST(ChannelStateTest, ClosesUnderSeparateConditionsMayExcludeEachOther) {
  Fixture X(R"cpp(
    void f(csp::chan<int> ch, bool a) { if (a) ch.close(); if (!a) use(); }
  )cpp");
  EXPECT_FALSE(X.states().surelyClosedBefore(X.at("use"), true, X.channel("ch")));
}

} // namespace
} // namespace clang::tidy::csp
