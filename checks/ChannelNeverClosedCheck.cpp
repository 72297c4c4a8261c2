#include "ChannelNeverClosedCheck.h"

#include "analysis/Closing.h"
#include "analysis/Loops.h"
#include "analysis/ReceiveStatus.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

void ChannelNeverClosedCheck::checkModel(ConcurrencyModel &Model) {
  ClosingFacts Closing(Model);
  // A channel nobody closes, unless it is an endless stream: its receivers
  // are then a service running until the program ends, not a leak.
  auto NeverClosed = [&](const ValueDecl *D) -> const ChannelInfo * {
    const ChannelInfo *Info = Closing.neverClosed(D);
    return Info && !Closing.endless(Info) ? Info : nullptr;
  };
  auto NoteMade = [&](const ChannelInfo &Info) {
    diag(Info.MadeAt->getBeginLoc(),
         "channel '%0' is made here; close it once the last value is sent",
         DiagnosticIDs::Note)
        << Info.MadeAs->getName();
  };

  llvm::DenseSet<const Stmt *> Reported;
  for (const PlacedOp &P : Model.operations()) {
    const Op &Receive = P.Operation;
    if (Receive.Kind == Role::ChannelRange) {
      // A loop its body can leave does not depend on the close.
      if (!reportable(Model.astContext(), Receive.Site->getBeginLoc()) ||
          !loopExits(cast<CXXForRangeStmt>(Receive.Site)->getBody()).empty())
        continue;
      const ChannelInfo *Info = NeverClosed(Receive.Object);
      if (!Info)
        continue;
      diag(Receive.Site->getBeginLoc(),
           "range loop over channel '%0', which is never closed; the loop "
           "never ends and its task blocks forever")
          << Receive.Object->getName();
      NoteMade(*Info);
      continue;
    }
    if (Receive.Kind != Role::ChannelReceiveWithStatus || !P.Body)
      continue;
    const auto *Call = dyn_cast<CallExpr>(Receive.Site);
    const Stmt *Loop = Call ? loopUntilClosed(Model, P.Body, Call) : nullptr;
    if (!Loop || !reportable(Model.astContext(), Loop->getBeginLoc()) ||
        Reported.contains(Loop))
      continue;
    const ChannelInfo *Info = NeverClosed(Receive.Object);
    if (!Info)
      continue;
    Reported.insert(Loop);
    diag(Loop->getBeginLoc(),
         "loop receives from channel '%0' until it is closed, and it is never "
         "closed; the loop never ends and its task blocks forever")
        << Receive.Object->getName();
    NoteMade(*Info);
  }
}

} // namespace clang::tidy::csp
