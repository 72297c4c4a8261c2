// Unit tests of Flow.h, the forward dataflow engine, with toy analyses.
#include "TestSupport.h"
#include "analysis/Flow.h"

#include "clang/Analysis/CFG.h"

#include <set>

namespace clang::tidy::csp {
namespace {

/// The callee names called on every path (must): intersection at joins.
struct MustCall {
  struct State {
    std::set<std::string> Names;
    bool operator==(const State &O) const { return Names == O.Names; }
  };
  State entry() const { return {}; }
  State join(const State &A, const State &B) const {
    State Out;
    for (const std::string &N : A.Names)
      if (B.Names.count(N))
        Out.Names.insert(N);
    return Out;
  }
  void transfer(const CFGElement &E, State &S) const {
    if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
      if (const auto *CE = dyn_cast<CallExpr>(CS->getStmt()))
        if (const FunctionDecl *FD = CE->getDirectCallee())
          S.Names.insert(FD->getNameAsString());
  }
};

/// The callee names called on some path (may): union at joins.
struct MayCall : MustCall {
  State join(const State &A, const State &B) const {
    State Out = A;
    Out.Names.insert(B.Names.begin(), B.Names.end());
    return Out;
  }
};

/// Counts calls along a path: a lattice of infinite height around a loop.
struct Counter {
  struct State {
    unsigned N = 0;
    bool operator==(const State &O) const { return N == O.N; }
  };
  State entry() const { return {}; }
  State join(const State &A, const State &B) const { return {std::max(A.N, B.N)}; }
  void transfer(const CFGElement &E, State &S) const {
    if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>(); CS && isa<CallExpr>(CS->getStmt()))
      ++S.N;
  }
};

struct Graph {
  Analysed A;
  std::unique_ptr<CFG> G;
  const FunctionDecl *F = nullptr;
};

Graph graphOf(llvm::StringRef Code, llvm::StringRef Fn = "f") {
  Graph R{analyse(Code), nullptr, nullptr};
  R.F = function(R.A.AST->getASTContext(), Fn);
  R.G = CFG::buildCFG(R.F, R.F->getBody(), &R.A.AST->getASTContext(), CFG::BuildOptions());
  EXPECT_TRUE(R.G);
  return R;
}

/// The position of the first call to \p Name in \p G.
CFGPosition positionOfCall(const CFG &G, llvm::StringRef Name) {
  for (const CFGBlock *B : G) {
    unsigned I = 0;
    for (const CFGElement &E : *B) {
      if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
        if (const auto *CE = dyn_cast<CallExpr>(CS->getStmt()))
          if (CE->getDirectCallee() && CE->getDirectCallee()->getName() == Name)
            return {B, I};
      ++I;
    }
  }
  ADD_FAILURE() << "no call to " << Name.str();
  return {nullptr, 0};
}

template <class Analysis>
typename Analysis::State before(const Graph &R, const Analysis &A, llvm::StringRef Call) {
  DataflowResult<typename Analysis::State> Result = solveForward(*R.G, A);
  EXPECT_TRUE(Result.Complete);
  std::optional<typename Analysis::State> S =
      stateBefore(Result, A, positionOfCall(*R.G, Call));
  EXPECT_TRUE(S) << Call.str();
  return S ? *S : typename Analysis::State();
}

constexpr const char *Calls = "void a(); void b(); void c(); void d(); bool p();\n";

TEST(FlowTest, StraightLineCarriesTheState) {
  Graph R = graphOf(std::string(Calls) + "void f() { a(); b(); c(); }");
  EXPECT_EQ(before(R, MustCall(), "c").Names, (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(before(R, MustCall(), "a").Names, std::set<std::string>{});
}

TEST(FlowTest, MustJoinKeepsWhatBothBranchesDo) {
  Graph R = graphOf(std::string(Calls) + "void f() { if (p()) { a(); b(); } else { a(); } c(); }");
  EXPECT_EQ(before(R, MustCall(), "c").Names, (std::set<std::string>{"a", "p"}));
}

TEST(FlowTest, MayJoinKeepsWhatEitherBranchDoes) {
  Graph R = graphOf(std::string(Calls) + "void f() { if (p()) a(); else b(); c(); }");
  EXPECT_EQ(before(R, MayCall(), "c").Names, (std::set<std::string>{"a", "b", "p"}));
}

TEST(FlowTest, ALoopBodyMayHaveRunBeforeItself) {
  Graph R = graphOf(std::string(Calls) + "void f() { while (p()) { a(); b(); } c(); }");
  EXPECT_EQ(before(R, MayCall(), "a").Names, (std::set<std::string>{"a", "b", "p"}))
      << "the back edge brings the previous iteration's calls";
  EXPECT_EQ(before(R, MustCall(), "a").Names, std::set<std::string>{"p"});
  EXPECT_EQ(before(R, MustCall(), "c").Names, std::set<std::string>{"p"})
      << "the loop may run zero times";
}

TEST(FlowTest, EarlyReturnLeavesTheLaterPathsAlone) {
  Graph R = graphOf(std::string(Calls) + "void f() { if (p()) { a(); return; } b(); c(); }");
  EXPECT_EQ(before(R, MayCall(), "c").Names, (std::set<std::string>{"b", "p"}));
}

TEST(FlowTest, UnreachableBlocksHaveNoState) {
  Graph R = graphOf(std::string(Calls) + "void f() { return; a(); }");
  DataflowResult<MustCall::State> Result = solveForward(*R.G, MustCall());
  EXPECT_FALSE(stateBefore(Result, MustCall(), positionOfCall(*R.G, "a")));
}

TEST(FlowTest, AnInfiniteLatticeIsCutOffAndSaysSo) {
  Graph R = graphOf(std::string(Calls) + "void f() { while (p()) a(); }");
  DataflowResult<Counter::State> Result = solveForward(*R.G, Counter(), /*MaxVisitsPerBlock=*/4);
  EXPECT_FALSE(Result.Complete);
}

TEST(FlowTest, AFiniteLatticeConvergesAroundNestedLoops) {
  Graph R = graphOf(std::string(Calls) +
                    "void f() { for (int i = 0; i < 3; ++i) { while (p()) { a(); } b(); } c(); }");
  DataflowResult<MayCall::State> Result = solveForward(*R.G, MayCall());
  EXPECT_TRUE(Result.Complete);
  std::optional<MayCall::State> AtA = stateBefore(Result, MayCall(), positionOfCall(*R.G, "a"));
  ASSERT_TRUE(AtA);
  EXPECT_TRUE(AtA->Names.count("b")) << "the outer loop's back edge";
}

TEST(FlowTest, ReversePostOrderPutsPredecessorsFirst) {
  Graph R = graphOf(std::string(Calls) + "void f() { if (p()) a(); else b(); c(); d(); }");
  llvm::SmallVector<const CFGBlock *, 16> Order = reversePostOrder(*R.G);
  ASSERT_FALSE(Order.empty());
  EXPECT_EQ(Order.front(), &R.G->getEntry());
  llvm::DenseMap<const CFGBlock *, unsigned> Rank;
  for (unsigned I = 0; I < Order.size(); ++I)
    Rank[Order[I]] = I;
  // No loop: every edge goes forward.
  for (const CFGBlock *B : Order)
    for (const CFGBlock *S : B->succs())
      if (S)
        EXPECT_LT(Rank[B], Rank[S]);
}

TEST(FlowTest, StateBeforeCountsOnlyEarlierElementsOfTheBlock) {
  Graph R = graphOf(std::string(Calls) + "void f() { a(); b(); a(); }");
  EXPECT_EQ(before(R, Counter(), "b").N, 1u);
  EXPECT_EQ(before(R, Counter(), "a").N, 0u) << "the first call to a";
}

TEST(FlowTest, EdgesThatCannotBeTakenAreSkipped) {
  // The CFG keeps a null successor for the branch a constant condition
  // prunes; the walk must step over it (it crashed following it).
  Graph R = graphOf(std::string(Calls) + "void f() { if (true) a(); else b(); c(); }");
  DataflowResult<MayCall::State> Result = solveForward(*R.G, MayCall());
  EXPECT_TRUE(Result.Complete);
  std::optional<MayCall::State> AtC = stateBefore(Result, MayCall(), positionOfCall(*R.G, "c"));
  ASSERT_TRUE(AtC);
  EXPECT_EQ(AtC->Names, std::set<std::string>{"a"});
}

} // namespace
} // namespace clang::tidy::csp
