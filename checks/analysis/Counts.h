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

/// The total \p Body adds to the wait group \p WG per run: every `add(N)`
/// on it with a constant N, times how often it runs; unknown when an add
/// is not a constant or its count is unknown.
Count addTotal(ConcurrencyModel &Model, const FunctionDecl *Body, const ObjectPath &WG);

/// How many tasks \p Body starts per run, by the spawns written in it (not
/// its helpers').
Count tasksStarted(ConcurrencyModel &Model, const FunctionDecl *Body);

/// How many values \p Body sends on the channel \p Channel per run.
Count sendsPerRun(ConcurrencyModel &Model, const FunctionDecl *Body,
                  const ObjectPath &Channel);

} // namespace clang::tidy::csp

#endif
