//===--- ConcurrencyModel.h - the facts every csp check queries ----------===//
//
// One analysis of a translation unit, shared by all csp checks:
//  - where tasks are started and which code each one runs;
//  - what each body does, by role, to the objects it names: its own
//    statements, the lambdas it runs in place, and the helper functions it
//    calls (through per-function summaries of what they do to their
//    parameters);
//  - which declarations denote the same channel (a variable, the parameters
//    it is passed to, the fields it is stored in), where that channel was
//    made, every operation on it, and whether it escapes to code the
//    analysis cannot see;
//  - Clang's CFG of a body, for checks about order and paths (BodyFlow.h
//    answers where and how often a body's operations run).
//
// Objects are identified by their declaration. Two accesses to the same
// field through different objects are the same object here; that is the
// price of a cheap analysis, and the checks stay silent where it matters.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_CONCURRENCYMODEL_H
#define CSP_TIDY_ANALYSIS_CONCURRENCYMODEL_H

#include "analysis/ApiRoles.h"
#include "analysis/Objects.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace clang::tidy::csp {

class BodyCFG;
class ChannelStates;
class LockAnalysis;
class TaskLifetimes;

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
  /// The body the spawn is written in.
  const FunctionDecl *Spawner = nullptr;
  Callable Task;
  /// The arguments bound to the task's parameters, by parameter index;
  /// null for a parameter the spawn fills itself (std::jthread's leading
  /// std::stop_token).
  llvm::SmallVector<const Expr *, 4> BoundArgs;
  /// The task interleaves with others only where one suspends
  /// (Role::SpawnCooperative).
  bool Cooperative = false;
};

/// An operation of some role on a tracked object.
struct Op {
  Role Kind = Role::None;
  /// Where it happens in the body that was analysed: the API call (or range
  /// loop) itself, or the call to the helper that performs it.
  const Stmt *Site = nullptr;
  /// The declaration named last in Path (`wg`, the field `jobs_`).
  const ValueDecl *Object = nullptr;
  /// The object, as the body that was analysed names it (Objects.h); empty
  /// when only its declaration is known (a helper's member reached through
  /// an object with no name, such as a call's result).
  ObjectPath Path;
  /// The helper function the operation happens in, if not directly.
  const FunctionDecl *Via = nullptr;
};

/// What one body does by itself: its own statements, the lambdas it runs
/// in-line, and the helpers it calls; not the tasks it starts.
struct BodyFacts {
  std::vector<Op> Ops;
  std::vector<const SpawnSite *> Spawns;
};

/// An operation written in some body, as the TU-wide list records it.
struct PlacedOp {
  Op Operation;
  /// The function or lambda call operator whose body contains the site.
  const FunctionDecl *Body = nullptr;
};

/// The declarations that denote one channel, and what happens to it.
struct ChannelInfo {
  /// Where the channel is made (`auto jobs = csp::make_chan<int>()`), if in
  /// this translation unit.
  const Expr *MadeAt = nullptr;
  const ValueDecl *MadeAs = nullptr;
  /// It is passed to, stored in or returned to code not analysed here.
  bool Escapes = false;
  /// It escapes only through `return` statements: what leaves is the value
  /// a function returns, to callers of which this translation unit may show
  /// some.
  bool OnlyReturned = false;
  /// Every direct operation on any of its declarations.
  std::vector<const PlacedOp *> Ops;
};

class ConcurrencyModel {
public:
  ConcurrencyModel(ASTContext &Ctx, ApiRoles Roles);
  ~ConcurrencyModel();

  const ApiRoles &roles() const { return Roles; }
  ASTContext &astContext() const { return Ctx; }

  /// Every spawn outside system headers whose task could be resolved.
  const std::vector<SpawnSite> &spawns() const { return Spawns; }

  /// Every function and lambda body outside system headers.
  const std::vector<const FunctionDecl *> &bodies() const { return Bodies; }

  /// A place in one of bodies() that uses a function: a call or a
  /// construction that runs it (Direct), or any other reference to it (its
  /// address taken, handed to a spawn), through which it is called with
  /// arguments this unit does not show.
  struct FunctionUse {
    const Stmt *Site;
    const FunctionDecl *Body;
    bool Direct;
  };
  /// Every use of \p Fn (any of its redeclarations) in bodies().
  llvm::SmallVector<FunctionUse, 4> usesOf(const FunctionDecl *Fn) const;

  /// Every operation with a role written outside system headers.
  const std::vector<PlacedOp> &operations() const { return Operations; }

  /// Facts of \p Fn's body, computed once.
  const BodyFacts &factsOf(const FunctionDecl *Fn);

  /// The channel \p D denotes, or null if it is not a channel.
  const ChannelInfo *channel(const ValueDecl *D) const;

  /// Whether \p A and \p B denote the same channel.
  bool sameChannel(const ValueDecl *A, const ValueDecl *B) const;

  /// Clang's CFG of \p Fn's body, built once; null if it cannot be built.
  const CFG *cfgOf(const FunctionDecl *Fn);

  /// The positions of \p Fn's statements in its CFG, built once.
  const BodyCFG &flowGraphOf(const FunctionDecl *Fn);

  /// Whether, in \p Fn's body, control can flow from \p From (after it is
  /// evaluated) to \p To; `From == To` asks whether it can run twice.
  /// False when either is not an element of the CFG (e.g. inside a lambda).
  bool canReach(const FunctionDecl *Fn, const Stmt *From, const Stmt *To);

  /// The statement that contains \p S (a declaration's initializer is
  /// contained in its DeclStmt; a lambda's body in the LambdaExpr); null at
  /// the top of a body. Recorded for code outside system headers only.
  const Stmt *parentOf(const Stmt *S) const { return Parents.lookup(S); }

  /// Whether the value of \p E is dropped: it is a statement of its own
  /// (`ch.pop(v);`) or cast to void.
  bool resultIgnored(const Expr *E) const;

  /// The statement that declares the local variable \p D.
  const DeclStmt *declarationOf(const ValueDecl *D) const {
    return Declarations.lookup(D);
  }

  /// Whether \p Inner is \p Outer or lies within it.
  bool isWithin(const Stmt *Inner, const Stmt *Outer) const;

  /// The innermost loop of \p Body that \p S runs in, or null (loops
  /// outside the body, such as the caller's, do not count).
  const Stmt *enclosingLoop(const Stmt *S, const FunctionDecl *Body) const;

  /// Which mutexes are surely held where (Locks.h); computed per body on
  /// first use, so a const model answers it too.
  LockAnalysis &locks() const;

  /// When each task has surely ended, and what may run with it (Tasks.h);
  /// computed per spawner on first use.
  TaskLifetimes &tasks() const;

  /// Whether each channel \p Body closes may or must be closed where
  /// (ChannelState.h); computed per body on first use.
  const ChannelStates &channelStates(const FunctionDecl *Body);

  /// Whether \p L is started as a task (its body runs elsewhere).
  bool isTaskLambda(const LambdaExpr *L) const { return TaskLambdas.contains(L); }

  /// The declaration named last in the object \p E denotes
  /// (`objectOf(E).decl()`, Objects.h): `wg`, `p->wg`, `this->wg_`; null if
  /// it is no object or `*this`.
  static const ValueDecl *rootObject(const Expr *E) { return objectOf(E).decl(); }

  /// The arguments of a call or construction, without a member operator's
  /// object.
  static llvm::ArrayRef<const Expr *> explicitArgs(const Stmt *CallOrConstruct);

  /// Calls \p Visit with each field an aggregate initialization `{a, b}`
  /// initializes and the expression it is initialized from.
  static void forEachFieldInit(const InitListExpr *IL,
                               llvm::function_ref<void(const FieldDecl *, const Expr *)> Visit);

  /// The object a member-function task runs on, as the spawn passes it
  /// (`std::thread(&Pool::work, this)`); null for other tasks.
  static const Expr *taskObjectArgument(const SpawnSite &S);

  /// Resolves the callable an argument of a spawn denotes.
  static Callable resolveCallable(const Expr *E);

  /// Whether \p Fn has a body Clang's CFG builder can be given.
  static bool cfgBuildable(const FunctionDecl *Fn);

  /// Whether \p D is declared in \p Fn's body (or a lambda inside it).
  static bool declaredWithin(const ValueDecl *D, const FunctionDecl *Fn);

  /// Whether \p D, as \p Task sees it, is its spawner's object rather than
  /// the task's own (a local, a copy captured by value, a function object's
  /// member): a global, a variable captured by reference, a member of the
  /// object a member function runs on. With \p ThroughPointers, a pointer or
  /// reference (parameter, variable or member) stands for what it points to.
  static bool sharedWithSpawner(const ValueDecl *D, const Callable &Task,
                                bool ThroughPointers);

  /// The operation \p S performs by itself, if it has a role: an API call or
  /// a range-for over a channel.
  std::optional<Op> classify(const Stmt *S) const;

private:
  friend class TUCollector;

  std::unique_ptr<BodyFacts> computeFacts(const FunctionDecl *Fn);
  const ValueDecl *find(const ValueDecl *D) const;
  void unite(const ValueDecl *A, const ValueDecl *B);

  ASTContext &Ctx;
  ApiRoles Roles;
  std::vector<SpawnSite> Spawns;
  std::vector<const FunctionDecl *> Bodies;
  std::vector<PlacedOp> Operations;
  llvm::DenseMap<const Stmt *, const SpawnSite *> SpawnAt;
  llvm::DenseSet<const LambdaExpr *> TaskLambdas;
  llvm::DenseMap<const FunctionDecl *, std::unique_ptr<BodyFacts>> Facts;
  /// Union-find over channel declarations; a root maps to its info.
  mutable llvm::DenseMap<const ValueDecl *, const ValueDecl *> Parent;
  llvm::DenseMap<const ValueDecl *, ChannelInfo> Channels;
  llvm::DenseMap<const FunctionDecl *, std::unique_ptr<CFG>> CFGs;
  llvm::DenseMap<const FunctionDecl *, std::unique_ptr<BodyCFG>> FlowGraphs;
  mutable std::unique_ptr<LockAnalysis> Locks;
  mutable std::unique_ptr<TaskLifetimes> Tasks;
  llvm::DenseMap<const FunctionDecl *, std::unique_ptr<ChannelStates>> States;
  // Clang's ParentMapContext would traverse the whole AST, headers
  // included, on first use; these cover the code that is analysed.
  llvm::DenseMap<const Stmt *, const Stmt *> Parents;
  llvm::DenseMap<const ValueDecl *, const DeclStmt *> Declarations;
};

/// Owns the model of the translation unit being analysed, so that every csp
/// check of one run queries the same one.
class ModelCache {
public:
  ConcurrencyModel &get(ASTContext &Ctx, const ApiRoles &Roles);
  /// Called when a translation unit starts: the previous one's AST is gone.
  void reset() {
    Models.clear();
    Said.clear();
  }
  /// Whether \p Key is new in this translation unit: what every check would
  /// find (a wrong name in a role option) is said once, by the first.
  bool firstInUnit(llvm::StringRef Key) { return Said.insert(Key).second; }

private:
  /// Keyed by the roles' configuration: checks configured differently
  /// (check-local options) get their own model.
  std::map<std::string, std::unique_ptr<ConcurrencyModel>> Models;
  llvm::StringSet<> Said;
};

} // namespace clang::tidy::csp

#endif
