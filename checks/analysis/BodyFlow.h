//===--- BodyFlow.h - where and how often a body's operations run --------===//
//
// Facts about control flow inside one body, on top of ConcurrencyModel:
//  - positions of statements in the body's CFG, and paths between them that
//    avoid given statements (a channel's declaration or reassignment makes a
//    new channel, a join ends a task);
//  - how a lambda written in a body is run: on the spot, by a scope guard,
//    maybe (a select case's handler, `std::call_once`), or by code that may
//    run it anywhere (a pool's submit);
//  - whether an operation runs every time control passes a statement (no
//    branch, loop body or maybe-run lambda in between), also through the
//    helpers it is made in;
//  - which object a channel operation acts on when the model's declaration
//    alone is not enough: `a.inbox` and `b.inbox` are different channels.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_BODYFLOW_H
#define CSP_TIDY_ANALYSIS_BODYFLOW_H

#include "analysis/ConcurrencyModel.h"
#include "analysis/Flow.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <utility>

namespace clang::tidy::csp {


enum class CFGScan { Found, Blocked, Through };

/// Walks forward from just after \p From, along every path, asking \p Visit
/// about each position: true when some path meets a `Found` position before
/// a `Blocked` one.
bool searchCFG(CFGPosition From,
               llvm::function_ref<CFGScan(CFGPosition)> Visit);

/// Positions of a body's statements in its CFG, and paths between them.
class BodyCFG {
public:
  explicit BodyCFG(const CFG *Graph);

  const CFG *graph() const { return Graph; }
  bool contains(const Stmt *S) const { return position(S).has_value(); }
  std::optional<CFGPosition> position(const Stmt *S) const;

  /// Where the local variable \p D is declared.
  std::optional<CFGPosition> declared(const ValueDecl *D) const {
    auto It = DeclaredAt.find(D);
    if (It == DeclaredAt.end())
      return std::nullopt;
    return It->second;
  }

  /// Whether control can flow from \p From (after it is evaluated) to \p To
  /// without passing any of \p Avoid; `From == To` asks whether it can run
  /// again. False when either is not in the CFG.
  bool reaches(const Stmt *From, const Stmt *To,
               llvm::ArrayRef<CFGPosition> Avoid = {}) const;

  /// Whether control can flow from the body's entry to \p To without
  /// passing any of \p Avoid. False when \p To is not in the CFG.
  bool reachedFromEntry(const Stmt *To, llvm::ArrayRef<CFGPosition> Avoid = {}) const;

private:
  const CFG *Graph;
  llvm::DenseMap<const Stmt *, CFGPosition> Where;
  llvm::DenseMap<const ValueDecl *, CFGPosition> DeclaredAt;
};

/// How a lambda written inside a body is run.
enum class LambdaRun {
  /// Handed to code that may run it later, elsewhere, or not at all (a
  /// thread pool's submit, a callback registry), or kept in a variable
  /// (its calls are the helper calls the model summarizes).
  Unknown,
  /// Called where it is written: `[&] { ... }()`.
  Here,
  /// Kept by a local object that runs it when the scope ends: a scope
  /// guard (`std::unique_ptr` with a deleter, `gsl::finally`, ...).
  AtScopeExit,
  /// Run by the call it is passed to, maybe not at all: a select case's
  /// handler, `std::call_once`, a standard algorithm.
  Maybe,
};

struct LambdaUse {
  LambdaRun Run = LambdaRun::Unknown;
  /// The call that runs it, or the declaration of the guard that keeps it.
  const Stmt *Point = nullptr;
};

/// How the body that contains \p L runs it.
LambdaUse lambdaUse(const ConcurrencyModel &Model, const LambdaExpr *L);

/// Where an operation written in a body runs, seen from that body.
struct Placement {
  /// The body runs it (directly or through a lambda it runs).
  bool Runs = false;
  /// It may be skipped when control reaches the statement it was asked about
  /// (`Upto`, or the start of the body): a branch, a loop's body, a select
  /// handler, `call_once`, between them.
  bool Conditional = false;
  /// The innermost statement of the body's CFG that contains it.
  const Stmt *Anchor = nullptr;
  /// Set when it runs as the scope of this guard declaration ends.
  const DeclStmt *Guard = nullptr;
};

/// Follows \p Site up to \p Body's top (or to \p Upto, an ancestor), through
/// the lambdas the body runs. \p G, if given, supplies the anchor.
Placement place(const ConcurrencyModel &Model, const FunctionDecl *Body,
                const Stmt *Site, const BodyCFG *G = nullptr,
                const Stmt *Upto = nullptr);

/// Whether \p O, an operation of \p Body, runs every time control reaches
/// \p Upto (or enters the body): it is not under a branch, and a helper it
/// goes through does it on every call.
bool alwaysRuns(ConcurrencyModel &Model, const FunctionDecl *Body,
                const Op &O, const Stmt *Upto = nullptr);

/// The positions in \p G where \p D takes a new value: its declaration and
/// its reassignments (`d = other`; `++it`, `p += n` for an iterator or
/// pointer through which a member is read).
llvm::SmallVector<CFGPosition, 4>
renewals(const FunctionDecl *Body, const BodyCFG &G, const ValueDecl *D);

/// A channel as one operation names it: its declaration and, for a member,
/// the object the member is read from. The model identifies a member by
/// its declaration alone, so `a.inbox` and `b.inbox` (or `w.inbox` for each
/// `w` of a loop) would be one channel.
struct ChannelHandle {
  const ValueDecl *Decl = nullptr;
  /// The object that \c Decl is a member of; null for `this` (and for a
  /// channel that is not a member).
  const ValueDecl *Base = nullptr;
  /// False when the object cannot be named (`workers[i].inbox`, `get().ch`).
  bool Known = false;
};

/// \p E names the channel \p D (a copy, view or member access of it).
ChannelHandle handleIn(const Expr *E, const ValueDecl *D);

/// The handle operation \p O acts on, as written at its site.
ChannelHandle handleOf(const Op &O);

/// The channel \p InTask, as the task \p S starts names it, as the spawner
/// names it: a parameter is the argument bound to it; a captured variable,
/// or a member of the spawner's object, is itself. Unknown when the task's
/// channel is its own (made in it, or a member of the function object it
/// runs) or the argument has no name.
std::optional<ChannelHandle> handleAtSpawn(const SpawnSite &S, const ChannelHandle &InTask);

/// Whether \p A and \p B name the same channel within one body: the same
/// declaration (of the same object), or a local initialized as a copy or
/// view of the other. Stricter than ConcurrencyModel::sameChannel, which
/// merges every channel a parameter is bound to.
bool sameHandle(const ChannelHandle &A, const ChannelHandle &B);

} // namespace clang::tidy::csp

#endif
