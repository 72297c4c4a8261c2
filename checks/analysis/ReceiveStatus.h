//===--- ReceiveStatus.h - what a receive says about a closed channel -----===//
//
// A receive with status (`recv_ok()`, Boost.Fiber's `pop(v)`) tells its
// caller whether the channel was closed, through a flag the caller binds:
// `auto [v, ok] = ch.recv_ok();`, or a result with one bool member. This
// layer finds that flag, recognises the tests of it, and from them a loop
// that receives until the channel is closed.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_RECEIVESTATUS_H
#define CSP_TIDY_ANALYSIS_RECEIVESTATUS_H

#include "analysis/ConcurrencyModel.h"

#include <optional>

namespace clang::tidy::csp {

/// The flag that says whether a receive got a value: the bool binding of a
/// structured binding, or the bool member of the variable the result is
/// kept in (then \c Member is set).
struct OkFlag {
  const ValueDecl *Var = nullptr;
  const FieldDecl *Member = nullptr;
};

/// The flag the result of \p Call, a receive, is bound to; nullopt when the
/// result is not kept in a declaration with exactly one bool.
std::optional<OkFlag> okFlagOf(const ConcurrencyModel &Model, const CallExpr *Call);

/// Whether \p E is the flag itself (`ok`, `r.ok`).
bool isFlag(const Expr *E, const OkFlag &Flag);

/// Whether \p E is exactly "the receive got nothing": `!ok`, `ok == false`.
bool isNotFlag(const Expr *E, const OkFlag &Flag);

/// The loop around \p Call, a receive with status in \p Body, when it ends
/// only once the channel is closed: it has no condition of its own (or a
/// constant true one), the receive runs on every iteration, and its every
/// way out sits in `if (!ok)` (or the else of `if (ok)`). Null otherwise.
const Stmt *loopUntilClosed(ConcurrencyModel &Model, const FunctionDecl *Body,
                            const CallExpr *Call);

} // namespace clang::tidy::csp

#endif
