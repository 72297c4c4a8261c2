#include "LockAcrossChannelOpCheck.h"

#include "analysis/Drain.h"
#include "analysis/Locks.h"
#include "analysis/Tasks.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

/// How the diagnostic names an operation that can block, or null for one
/// that cannot.
const char *describe(Role R) {
  switch (R) {
  case Role::ChannelSend:
    return "send on channel";
  case Role::ChannelReceive:
  case Role::ChannelReceiveWithStatus:
    return "receive from channel";
  case Role::ChannelRange:
    return "range loop over channel";
  case Role::WaitGroupWait:
    return "wait on wait group";
  case Role::TaskJoin:
    return "wait for the task of";
  default:
    return nullptr;
  }
}

/// Whether \p Other, a body that does \p OtherOp, is the other side of
/// \p Blocking: it is what the blocked operation waits for.
bool otherSide(ConcurrencyModel &Model, const Op &Blocking, const Op &OtherOp) {
  switch (Blocking.Kind) {
  case Role::ChannelSend:
  case Role::ChannelReceive:
  case Role::ChannelReceiveWithStatus:
  case Role::ChannelRange:
    return OtherOp.Kind != Role::None && OtherOp.Object &&
           Model.sameChannel(Blocking.Object, OtherOp.Object) &&
           (Blocking.Kind == Role::ChannelSend ? isReceive(OtherOp.Kind)
                                               : OtherOp.Kind == Role::ChannelSend);
  case Role::WaitGroupWait:
    return OtherOp.Kind == Role::WaitGroupDone && OtherOp.Object == Blocking.Object;
  default:
    return false;
  }
}

} // namespace

/// Whether \p O can block: not a call named in NonBlockingFunctions, nor a
/// helper whose operations of that kind are all such calls.
bool LockAcrossChannelOpCheck::blocks(ConcurrencyModel &Model, const Op &O) const {
  if (!O.Via) {
    const auto *Call = dyn_cast<CallExpr>(O.Site);
    return !Call || !NonBlocking.contains(Call->getDirectCallee());
  }
  return llvm::any_of(Model.factsOf(O.Via).Ops, [&](const Op &Inner) {
    return Inner.Kind == O.Kind && blocks(Model, Inner);
  });
}

LockAcrossChannelOpCheck::LockAcrossChannelOpCheck(StringRef Name, ClangTidyContext *Context,
                                                   std::shared_ptr<ModelCache> Cache)
    : CspCheck(Name, Context, std::move(Cache)),
      NonBlocking(Options, "NonBlockingFunctions", DrainNonBlockingDefaults) {}

void LockAcrossChannelOpCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  CspCheck::storeOptions(Opts);
  NonBlocking.store(Opts, Options);
}

void LockAcrossChannelOpCheck::checkModel(ConcurrencyModel &Model) {
  // What the spawns say, gathered once: which bodies run as tasks, and
  // where a body starts a given task.
  llvm::DenseSet<const FunctionDecl *> TaskBodies;
  llvm::DenseMap<std::pair<const FunctionDecl *, const FunctionDecl *>, const Stmt *> StartedAt;
  for (const SpawnSite &Spawn : Model.spawns()) {
    if (!Spawn.Task)
      continue;
    TaskBodies.insert(Spawn.Task.Fn);
    StartedAt[{Spawn.Spawner, Spawn.Task.Fn}] = Spawn.Site;
  }

  llvm::DenseSet<const Stmt *> Reported;
  for (const FunctionDecl *Body : Model.bodies()) {
    for (const Op &O : Model.factsOf(Body).Ops) {
      const char *What = describe(O.Kind);
      if (!What || !O.Object)
        continue;
      if (!blocks(Model, O))
        continue;
      for (const HeldLock &Held : Model.locks().heldAt(Body, O.Site)) {
        const ValueDecl *Mutex = Held.Mutex.decl();
        if (!Mutex)
          continue;
        // The bodies the operation waits for, and where they take the lock.
        const FunctionDecl *Other = nullptr;
        const Stmt *OtherLock = nullptr;
        if (O.Kind == Role::TaskJoin) {
          for (const SpawnSite *Joined : Model.tasks().joinedBy(Body, O.Site))
            if (const Stmt *L = Model.locks().lockOf(Joined->Task.Fn, Mutex)) {
              Other = Joined->Task.Fn;
              OtherLock = L;
              break;
            }
        } else {
          for (const FunctionDecl *Candidate : Model.bodies()) {
            // One of the two runs as a task, or nothing runs concurrently.
            if (Candidate == Body ||
                (!TaskBodies.count(Body) && !TaskBodies.count(Candidate)))
              continue;
            // When the other side started this task, only its locks after
            // the spawn can meet the task's.
            const Stmt *Started = StartedAt.lookup({Candidate, Body});
            // It deadlocks if it can need the mutex before it gets to its
            // side of the operation.
            for (const Op &Theirs : Model.factsOf(Candidate).Ops)
              if (otherSide(Model, O, Theirs))
                if (const Stmt *L =
                        Model.locks().lockOf(Candidate, Mutex, Theirs.Site, Started)) {
                  Other = Candidate;
                  OtherLock = L;
                  break;
                }
            if (Other)
              break;
          }
        }
        if (!Other || !reportable(Model.astContext(), O.Site->getBeginLoc()) ||
            !Reported.insert(O.Site).second)
          continue;
        diag(O.Site->getBeginLoc(),
             "%0 '%1' can block while mutex '%2' is held, and the task it waits for "
             "locks '%2' too: each can wait for the other forever")
            << What << O.Object->getName() << Mutex->getName();
        if (O.Via)
          diag(O.Via->getLocation(), "'%0' does the blocking operation", DiagnosticIDs::Note)
              << displayName(O.Via);
        diag(Held.LockedAt->getBeginLoc(),
             "'%0' is locked here; release it before the operation", DiagnosticIDs::Note)
            << Mutex->getName();
        diag(OtherLock->getBeginLoc(), "the other side locks '%0' here", DiagnosticIDs::Note)
            << Mutex->getName();
        break;
      }
    }
  }
}

} // namespace clang::tidy::csp
