#include "DoubleCloseCheck.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

/// The channel a task's close acts on, seen from the spawn: a parameter is
/// the argument bound to it; a captured variable is itself.
const ValueDecl *atSpawn(const SpawnSite &S, const ValueDecl *Closed) {
  if (const auto *P = dyn_cast<ParmVarDecl>(Closed);
      P && P->getDeclContext() == S.Task.Fn) {
    unsigned I = P->getFunctionScopeIndex();
    return I < S.BoundArgs.size() ? ConcurrencyModel::rootObject(S.BoundArgs[I])
                                  : nullptr;
  }
  // The task's own channel is a new one each time it runs.
  return ConcurrencyModel::declaredWithin(Closed, S.Task.Fn) ? nullptr : Closed;
}

} // namespace

void DoubleCloseCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  llvm::DenseSet<const Stmt *> Reported;

  // Two closes of one channel on one path through a body, or one close that
  // the body can run twice.
  for (const FunctionDecl *Body : Model.bodies()) {
    const BodyFacts &Facts = Model.factsOf(Body);
    for (const Op &First : Facts.Ops) {
      if (First.Kind != Role::ChannelClose)
        continue;
      for (const Op &Second : Facts.Ops) {
        if (Second.Kind != Role::ChannelClose ||
            !Model.sameChannel(First.Object, Second.Object) ||
            !Model.canReach(Body, First.Site, Second.Site) ||
            !reportable(Ctx, Second.Site->getBeginLoc()))
          continue;
        // A channel declared on the way is a new channel.
        if (const Stmt *Decl = Model.declarationOf(Second.Object);
            Decl && Model.canReach(Body, First.Site, Decl))
          continue;
        if (!Reported.insert(Second.Site).second)
          continue;
        if (&First == &Second) {
          diag(Second.Site->getBeginLoc(),
               "channel '%0' is closed in a loop; the second iteration's "
               "close panics")
              << Second.Object->getName();
          continue;
        }
        diag(Second.Site->getBeginLoc(),
             "channel '%0' can be closed a second time here; the second "
             "close panics")
            << Second.Object->getName();
        diag(First.Site->getBeginLoc(), "first closed here",
             DiagnosticIDs::Note);
      }
    }
  }

  // Tasks that close a channel of their spawner, started more than once.
  struct Closer {
    const SpawnSite *Spawn;
    const ValueDecl *Channel;
    const Op *Close;
  };
  std::vector<Closer> Closers;
  for (const SpawnSite &S : Model.spawns()) {
    if (!S.Task)
      continue;
    for (const Op &O : Model.factsOf(S.Task.Fn).Ops)
      if (O.Kind == Role::ChannelClose)
        if (const ValueDecl *Channel = atSpawn(S, O.Object))
          Closers.push_back({&S, Channel, &O});
  }
  llvm::DenseSet<const Expr *> ReportedSpawns;
  for (const Closer &C : Closers) {
    const SpawnSite &S = *C.Spawn;
    if (!reportable(Ctx, S.Site->getBeginLoc()))
      continue;
    bool Repeats = S.Spawner && (Model.enclosingLoop(S.Site, S.Spawner) ||
                                 Model.canReach(S.Spawner, S.Site, S.Site));
    if (Repeats && !isa<ParmVarDecl>(C.Channel) && S.Spawner &&
        ConcurrencyModel::declaredWithin(C.Channel, S.Spawner)) {
      // A channel made inside the loop is a new one per task.
      if (const Stmt *Loop = Model.enclosingLoop(S.Site, S.Spawner);
          Loop && Model.declarationOf(C.Channel) &&
          Model.enclosingLoop(Model.declarationOf(C.Channel), S.Spawner) == Loop)
        Repeats = false;
    }
    const Closer *Earlier = nullptr;
    for (const Closer &Other : Closers)
      if (&Other == &C)
        break;
      else if (Other.Spawn != C.Spawn && Other.Channel == C.Channel)
        Earlier = &Other;
    if ((!Repeats && !Earlier) || !ReportedSpawns.insert(S.Site).second)
      continue;
    diag(S.Site->getBeginLoc(),
         Earlier ? "a second task that closes channel '%0' is started here; "
                   "the second close panics"
                 : "a task that closes channel '%0' is started in a loop; the "
                   "second task's close panics")
        << C.Channel->getName();
    if (Earlier)
      diag(Earlier->Spawn->Site->getBeginLoc(),
           "the first task that closes it is started here",
           DiagnosticIDs::Note);
    diag(C.Close->Site->getBeginLoc(), "the task closes the channel here",
         DiagnosticIDs::Note);
  }
}

} // namespace clang::tidy::csp
