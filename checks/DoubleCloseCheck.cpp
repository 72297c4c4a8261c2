#include "DoubleCloseCheck.h"

#include "analysis/ChannelState.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

/// Whether the event, a close or a closing task's spawn, runs on every
/// iteration of \p Loop.
bool runsEveryIteration(ConcurrencyModel &Model, const FunctionDecl *Body,
                        const CloseEvent &E, const Stmt *Loop) {
  if (!E.Spawn)
    return alwaysRuns(Model, Body, *E.Close, Loop);
  Placement Where = place(Model, Body, E.Spawn->Site, nullptr, Loop);
  return Where.Runs && !Where.Conditional;
}

} // namespace

void DoubleCloseCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  llvm::DenseSet<const Stmt *> Reported;

  auto NoteVia = [&](const Op &Close) {
    if (Close.Via)
      diag(Close.Via->getLocation(), "'%0' closes the channel", DiagnosticIDs::Note)
          << displayName(Close.Via);
  };
  auto NoteTaskClose = [&](const CloseEvent &E) {
    diag(E.Close->Site->getBeginLoc(), "the task closes the channel here",
         DiagnosticIDs::Note);
    NoteVia(*E.Close);
  };
  // Where a finding about the event is reported: the close, or the spawn.
  auto SiteOf = [](const CloseEvent &E) -> const Stmt * {
    return E.Spawn ? E.Spawn->Site : E.Close->Site;
  };
  auto Reportable = [&](const CloseEvent &E) {
    return !Reported.contains(SiteOf(E)) &&
           reportable(Ctx, SiteOf(E)->getBeginLoc());
  };

  for (const FunctionDecl *Body : Model.bodies()) {
    const ChannelStates &States = Model.channelStates(Body);
    if (States.closes().empty() || !States.complete())
      continue;
    for (const CloseEvent &E : States.closes()) {
      if (!Reportable(E))
        continue;

      // The same close again on the next iteration of its loop: only when
      // it runs on every iteration (a close on the last iteration, or
      // behind a flag, is fine) and the loop does not make a new channel.
      const Stmt *Loop = Model.enclosingLoop(E.Where.Anchor, Body);
      if (Loop && States.closesAgain(E) && runsEveryIteration(Model, Body, E, Loop)) {
        Reported.insert(SiteOf(E));
        if (E.Spawn) {
          diag(E.Spawn->Site->getBeginLoc(),
               "a task that closes channel '%0' is started in a loop; the "
               "second task's close panics")
              << E.Channel.Decl->getName();
          NoteTaskClose(E);
        } else {
          diag(E.Close->Site->getBeginLoc(),
               "channel '%0' is closed in a loop; the second iteration's "
               "close panics")
              << E.Close->Object->getName();
          NoteVia(*E.Close);
        }
        continue;
      }

      // A close that surely ran before this one whenever both run.
      const CloseEvent *First = nullptr;
      for (CFGPosition P : E.Positions)
        if ((First = States.surelyClosedBefore(P, E.Definite, E.Channel)))
          break;
      if (!First)
        continue;

      if (!E.Spawn && !First->Spawn) {
        Reported.insert(E.Close->Site);
        diag(E.Close->Site->getBeginLoc(),
             "channel '%0' can be closed a second time here; the second "
             "close panics")
            << E.Close->Object->getName();
        NoteVia(*E.Close);
        diag(First->Close->Site->getBeginLoc(), "first closed here",
             DiagnosticIDs::Note);
      } else if (E.Spawn && First->Spawn) {
        Reported.insert(E.Spawn->Site);
        diag(E.Spawn->Site->getBeginLoc(),
             "a second task that closes channel '%0' is started here; the "
             "second close panics")
            << E.Channel.Decl->getName();
        diag(First->Spawn->Site->getBeginLoc(),
             "the first task that closes it is started here", DiagnosticIDs::Note);
        NoteTaskClose(E);
      } else {
        // The body closes a channel that a task it starts closes too, in
        // either order: reported at the body's close.
        const CloseEvent &Own = E.Spawn ? *First : E;
        const CloseEvent &Task = E.Spawn ? E : *First;
        if (!Reportable(Own))
          continue;
        Reported.insert(Own.Close->Site);
        diag(Own.Close->Site->getBeginLoc(),
             "channel '%0' is closed here and by a task this code starts; "
             "the second close panics")
            << Own.Close->Object->getName();
        NoteVia(*Own.Close);
        diag(Task.Spawn->Site->getBeginLoc(), "the task is started here",
             DiagnosticIDs::Note);
        NoteTaskClose(Task);
      }
    }
  }
}

} // namespace clang::tidy::csp
