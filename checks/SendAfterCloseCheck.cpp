#include "SendAfterCloseCheck.h"

#include "analysis/ChannelState.h"
#include "analysis/Locks.h"
#include "analysis/Tasks.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

/// An operation of a task on a channel, named as the task's spawner names it.
struct TaskOp {
  const Op *Operation;
  ChannelHandle Channel;
};

/// The operations of the task \p S that \p Wanted picks, with the channel
/// as its spawner names it.
llvm::SmallVector<TaskOp, 2> taskOps(ConcurrencyModel &Model, const SpawnSite &S,
                                     llvm::function_ref<bool(const Op &)> Wanted) {
  llvm::SmallVector<TaskOp, 2> Result;
  if (!S.Task)
    return Result;
  for (const Op &O : Model.factsOf(S.Task.Fn).Ops)
    if (Wanted(O))
      if (std::optional<ChannelHandle> H = handleAtSpawn(S, handleOf(O)))
        Result.push_back({&O, *H});
  return Result;
}

/// A select's send case panics too when the select picks it on a closed
/// channel (a closed channel is always ready).
bool isSend(const Op &O) { return O.Kind == Role::ChannelSend; }
bool panickingClose(const Op &O) { return O.Kind == Role::ChannelClose; }

/// The sender holds a mutex that the closer takes before it closes: a
/// `closed` flag under that lock keeps every later send from happening.
bool lockedOut(ConcurrencyModel &Model, const FunctionDecl *SendIn, const Op &Send,
               const FunctionDecl *CloseIn, const Op &Close) {
  LockAnalysis &Locks = Model.locks();
  return llvm::any_of(Locks.heldDuring(SendIn, Send), [&](const ValueDecl *M) {
    return Locks.locksBefore(CloseIn, Close, M);
  });
}

} // namespace

void SendAfterCloseCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  TaskLifetimes &Tasks = Model.tasks();
  llvm::DenseSet<const Stmt *> Reported;
  auto Report = [&](const Stmt *At) {
    return reportable(Ctx, At->getBeginLoc()) && Reported.insert(At).second;
  };
  auto Name = [](const ChannelHandle &H) { return H.Decl->getName(); };
  auto NoteVia = [&](const Op &O, llvm::StringRef What) {
    if (O.Via)
      diag(O.Via->getLocation(), "'%0' %1 the channel", DiagnosticIDs::Note)
          << displayName(O.Via) << What;
  };
  auto NoteTaskSend = [&](const SpawnSite &S, const Op &Send) {
    diag(S.Site->getBeginLoc(), "a task that sends on it is started here", DiagnosticIDs::Note);
    diag(Send.Site->getBeginLoc(), "the task sends here", DiagnosticIDs::Note);
    NoteVia(Send, "sends on");
  };

  for (const FunctionDecl *Body : Model.bodies()) {
    const BodyFacts &Facts = Model.factsOf(Body);
    llvm::SmallVector<const SpawnSite *, 4> Spawns;
    for (const SpawnSite *S : Facts.Spawns)
      if (S->Task && S->Spawner == Body)
        Spawns.push_back(S);
    bool Sends = llvm::any_of(Facts.Ops, [](const Op &O) { return O.Kind == Role::ChannelSend; });
    if (!Sends && Spawns.empty())
      continue;

    // On one path: the body's own close surely ran before a send of its
    // own, or before it starts a task that sends.
    const ChannelStates &States = Model.channelStates(Body);
    if (!States.closes().empty() && States.complete()) {
      const BodyCFG &G = Model.flowGraphOf(Body);
      auto ClosedAt = [&](const Op &At, const ChannelHandle &H) -> const CloseEvent * {
        Placement Where = place(Model, Body, At.Site, &G);
        std::optional<CFGPosition> P = Where.Anchor ? G.position(Where.Anchor) : std::nullopt;
        if (!Where.Runs || !P)
          return nullptr;
        const CloseEvent *First =
            States.surelyClosedBefore(*P, alwaysRuns(Model, Body, At, Where.Anchor), H);
        // A closing task's own order is judged below, across tasks.
        return First && !First->Spawn ? First : nullptr;
      };
      for (const Op &O : Facts.Ops) {
        if (O.Kind != Role::ChannelSend || !O.Object)
          continue;
        const CloseEvent *First = ClosedAt(O, handleOf(O));
        if (!First || !Report(O.Site))
          continue;
        diag(O.Site->getBeginLoc(),
             "channel '%0' is sent to after it was closed; the send panics")
            << O.Object->getName();
        NoteVia(O, "sends on");
        diag(First->Close->Site->getBeginLoc(), "closed here", DiagnosticIDs::Note);
        NoteVia(*First->Close, "closes");
      }
      for (const SpawnSite *S : Spawns) {
        Op Spawn{Role::Spawn, S->Site, nullptr, {}, nullptr};
        for (const TaskOp &Send : taskOps(Model, *S, isSend)) {
          const CloseEvent *First = ClosedAt(Spawn, Send.Channel);
          if (!First || !Report(S->Site))
            continue;
          diag(S->Site->getBeginLoc(),
               "this task sends on channel '%0', which is already closed; its "
               "send panics")
              << Name(Send.Channel);
          diag(Send.Operation->Site->getBeginLoc(), "the task sends here", DiagnosticIDs::Note);
          NoteVia(*Send.Operation, "sends on");
          diag(First->Close->Site->getBeginLoc(), "closed here", DiagnosticIDs::Note);
          break;
        }
      }
    }

    // Across tasks: the body closes a channel while a task it started may
    // still send on it (no join, wait or receive that ends the task first).
    for (const Op &Close : Facts.Ops) {
      if (Close.Kind != Role::ChannelClose || !Close.Object)
        continue;
      ChannelHandle H = handleOf(Close);
      Placement Where = place(Model, Body, Close.Site, &Model.flowGraphOf(Body));
      // A guard closes when its scope ends, not where it is declared.
      if (!H.Known || !Where.Runs || !Where.Anchor || Where.Guard)
        continue;
      for (const SpawnSite *S : Spawns)
        for (const TaskOp &Send : taskOps(Model, *S, isSend)) {
          if (!sameHandle(Send.Channel, H) || !Tasks.mayRunAt(*S, Where.Anchor) ||
              lockedOut(Model, S->Task.Fn, *Send.Operation, Body, Close) || !Report(Close.Site))
            continue;
          diag(Close.Site->getBeginLoc(),
               "channel '%0' is closed while a task that sends on it may still "
               "be running; its next send panics")
              << Close.Object->getName();
          NoteVia(Close, "closes");
          NoteTaskSend(*S, *Send.Operation);
        }
    }

    // A task started here closes the channel while this body, or a sibling
    // task, may still send: the closer waits for nothing the sender does
    // before it closes (a watcher woken by a timer, or by a signal no
    // sender gives).
    for (const SpawnSite *K : Spawns)
      for (const TaskOp &Close : taskOps(Model, *K, panickingClose)) {
        const Op &C = *Close.Operation;
        // A task that closes what it receives from is csp-close-by-receiver's
        // finding: one bug, one report.
        if (llvm::any_of(taskOps(Model, *K, [](const Op &O) { return isReceive(O.Kind); }),
                         [&](const TaskOp &R) { return sameHandle(R.Channel, Close.Channel); }))
          continue;
        for (const Op &Send : Facts.Ops) {
          if (Send.Kind != Role::ChannelSend ||
              !sameHandle(handleOf(Send), Close.Channel))
            continue;
          const Stmt *At = place(Model, Body, Send.Site, &Model.flowGraphOf(Body)).Anchor;
          // What can wake the closer after the send: this body, and the
          // tasks it starts from there on.
          llvm::SmallVector<const SpawnSite *, 4> Later;
          for (const SpawnSite *T : Spawns)
            if (T != K && At && Model.canReach(Body, At, T->Site))
              Later.push_back(T);
          if (!At || !Tasks.mayRunAt(*K, At) ||
              Tasks.awaitsBefore(*K, C.Site, Later, /*BySpawner=*/true) ||
              lockedOut(Model, Body, Send, K->Task.Fn, C) || !Report(Send.Site))
            continue;
          diag(Send.Site->getBeginLoc(),
               "channel '%0' can be closed by a task started before this send; "
               "the send panics")
              << Name(Close.Channel);
          NoteVia(Send, "sends on");
          diag(K->Site->getBeginLoc(), "the closing task is started here", DiagnosticIDs::Note);
          diag(C.Site->getBeginLoc(), "the task closes the channel here", DiagnosticIDs::Note);
        }
        for (const SpawnSite *T : Spawns) {
          // Copies of one task that close after their own sends (the last
          // worker out) are ordered by whatever picks the last one.
          if (T->Task.Fn == K->Task.Fn || !Tasks.mayOverlap(*K, *T))
            continue;
          for (const TaskOp &Send : taskOps(Model, *T, isSend)) {
            if (!sameHandle(Send.Channel, Close.Channel) ||
                Tasks.awaitsBefore(*K, C.Site, {T}) ||
                lockedOut(Model, T->Task.Fn, *Send.Operation, K->Task.Fn, C) ||
                !Report(C.Site))
              continue;
            diag(C.Site->getBeginLoc(),
                 "this task closes channel '%0' while another task may still "
                 "send on it; that send panics")
                << Name(Close.Channel);
            NoteVia(C, "closes");
            NoteTaskSend(*T, *Send.Operation);
            break;
          }
        }
      }
  }
}

} // namespace clang::tidy::csp
