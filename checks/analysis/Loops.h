//===--- Loops.h - how a loop ends, and what it changes --------------------===//
//
// Facts about one loop, for the checks that ask why (or whether) a loop
// stops: a receive loop that only a close can end, a loop that only
// conditions a close cannot affect can end, a producer that runs forever.
//
//  - its ways out: a `break` of this loop, `return`, `co_return`, `goto`,
//    `throw`, a call that does not return (not those of nested lambdas, nor
//    the `break` of a nested loop or switch);
//  - whether it has a condition of its own or only its body can end it;
//  - the conditions that guard a way out, from the way out up to the loop;
//  - what the loop writes, and so which conditions it cannot change.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_LOOPS_H
#define CSP_TIDY_ANALYSIS_LOOPS_H

#include "analysis/ConcurrencyModel.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace clang::tidy::csp {

/// The body of a `for`, range-for, `while` or `do` loop; null for others.
const Stmt *loopBody(const Stmt *Loop);
/// The condition of a `for`, `while` or `do` loop; null when it has none.
const Expr *loopCondition(const Stmt *Loop);

/// The statements under \p S (a loop's body) that leave the loop.
llvm::SmallVector<const Stmt *, 4> loopExits(const Stmt *S);

/// Whether a `continue` under \p S (a loop's body) starts the loop's next
/// iteration: one in a nested switch does, one in a nested loop or lambda
/// does not.
bool continuesLoop(const Stmt *S);
/// The first such `continue`, in source order; null when there is none.
const ContinueStmt *continueOf(const Stmt *S);

/// The body of \p Loop when only the body can end it: it has no condition,
/// or a constant true one; else null.
const Stmt *unconditionalLoopBody(const Stmt *Loop, ASTContext &Ctx);

/// Whether \p Loop runs forever by itself: only its body can end it, and
/// nothing in its body leaves it.
bool loopsForever(const Stmt *Loop, ASTContext &Ctx);

/// A condition a way out of a loop runs under.
struct ExitGuard {
  /// The condition: an `if`'s, a `switch`'s, a `?:`'s, or the left side of
  /// `&&`/`||`.
  const Expr *Cond = nullptr;
  /// The way out runs when the condition is true (an `if`'s then branch,
  /// the right side of `&&`); false for an `else`, the right side of `||`;
  /// unset for a `switch`'s case or a `?:`.
  std::optional<bool> WhenTrue;
};

/// The guards of \p Exit, innermost first, up to \p Loop; nullopt when a
/// nested loop lies between them (it runs the way out as it decides) or an
/// `if` with an initializer or a condition variable guards it.
std::optional<llvm::SmallVector<ExitGuard, 2>>
exitGuards(const ConcurrencyModel &Model, const Stmt *Loop, const Stmt *Exit);

/// What a loop writes, to tell the conditions it cannot change.
class LoopWrites {
public:
  /// \p Skip: lambdas in the loop whose writes do not count (the handlers of
  /// other select cases, which run for another channel).
  LoopWrites(const ConcurrencyModel &Model, const FunctionDecl *Body, const Stmt *Loop,
             const llvm::DenseSet<const LambdaExpr *> &Skip = {});

  /// Whether \p D may be written in the loop: assigned, incremented, its
  /// address taken, passed by non-const reference, the object of a
  /// non-const member call, or declared in the loop from a value that is
  /// not a constant.
  bool written(const Decl *D) const { return Written.contains(D); }

  /// Whether \p E evaluates the same however the loop goes: literals, locals
  /// of the body that the loop does not write, and const member calls on
  /// such locals (`ctx.err()`) that are not channels, combined by
  /// operators. Members and globals are not: the code that ends the loop
  /// may change them.
  bool invariant(const Expr *E) const;

private:
  bool unchangedObject(const Expr *E) const;

  const ConcurrencyModel &Model;
  const FunctionDecl *Body;
  llvm::DenseSet<const Decl *> Written;
};

} // namespace clang::tidy::csp

#endif
