//===--- Bounds.h - where a count comes from, and whether it is at least 1 ===//
//
// For the checks about a number of workers: a pool started with a count
// that can be 0 starts nobody, and the work it is sent waits forever. Two
// facts about an integer expression at a point of a body, on the forward
// dataflow engine (Flow.h):
//  - whether every path to the point makes it at least 1: a constant, a
//    clamp (`std::max(1, n)`, `std::clamp(n, 1, hi)`, `n < 1 ? 1 : n`), a
//    branch that leaves when it is not (`if (n < 1) return;`, `throw`,
//    `assert(n > 0)`, a loop's `continue`/`break` under the test), an
//    assignment of such a value, or a test this cannot read (a condition
//    calling `valid(n)` or `cfg.valid()`, a project function handed the
//    count that can throw): the code looked at the value;
//  - where some path's value may come from that can be 0: the constant 0,
//    a parameter of the body (or a member of one: a configuration struct),
//    or input (a call the caller names, such as `std::getenv`, maybe through
//    a conversion, such as `std::atoi`).
// A value the analysis cannot follow (another function's result, a
// variable passed by reference) has no origin: it is not said to be 0.
//
// A parameter's values are its callers': countAtCalls() asks the same of
// each call's argument in the caller.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_BOUNDS_H
#define CSP_TIDY_ANALYSIS_BOUNDS_H

#include "analysis/ConcurrencyModel.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace clang::tidy::csp {

/// Which calls bring a count in from outside the program.
struct CountInputs {
  /// The call's result is input: an environment variable, a configuration
  /// lookup.
  llvm::function_ref<bool(const FunctionDecl *)> Reads;
  /// The call converts its first argument (`std::atoi`, `std::stoi`): its
  /// result comes from where the argument does.
  llvm::function_ref<bool(const FunctionDecl *)> Converts;
};

/// Where a value that can be less than 1 comes from.
struct CountOrigin {
  enum class Kind { None, Zero, Parameter, Input };
  Kind K = Kind::None;
  /// The expression that gives it: the constant, the parameter's use, the
  /// call that reads the input.
  const Expr *Source = nullptr;
  /// The parameter, for a Parameter (also when only a member of it is read).
  const ParmVarDecl *Param = nullptr;

  explicit operator bool() const { return K != Kind::None; }
};

struct CountFacts {
  /// Every path to the point makes the value at least 1.
  bool AtLeastOne = false;
  /// Where the value on some path to the point may come from, when that
  /// can be less than 1; None when no path's value is known to.
  CountOrigin Origin;
};

/// The facts about the integer expression \p E just before \p At (a
/// statement of \p Body's CFG, or one within such a statement) in \p Body.
/// Nullopt when \p At is not in the CFG or the analysis did not finish.
std::optional<CountFacts> countAt(ConcurrencyModel &Model, const FunctionDecl *Body,
                                  const Expr *E, const Stmt *At, const CountInputs &Inputs);

/// A call or construction of \p Fn, and its argument for the parameter.
struct CountAtCall {
  const Stmt *Call = nullptr;
  const FunctionDecl *Caller = nullptr;
  const Expr *Arg = nullptr;
  CountFacts Facts;
};

/// The arguments for \p Param that the calls of its function in the
/// model's bodies pass, with the facts about each at its call. A call the
/// facts cannot be computed for is left out with \p Incomplete set, which
/// is also set when the function is used other than by calls (handed to a
/// spawn, taken as a pointer): those uses pass what this cannot see.
llvm::SmallVector<CountAtCall, 2> countAtCalls(ConcurrencyModel &Model, const ParmVarDecl *Param,
                                               const CountInputs &Inputs, bool &Incomplete);

/// The variables and members whose values decide whether \p Site, a
/// statement of \p Body, runs: those the conditions of the `if`s, `?:`s,
/// `&&`/`||` and loops around it read (a range loop's range).
llvm::SmallVector<const ValueDecl *, 4> guardsOf(ConcurrencyModel &Model, const FunctionDecl *Body,
                                                 const Stmt *Site);

/// The variables and members whose values choose the count \p Count has in
/// \p Body: its own variable, the guards of the 0 \p Origin found, and of
/// every assignment to the variable. Work that only runs under one of them
/// (`if (parallel)` where `n = parallel ? 4 : 0`, a loop over the items
/// whose emptiness made n 0) may run only when the count is not 0.
llvm::SmallVector<const ValueDecl *, 4> decidedBy(ConcurrencyModel &Model, const FunctionDecl *Body,
                                                  const Expr *Count, const CountOrigin &Origin);

/// The number of times \p Loop's body runs, as an expression, when it
/// counts up from 0 to it (`for (int i = 0; i < n; ++i)`, `i != n`,
/// `n > i`) or from 1 through it (`i <= n`), by steps of 1, with an
/// induction variable the body does not write; null otherwise.
const Expr *loopCountExpr(const Stmt *Loop);

} // namespace clang::tidy::csp

#endif
