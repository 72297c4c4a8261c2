//===--- Flow.h - a small forward dataflow engine on Clang's CFG ----------===//
//
// The checks' analyses along paths (which mutexes are surely held, a
// channel's state) are instances of one engine, on the model of Clang's
// dataflow framework: a lattice of states, a transfer function per CFG
// element, a join where paths meet, iterated to a fixpoint in reverse
// post-order.
//
// An analysis is a class with
//   using State = ...;                       // copyable, operator==
//   State entry() const;                     // at the body's entry
//   void transfer(const CFGElement &, State &) const;
//   State join(const State &, const State &) const;
// and, if the analysis learns from a branch's outcome, optionally
//   void transferEdge(const CFGBlock &From, unsigned Succ, State &) const;
// applied to the state that leaves \p From for its successor number Succ
// (0 is the branch taken when the condition is true).
// Blocks no path reaches have no state (they are "bottom"): join only
// combines states that exist.
//
// The number of block visits is bounded (a lattice of finite height makes
// this a formality; a bad one cannot hang the tool): past the bound the
// result is incomplete and says so, and a check must stay silent on it.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_FLOW_H
#define CSP_TIDY_ANALYSIS_FLOW_H

#include "clang/Analysis/Analyses/Dominators.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <set>
#include <utility>

namespace clang::tidy::csp {

/// A place in a CFG: element Index of a block; Index == size() is the
/// block's terminator.
using CFGPosition = std::pair<const CFGBlock *, unsigned>;

template <class State> struct DataflowResult {
  /// The state on entry to each block some path reaches.
  llvm::DenseMap<const CFGBlock *, State> In;
  /// False when the visit bound was hit before the fixpoint.
  bool Complete = true;

  const State *at(const CFGBlock *B) const {
    auto It = In.find(B);
    return It == In.end() ? nullptr : &It->second;
  }
};

/// The blocks of \p G in reverse post-order from the entry: every block
/// comes after its predecessors, but for back edges.
inline llvm::SmallVector<const CFGBlock *, 16> reversePostOrder(const CFG &G) {
  // Iterative, and by hand: a CFG's successor lists hold null entries for
  // edges that cannot be taken, which llvm::post_order would follow.
  llvm::SmallVector<const CFGBlock *, 16> Order;
  llvm::DenseSet<const CFGBlock *> Seen{&G.getEntry()};
  llvm::SmallVector<std::pair<const CFGBlock *, CFGBlock::const_succ_iterator>, 16> Stack;
  Stack.push_back({&G.getEntry(), G.getEntry().succ_begin()});
  while (!Stack.empty()) {
    auto &[B, It] = Stack.back();
    if (It == B->succ_end()) {
      Order.push_back(B);
      Stack.pop_back();
      continue;
    }
    const CFGBlock *Next = *It++;
    if (Next && Seen.insert(Next).second)
      Stack.push_back({Next, Next->succ_begin()});
  }
  std::reverse(Order.begin(), Order.end());
  return Order;
}

/// Runs \p A over \p G to a fixpoint.
template <class Analysis>
DataflowResult<typename Analysis::State> solveForward(const CFG &G, const Analysis &A,
                                                      unsigned MaxVisitsPerBlock = 32) {
  using State = typename Analysis::State;
  DataflowResult<State> R;
  llvm::SmallVector<const CFGBlock *, 16> Order = reversePostOrder(G);
  llvm::DenseMap<const CFGBlock *, unsigned> Rank;
  for (unsigned I = 0; I < Order.size(); ++I)
    Rank[Order[I]] = I;
  // A worklist ordered by rank: a block is visited after the
  // predecessors that are pending, which keeps the visits few.
  std::set<unsigned> Pending;
  auto Push = [&](const CFGBlock *B) {
    auto It = Rank.find(B);
    if (It != Rank.end())
      Pending.insert(It->second);
  };
  R.In[&G.getEntry()] = A.entry();
  Push(&G.getEntry());
  const size_t Budget = size_t(MaxVisitsPerBlock) * Order.size() + 1;
  size_t Visits = 0;
  while (!Pending.empty()) {
    if (++Visits > Budget) {
      R.Complete = false;
      break;
    }
    const CFGBlock *B = Order[*Pending.begin()];
    Pending.erase(Pending.begin());
    State S = R.In.find(B)->second;
    for (const CFGElement &E : *B)
      A.transfer(E, S);
    auto Propagate = [&](const CFGBlock *Succ, const State &Out) {
      auto [It, Inserted] = R.In.try_emplace(Succ, Out);
      if (!Inserted) {
        State Joined = A.join(It->second, Out);
        if (Joined == It->second)
          return;
        It->second = std::move(Joined);
      }
      Push(Succ);
    };
    unsigned Index = 0;
    for (const CFGBlock *Succ : B->succs()) {
      unsigned Edge = Index++;
      if (!Succ)
        continue;
      // Only an analysis that learns from branches pays for a copy per edge.
      if constexpr (requires(State &Out) { A.transferEdge(*B, Edge, Out); }) {
        State Out = S;
        A.transferEdge(*B, Edge, Out);
        Propagate(Succ, Out);
      } else {
        Propagate(Succ, S);
      }
    }
  }
  return R;
}

/// The state just before position \p P: the block's entry state carried
/// through the elements before it. Nullopt when no path reaches the block.
template <class Analysis>
std::optional<typename Analysis::State>
stateBefore(const DataflowResult<typename Analysis::State> &R, const Analysis &A,
            CFGPosition P) {
  const typename Analysis::State *In = R.at(P.first);
  if (!In)
    return std::nullopt;
  typename Analysis::State S = *In;
  unsigned I = 0;
  for (const CFGElement &E : *P.first) {
    if (I++ == P.second)
      break;
    A.transfer(E, S);
  }
  return S;
}

/// Dominance between positions of one CFG, for "always runs here": \p A
/// dominates \p B when every path from the entry to B passes A first; A
/// post-dominates B when every path from B to the exit passes A. Inside a
/// block the order of the elements decides; a position is both to itself.
class Dominance {
public:
  explicit Dominance(const CFG &G)
      : Dom(const_cast<CFG *>(&G)), PostDom(const_cast<CFG *>(&G)) {}

  bool dominates(CFGPosition A, CFGPosition B) const {
    if (A.first == B.first)
      return A.second <= B.second;
    return Dom.dominates(A.first, B.first);
  }
  bool postDominates(CFGPosition A, CFGPosition B) const {
    if (A.first == B.first)
      return A.second >= B.second;
    return PostDom.dominates(A.first, B.first);
  }

private:
  CFGDomTree Dom;
  CFGPostDomTree PostDom;
};

} // namespace clang::tidy::csp

#endif
