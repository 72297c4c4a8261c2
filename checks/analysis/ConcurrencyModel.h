//===--- ConcurrencyModel.h - the facts every csp check queries ----------===//
//
// One analysis of a translation unit, shared by all csp checks: where tasks
// are started and which code each one runs, and what each body does, by role,
// to the objects it can reach (its own statements, the lambdas it calls, and
// the helper functions it passes objects to, through per-function summaries).
//
// Objects are identified by their declaration: a variable, a parameter or a
// field. Two accesses to the same field through different objects are the
// same object here; that is the price of a cheap, local analysis and the
// checks only draw conclusions that hold within one callable.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_CONCURRENCYMODEL_H
#define CSP_TIDY_ANALYSIS_CONCURRENCYMODEL_H

#include "analysis/ApiRoles.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <map>
#include <memory>
#include <vector>

namespace clang::tidy::csp {

/// The code a task runs.
struct Callable {
  /// The function whose body runs: a lambda's call operator, a free
  /// function, a member function or a function object's operator().
  const FunctionDecl *Fn = nullptr;
  /// Set when Fn is the call operator of this lambda.
  const LambdaExpr *Lambda = nullptr;
  /// The lambda is written at the spawn, as its argument.
  bool WrittenAtSpawn = false;

  explicit operator bool() const { return Fn && Fn->hasBody(); }
};

/// A place that starts a task.
struct SpawnSite {
  /// The spawn: a call (csp::go, std::async, emplace_back of a thread) or a
  /// constructor call (std::thread).
  const Expr *Site = nullptr;
  Callable Task;
  /// The arguments bound to the task's parameters, in order.
  llvm::SmallVector<const Expr *, 4> BoundArgs;
};

/// An operation of some role on a tracked object.
struct Op {
  Role Kind = Role::None;
  /// Where it happens in the body that was analysed: the API call itself, or
  /// the call to the helper that performs it.
  const Expr *Site = nullptr;
  const ValueDecl *Object = nullptr;
  /// The helper function the operation happens in, if not directly.
  const FunctionDecl *Via = nullptr;
};

/// What one body does by itself: its own statements, the lambdas it runs
/// in-line, and the helpers it calls; not the tasks it starts.
struct BodyFacts {
  std::vector<Op> Ops;
  std::vector<const SpawnSite *> Spawns;
};

class ConcurrencyModel {
public:
  ConcurrencyModel(ASTContext &Ctx, ApiRoles Roles);

  const ApiRoles &roles() const { return Roles; }
  ASTContext &astContext() const { return Ctx; }

  /// Every spawn outside system headers whose task could be resolved.
  const std::vector<SpawnSite> &spawns() const { return Spawns; }

  /// Facts of \p Fn's body, computed once.
  const BodyFacts &factsOf(const FunctionDecl *Fn);

  /// The declaration an expression denotes as an object: `wg`, `*p`, `p->`,
  /// `&wg`, `this->wg_`, `std::ref(wg)`; null if it is not that simple.
  static const ValueDecl *rootObject(const Expr *E);

  /// Resolves the callable an argument of a spawn denotes.
  static Callable resolveCallable(const Expr *E);

private:
  void collectSpawns();
  std::unique_ptr<BodyFacts> computeFacts(const FunctionDecl *Fn);

  ASTContext &Ctx;
  ApiRoles Roles;
  std::vector<SpawnSite> Spawns;
  llvm::DenseMap<const Expr *, const SpawnSite *> SpawnAt;
  llvm::DenseSet<const LambdaExpr *> TaskLambdas;
  llvm::DenseMap<const FunctionDecl *, std::unique_ptr<BodyFacts>> Facts;
};

/// Owns the model of the translation unit being analysed, so that every csp
/// check of one run queries the same one.
class ModelCache {
public:
  ConcurrencyModel &get(ASTContext &Ctx, const ApiRoles &Roles);
  /// Called when a translation unit starts: the previous one's AST is gone.
  void reset() { Models.clear(); }

private:
  /// Keyed by the roles' configuration: checks configured differently
  /// (check-local options) get their own model.
  std::map<std::string, std::unique_ptr<ConcurrencyModel>> Models;
};

} // namespace clang::tidy::csp

#endif
