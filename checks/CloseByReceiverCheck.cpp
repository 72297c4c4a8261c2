#include "CloseByReceiverCheck.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

void CloseByReceiverCheck::checkModel(ConcurrencyModel &Model) {
  llvm::DenseSet<const Stmt *> Reported;
  for (const FunctionDecl *Body : Model.bodies()) {
    const BodyFacts &Facts = Model.factsOf(Body);
    for (const Op &Close : Facts.Ops) {
      // A close inside a helper is reported in the helper's own body.
      if (Close.Kind != Role::ChannelClose || Close.Via ||
          !reportable(Model.astContext(), Close.Site->getBeginLoc()))
        continue;
      auto Same = [&](const Op &O) {
        return Model.sameChannel(O.Object, Close.Object);
      };
      const Op *Receive = nullptr;
      bool Sends = false;
      for (const Op &O : Facts.Ops) {
        if (!Same(O))
          continue;
        if (isReceive(O.Kind) && !Receive)
          Receive = &O;
        Sends |= O.Kind == Role::ChannelSend;
      }
      // Code that also sends owns the channel: closing it is its job.
      if (!Receive || Sends || !Reported.insert(Close.Site).second)
        continue;
      diag(Close.Site->getBeginLoc(),
           "channel '%0' is closed by code that receives from it; only a "
           "sender may close a channel, or the senders' next send panics")
          << Close.Object->getName();
      diag(Receive->Site->getBeginLoc(), "it receives from the channel here",
           DiagnosticIDs::Note);
    }
  }
}

} // namespace clang::tidy::csp
