//===--- ChannelState.h - a channel's state along a body's paths ----------===//
//
// Whether a channel may be, or surely is, closed when control reaches a
// point of a body. The closes are the body's own, the ones of the lambdas it
// runs in place or at the end of a scope (a guard), the ones of the
// helpers it calls, and the ones of the tasks it starts that close a
// channel of the body's on every run (counted at the spawn: from there on
// the channel is closed or about to be); a declaration or reassignment of the channel's variable,
// or of the object it is a member of, makes a new, open channel. A forward
// analysis on Flow.h's engine, over the model's CFG (with the destructors of
// locals, where scope guards run).
//
// Lattice, per channel the body closes: whether some path reaches the point
// with the channel open, and the set of closes that some path performed
// last; join is the union of both.
//
// Used by csp-double-close (a close after a close) and meant for every
// question of the form "can X run after this channel was closed".
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_CHANNELSTATE_H
#define CSP_TIDY_ANALYSIS_CHANNELSTATE_H

#include "analysis/BodyFlow.h"
#include "analysis/Flow.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <vector>

namespace clang::tidy::csp {

/// A close a body performs on a channel it can name.
struct CloseEvent {
  /// The close: an operation of the body, or of the task \c Spawn starts.
  const Op *Close = nullptr;
  /// Set when a task started here closes the channel.
  const SpawnSite *Spawn = nullptr;
  ChannelHandle Channel;
  Placement Where;
  /// It happens every time control passes its positions (not only on some
  /// runs of a lambda or helper it goes through, or of the spawn).
  bool Definite = false;
  /// Where in the CFG it happens: its statement (the spawn), or for a scope
  /// guard the end of the guard's scope on each path that leaves it.
  llvm::SmallVector<CFGPosition, 1> Positions;
};

class ChannelStates {
public:
  ChannelStates(ConcurrencyModel &Model, const FunctionDecl *Body);
  ~ChannelStates();

  /// The closes with a known channel that the body runs, its own in source
  /// order, then its tasks'.
  llvm::ArrayRef<CloseEvent> closes() const { return Events; }

  /// The closes of the channel \p H that some path to \p At performed last
  /// (none since a renewal); \p Must is set when every path did one.
  llvm::SmallVector<const CloseEvent *, 2>
  closedBefore(CFGPosition At, const ChannelHandle &H, bool *Must = nullptr) const;

  /// A close of \p H that has surely run whenever control reaches \p At
  /// after it: every path to \p At closed the channel, or one close comes
  /// before \p At on every path to it (dominates), or \p At follows it on
  /// every path from it (post-dominates) and \p AtDefinite says that what
  /// happens at \p At happens every time. Two closes under separate
  /// conditions may exclude each other, so neither is an answer for the
  /// other. Null when there is none. \p At itself is never its own answer.
  const CloseEvent *surelyClosedBefore(CFGPosition At, bool AtDefinite,
                                       const ChannelHandle &H) const;

  /// Whether the close \p C can find its channel already closed by itself,
  /// on an earlier run of the loop it is in, with no renewal in between.
  bool closesAgain(const CloseEvent &C) const;

  /// False when the analysis hit its bound: callers stay silent.
  bool complete() const { return Complete; }

private:
  struct Solver;
  std::vector<CloseEvent> Events;
  std::unique_ptr<Solver> S;
  bool Complete = true;
};

} // namespace clang::tidy::csp

#endif
