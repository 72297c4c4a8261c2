//===--- Counts.h - how many times things happen ---------------------------===//
//
// Counting facts, for the checks that compare two numbers: a wait group's
// `add(N)` against the tasks that call `done()`, the values sent against a
// channel's capacity, the workers started against the work.
//
// A count is a constant, or "the size of this container", each either exact
// or an upper bound (a `continue`, `break` or branch may skip the thing), or
// unknown. Unknown is the answer whenever a number cannot be read off the
// code: a check compares only what this layer knows, and says nothing rather
// than guess.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_COUNTS_H
#define CSP_TIDY_ANALYSIS_COUNTS_H

#include "analysis/ConcurrencyModel.h"

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>

namespace clang::tidy::csp {

struct Count {
  enum class Kind { Unknown, Constant, SizeOf };
  Kind K = Kind::Unknown;
  /// The number, for a Constant.
  uint64_t Value = 0;
  /// The container whose size it is, for a SizeOf.
  ObjectPath Container;
  /// It is exactly this many; otherwise at most this many.
  bool Exact = true;

  static Count unknown() { return {}; }
  static Count constant(uint64_t N, bool Exact = true) {
    return {Kind::Constant, N, {}, Exact};
  }
  static Count sizeOf(ObjectPath C, bool Exact = true) {
    return {Kind::SizeOf, 0, std::move(C), Exact};
  }
  bool known() const { return K != Kind::Unknown; }
  bool isConstant(uint64_t N) const { return K == Kind::Constant && Value == N && Exact; }
  /// The two are the same number (both exact, or both bounds of it).
  bool operator==(const Count &O) const {
    return K == O.K && Value == O.Value && Container == O.Container && Exact == O.Exact;
  }
  /// This count times \p O: a constant scales; a size times anything but
  /// one is unknown.
  Count times(const Count &O) const;
  /// This count plus \p O: constants add; a size plus anything but zero is
  /// unknown.
  Count plus(const Count &O) const;
};

/// How many times the body of \p Loop runs each time control reaches the
/// loop: `for (int i = A; i < B; ++i)` (or `<=`, `!=`, `--`, `+= C`) with
/// constants and an induction variable the body does not write; a range-for
/// over an array, an initializer list or a container (its size). Unknown
/// for anything else (`while`, data-dependent bounds). A `break`, `return`,
/// `goto` or `throw` in the body makes it a bound. With \p Roles, a spawn
/// (which copies its arguments into the task) does not write the induction
/// variable it is given.
Count tripCount(ASTContext &Ctx, const Stmt *Loop, const ApiRoles *Roles = nullptr);

/// How many times \p Site, a statement of \p Body, runs per run of the
/// body: the product of its loops' trip counts, exact when no branch, no
/// `continue` before it and no early exit of a loop can skip it. Unknown
/// inside a lambda the body does not run in place.
Count timesRun(ConcurrencyModel &Model, const FunctionDecl *Body, const Stmt *Site);

/// A constant integer argument (`add(3)`, `make_chan<int>(8)`): its value,
/// or nullopt.
std::optional<int64_t> constantArgument(ASTContext &Ctx, const Expr *Arg);

/// The capacity a channel is made with, when it is a constant: the first
/// argument of the make call, 0 (unbuffered) when it has none; the one
/// integer argument of a constructor that makes it (none: unknown).
std::optional<uint64_t> channelCapacity(ASTContext &Ctx, const Expr *MadeAt);

/// A number written as an argument: a constant, or a container's size
/// (`v.size()`, `std::size(v)`, `std::ssize(v)`, through casts); unknown
/// for anything else.
Count countArgument(ASTContext &Ctx, const Expr *Arg);

/// The total \p Body adds to the wait group \p WG per run: every `add(N)`
/// on it with a constant N or a container's size (countArgument), times how
/// often it runs; unknown when an add is anything else or its count is
/// unknown.
Count addTotal(ConcurrencyModel &Model, const FunctionDecl *Body, const ObjectPath &WG);

/// Where a task calls done on a wait group.
struct DoneSites {
  /// Its done calls (or the calls to what runs them), in the task's body.
  llvm::SmallVector<const Stmt *, 2> Sites;
  /// A done that surely runs again on some path: one that runs on every
  /// pass of its loop, or that always runs after another done may have run.
  const Stmt *Again = nullptr;
  /// Again runs on every pass of its loop (not after another done).
  bool InLoop = false;
};

/// How many times one run of the task \p S starts calls `done` on the wait
/// group \p WG, as its spawner names it: 0 when the task does not name it;
/// exactly 1 when every path through the task calls it once; at most 1 when
/// some path (an early `return`) calls it no time. Unknown when the task
/// names the wait group but is not seen calling done (a guard's destructor,
/// a helper), adds to it, hands it to a task of its own, or when some path
/// may call done twice.
Count donesPerRun(ConcurrencyModel &Model, const SpawnSite &S, const ObjectPath &WG,
                  DoneSites *Sites = nullptr);

/// The done calls on \p WG that the tasks \p Body starts make per run of
/// Body: over the spawns written in Body, how often each runs times the
/// task's donesPerRun. Unknown when one of those is, when Body calls done or
/// a helper that adds or calls done, or when Body names the wait group
/// anywhere but its own `add` and `wait` calls and the spawns of its tasks
/// (a callback handed to a pool, a helper that starts a task, a pointer
/// kept): a done may be out of sight. \p Tasks, if given, receives the
/// spawns whose tasks call done on it.
Count taskDones(ConcurrencyModel &Model, const FunctionDecl *Body, const ObjectPath &WG,
                llvm::SmallVectorImpl<const SpawnSite *> *Tasks = nullptr);

/// What can keep \p Site, a statement of \p Body, from running as often as
/// the trip counts of its loops say: the innermost branch it is under (an
/// `if`, a `switch`, `?:`, the right side of `&&`/`||`), else a `continue`
/// before it or a `break` of a loop around it. Null when nothing can (a
/// `return` or `throw` in the loop leaves the body too, so code after the
/// loop does not run either), or when the site is inside a lambda.
const Stmt *skippedBy(ConcurrencyModel &Model, const FunctionDecl *Body, const Stmt *Site);

/// How many tasks \p Body starts per run, by the spawns written in it (not
/// its helpers').
Count tasksStarted(ConcurrencyModel &Model, const FunctionDecl *Body);

/// How many values \p Body sends on the channel \p Channel per run.
Count sendsPerRun(ConcurrencyModel &Model, const FunctionDecl *Body,
                  const ObjectPath &Channel);

} // namespace clang::tidy::csp

#endif
