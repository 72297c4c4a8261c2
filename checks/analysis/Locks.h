//===--- Locks.h - which mutexes are surely held where --------------------===//
//
// The must-held lockset of every body, as a forward dataflow analysis on
// its CFG (Flow.h): a mutex is held at a statement when every path to it
// locks the mutex and does not release it since. Locks are taken by an RAII
// lock's declaration (`std::lock_guard g(m)`; not a deferred or tried one),
// a lock call (`m.lock()`), and released by an unlock call (on the mutex or
// on the RAII lock) and by the RAII lock's destructor at the end of its
// scope, on every path out of it (return, break, exceptions aside).
//
// A statement in a lambda sees the lambda's own locks (heldAt); where the
// lambda runs in place (a predicate, a callback run under the lock, not a
// task) the locks around it may be added (heldAround).
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_LOCKS_H
#define CSP_TIDY_ANALYSIS_LOCKS_H

#include "analysis/Flow.h"
#include "analysis/Objects.h"

#include "clang/AST/Decl.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>

namespace clang::tidy::csp {

class ConcurrencyModel;
struct Op;

struct HeldLock {
  /// The mutex, as the body names it.
  ObjectPath Mutex;
  /// The statement that took it: the RAII lock's declaration or the call.
  const Stmt *LockedAt = nullptr;
  /// The RAII lock that holds it, if any.
  const VarDecl *Guard = nullptr;

  bool sameLock(const HeldLock &O) const { return Mutex == O.Mutex && Guard == O.Guard; }
};

class LockAnalysis {
public:
  explicit LockAnalysis(ConcurrencyModel &Model);
  ~LockAnalysis();

  /// The mutexes surely held where \p S runs, within the innermost body
  /// (\p Body or a lambda written in it) that contains \p S.
  llvm::SmallVector<HeldLock, 2> heldAt(const FunctionDecl *Body, const Stmt *S);

  /// heldAt, plus the locks surely held where each lambda around \p S is
  /// written, up to \p Body, for lambdas that are not started as tasks.
  llvm::SmallVector<HeldLock, 2> heldAround(const FunctionDecl *Body, const Stmt *S);

  /// Where \p Fn's body (lambdas in it included, not its tasks) locks
  /// \p Mutex, by an RAII lock, a lock call, or a call to a helper that
  /// locks it (three calls deep; the call stands for the lock); null if it
  /// does not. With \p Before, only a lock from which control can reach
  /// that statement; with \p After, only one that control can reach from
  /// that statement. Mutexes are compared by declaration: the member a
  /// helper locks is the one its caller names.
  const Stmt *lockOf(const FunctionDecl *Fn, const ValueDecl *Mutex,
                     const Stmt *Before = nullptr, const Stmt *After = nullptr);

  /// The mutexes surely held while \p O, an operation of \p Body, happens:
  /// held around its site and, for one made in a helper, held by the
  /// helper around every operation of that role it makes itself.
  llvm::SmallVector<const ValueDecl *, 2> heldDuring(const FunctionDecl *Body, const Op &O);

  /// Whether \p Body takes \p Mutex before \p O, one of its operations,
  /// happens (for one made in a helper: or the helper, before its own).
  bool locksBefore(const FunctionDecl *Body, const Op &O, const ValueDecl *Mutex);

  /// The mutexes an RAII lock's declaration locks: none for a deferred or
  /// tried lock, unless \p Deferred asks for what its later `lock()` takes.
  static llvm::SmallVector<ObjectPath, 2> mutexesLockedBy(const VarDecl *Guard,
                                                          bool Deferred = false);

private:
  struct Solved;
  const Solved &solve(const FunctionDecl *Fn);
  llvm::SmallVector<HeldLock, 2> heldIn(const FunctionDecl *Fn, const Stmt *S);

  ConcurrencyModel &Model;
  llvm::DenseMap<const FunctionDecl *, std::unique_ptr<Solved>> Results;
};

} // namespace clang::tidy::csp

#endif
