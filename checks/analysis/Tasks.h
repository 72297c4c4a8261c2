//===--- Tasks.h - when a task has surely ended, and what runs with it ----===//
//
// Task lifetimes, seen from the code that starts them. For each spawn, the
// places of its spawner's CFG where the spawner has surely synchronised with
// the end of the task:
//  - a join on the task's handle (`t.join()`, `f.get()`, `f.wait()`; also
//    on the future a member-function spawn returns: `pool.submit(f).wait()`),
//    after the handle was moved into another variable, a member or a
//    container of handles (a loop joining the container's elements, or an
//    `if (t.joinable())` around the join, ends it on every way through);
//  - the destructor of a joining handle (std::jthread, std::async's future)
//    or of the local container holding it, emptying that container
//    (`clear()`, an assignment over it), and assigning over the handle;
//  - an error group's or pool's wait, for a task started by its member;
//  - a wait on a wait group the task calls done on, and a receive from a
//    channel the task sends on or closes: what the task did before that
//    signal is done by then;
//  - a join that is no task's own (a promise's future): the spawner may be
//    waiting for any of its tasks there.
// Order matters: a join before the spawn does not end the task.
//
// A task whose handle is detached, dropped, or handed to code that is not
// followed never ends as far as its spawner can tell.
//
// On that: whether a task may be running when its spawner reaches a
// statement, outlive its spawner or the loop iteration that started it,
// overlap another copy of itself, or run at the same time as another task.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_TASKS_H
#define CSP_TIDY_ANALYSIS_TASKS_H

#include "analysis/ConcurrencyModel.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>

namespace clang::tidy::csp {

class TaskLifetimes {
public:
  explicit TaskLifetimes(ConcurrencyModel &Model);
  ~TaskLifetimes();

  /// Whether the task \p S starts may still be running when its spawner's
  /// control reaches \p At (a statement of the spawner's body, lambdas
  /// aside), or the spawner returns when \p At is null. False when the
  /// spawn or \p At is not in the spawner's CFG.
  bool mayRunAt(const SpawnSite &S, const Stmt *At);

  /// Whether the task may still be running when its spawner returns.
  bool outlivesSpawner(const SpawnSite &S) { return mayRunAt(S, nullptr); }

  /// Whether the task may still be running when the iteration of \p Loop
  /// (a loop of the spawner around the spawn) that started it is over.
  bool outlivesIteration(const SpawnSite &S, const Stmt *Loop);

  /// The handle is handed to code that is not followed (returned, passed to
  /// a function), which decides when the task ends.
  bool handedOn(const SpawnSite &S);

  /// The spawn can run again before the task it started has ended.
  bool restartsWhileRunning(const SpawnSite &S) { return mayRunAt(S, S.Site); }

  /// Several copies of the task run at once: it restarts while running, or
  /// its spawner is itself a task of which several copies run at once.
  bool runsRepeatedly(const SpawnSite &S);

  /// Whether the spawner of \p S is a task of which several copies run at
  /// once.
  bool startedByRepeatedTask(const SpawnSite &S);

  /// Whether the tasks of \p A and \p B may run at the same time. Tasks of
  /// one spawner overlap when either is started while the other may run; a
  /// task and the tasks it starts are compared as spawner and task
  /// (mayRunAt), so not here; tasks of different spawners overlap when both
  /// outlive their spawners and neither is handed on.
  bool mayOverlap(const SpawnSite &A, const SpawnSite &B);

  /// Whether the task \p S, before it reaches \p At (a statement of its
  /// body), may wait for a signal that the tasks \p Givers (started by its
  /// spawner), or with \p BySpawner the spawner's own code, give: a wait on
  /// a wait group they call done on, a receive from a channel they send on
  /// or close. A join counts whatever it joins, and so does a wait on what
  /// cannot be named. Code that runs only after such a wait may be ordered
  /// after what the givers do before the signal.
  bool awaitsBefore(const SpawnSite &S, const Stmt *At,
                    llvm::ArrayRef<const SpawnSite *> Givers, bool BySpawner = false);

  /// Whether \p V, a local of the spawner, is made anew in each iteration
  /// of a loop around the spawn: each copy of the task gets its own.
  bool freshPerIteration(const ValueDecl *V, const SpawnSite &S) const;

  /// The spawns of \p Body whose tasks the join \p JoinSite (a call of role
  /// TaskJoin in \p Body, or a call to a helper that joins) waits for
  /// through their handles.
  llvm::ArrayRef<const SpawnSite *> joinedBy(const FunctionDecl *Body, const Stmt *JoinSite);

  /// The spawns of \p Body whose tasks the wait \p Site (an operation of
  /// \p Body's facts) waits for: the tasks joinedBy() names, and for a
  /// wait on a wait group, the tasks that call done on it.
  llvm::SmallVector<const SpawnSite *, 4> waitedFor(const FunctionDecl *Body, const Stmt *Site);

  /// The spawns that start a task running \p Fn.
  llvm::ArrayRef<const SpawnSite *> spawnsOf(const FunctionDecl *Fn) const;

private:
  struct Spawner;
  struct Life;
  Spawner &spawner(const FunctionDecl *Fn);
  Life &life(const SpawnSite &S);
  void computeEnds(Spawner &Info);

  ConcurrencyModel &Model;
  llvm::DenseMap<const FunctionDecl *, std::unique_ptr<Spawner>> Spawners;
  /// The spawns by the function their task runs, and by their spawner.
  llvm::DenseMap<const FunctionDecl *, llvm::SmallVector<const SpawnSite *, 2>> ByTaskFn;
  llvm::DenseMap<const FunctionDecl *, llvm::SmallVector<const SpawnSite *, 4>> BySpawner;
  /// 0 while computing, 1 no, 2 yes.
  llvm::DenseMap<const SpawnSite *, int> Repeats;
};

} // namespace clang::tidy::csp

#endif
