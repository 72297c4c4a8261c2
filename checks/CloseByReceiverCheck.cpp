#include "CloseByReceiverCheck.h"

#include "analysis/BodyFlow.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

/// The channel a task's operation acts on, seen from the spawn: a parameter
/// is the argument bound to it; a captured variable or member is itself.
const ValueDecl *atSpawn(const SpawnSite &S, const ValueDecl *D) {
  if (const auto *P = dyn_cast<ParmVarDecl>(D);
      P && P->getDeclContext() == S.Task.Fn) {
    unsigned I = P->getFunctionScopeIndex();
    return I < S.BoundArgs.size() ? ConcurrencyModel::rootObject(S.BoundArgs[I])
                                  : nullptr;
  }
  return ConcurrencyModel::declaredWithin(D, S.Task.Fn) ? nullptr : D;
}

/// A local the body made (or default-constructed) itself, rather than a
/// copy of a channel it was handed.
bool madeHere(const ValueDecl *D, const FunctionDecl *Body) {
  const auto *V = dyn_cast<VarDecl>(D);
  return V && !isa<ParmVarDecl>(V) && !V->isInitCapture() &&
         V->hasLocalStorage() && ConcurrencyModel::declaredWithin(V, Body) &&
         !(V->getInit() && ConcurrencyModel::rootObject(V->getInit()));
}

/// Whether \p T is a channel of an empty element type (Go's `chan
/// struct{}`), which can carry nothing but its close.
bool carriesNothing(QualType T) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T.getNonReferenceType()->getAsCXXRecordDecl());
  if (!Spec || Spec->getTemplateArgs().size() == 0 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return false;
  const auto *Elem = Spec->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
  return Elem && Elem->hasDefinition() && Elem->isEmpty();
}

/// Whether the channel is a signal: nothing in this translation unit sends
/// on it, and nothing elsewhere can, because its element type carries no
/// value or because it is made here and kept here. Closing it is how its
/// waiters are woken; there is no sender whose next send could panic.
bool signalOnly(const ConcurrencyModel &Model, const ValueDecl *Channel) {
  const ChannelInfo *Info = Model.channel(Channel);
  if (!Info || llvm::any_of(Info->Ops, [](const PlacedOp *O) {
        return O->Operation.Kind == Role::ChannelSend ||
               O->Operation.Kind == Role::SelectSendCase;
      }))
    return false;
  return carriesNothing(Channel->getType()) || (Info->MadeAt && !Info->Escapes);
}

} // namespace

void CloseByReceiverCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  llvm::DenseSet<const Stmt *> Reported;

  for (const FunctionDecl *Body : Model.bodies()) {
    const BodyFacts &Facts = Model.factsOf(Body);
    if (llvm::none_of(Facts.Ops,
                      [](const Op &O) { return O.Kind == Role::ChannelClose; }))
      continue;
    const BodyCFG &G = Model.flowGraphOf(Body);

    for (const Op &Close : Facts.Ops) {
      if (Close.Kind != Role::ChannelClose ||
          !reportable(Ctx, Close.Site->getBeginLoc()) ||
          Reported.contains(Close.Site))
        continue;
      const ValueDecl *Channel = Close.Object;
      ChannelHandle Closed = handleOf(Close);
      if (!Closed.Known)
        continue;
      auto SameChannel = [&](const ValueDecl *D) {
        return Model.sameChannel(D, Channel);
      };
      // Code that sends to the channel itself is its producer: closing it is
      // its job.
      if (llvm::any_of(Facts.Ops, [&](const Op &O) {
            return O.Kind == Role::ChannelSend && SameChannel(O.Object);
          }))
        continue;
      if (signalOnly(Model, Channel))
        continue;
      // A helper that receives and closes is reported in the helper.
      if (Close.Via &&
          llvm::any_of(Model.factsOf(Close.Via).Ops, [&](const Op &O) {
            return isReceive(O.Kind) && !O.Via;
          }))
        continue;
      Placement Where = place(Model, Body, Close.Site, &G);
      if (!Where.Runs || !Where.Anchor)
        continue;

      // A receive from the same handle that can come first: the body closes
      // after (or while) it receives. Closing first and draining after is
      // the owner's shutdown, not this bug.
      const Op *Receive = nullptr;
      bool InReceiveLoop = false;
      for (const Op &O : Facts.Ops) {
        if (!isReceive(O.Kind) || !sameHandle(handleOf(O), Closed))
          continue;
        Placement From = place(Model, Body, O.Site, &G);
        if (!From.Runs || !From.Anchor)
          continue;
        bool Before =
            Where.Guard
                ? G.reaches(Where.Anchor, From.Anchor) ||
                      G.reaches(From.Anchor, Where.Anchor)
                : (From.Anchor == Where.Anchor && Close.Site != Where.Anchor) ||
                      G.reaches(From.Anchor, Where.Anchor);
        if (!Before)
          continue;
        const Stmt *Loop = O.Kind == Role::ChannelRange
                               ? O.Site
                               : Model.enclosingLoop(O.Site, Body);
        bool Inside = false;
        for (const Stmt *P = Model.parentOf(Close.Site); Loop && P;
             P = Model.parentOf(P))
          if (P == Loop) {
            Inside = true;
            break;
          }
        if (!Receive || (Inside && !InReceiveLoop)) {
          Receive = &O;
          InReceiveLoop = Inside;
        }
      }
      if (!Receive)
        continue;

      // Closing inside the loop that receives is the bug whoever made the
      // channel. A close after the receiving is left to the channel's owner:
      // the code that made it, that starts the tasks sending to it, or that
      // waits for the senders first (the closer after `wg.wait()`).
      if (!InReceiveLoop) {
        if (madeHere(Channel, Body))
          continue;
        if (llvm::any_of(Facts.Spawns, [&](const SpawnSite *S) {
              return S->Task &&
                     llvm::any_of(Model.factsOf(S->Task.Fn).Ops,
                                  [&](const Op &O) {
                                    return O.Kind == Role::ChannelSend &&
                                           SameChannel(atSpawn(*S, O.Object));
                                  });
            }))
          continue;
        if (llvm::any_of(Facts.Ops, [&](const Op &O) {
              if (O.Kind != Role::WaitGroupWait)
                return false;
              Placement Wait = place(Model, Body, O.Site, &G);
              return !Wait.Anchor || G.reaches(Wait.Anchor, Where.Anchor);
            }))
          continue;
      }
      Reported.insert(Close.Site);
      diag(Close.Site->getBeginLoc(),
           "channel '%0' is closed by code that receives from it; only a "
           "sender may close a channel, or the senders' next send panics")
          << Channel->getName();
      if (Close.Via)
        diag(Close.Via->getLocation(), "'%0' closes the channel",
             DiagnosticIDs::Note)
            << displayName(Close.Via);
      diag(Receive->Site->getBeginLoc(), "it receives from the channel here",
           DiagnosticIDs::Note);
    }
  }
}

} // namespace clang::tidy::csp
