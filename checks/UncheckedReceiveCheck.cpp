#include "UncheckedReceiveCheck.h"

namespace clang::tidy::csp {

namespace {

/// A loop that only a break, return or throw can end: `for (;;)`,
/// `while (true)`. A counted loop receives a known number of values and
/// does not spin on a closed channel.
bool isEndless(const Stmt *Loop, const ASTContext &Ctx) {
  const Expr *Cond = nullptr;
  if (const auto *For = dyn_cast<ForStmt>(Loop))
    Cond = For->getCond();
  else if (const auto *While = dyn_cast<WhileStmt>(Loop))
    Cond = While->getCond();
  else if (const auto *Do = dyn_cast<DoStmt>(Loop))
    Cond = Do->getCond();
  else
    return false;
  bool Value = false;
  return !Cond || (!Cond->isValueDependent() &&
                   Cond->EvaluateAsBooleanCondition(Value, Ctx) && Value);
}

} // namespace

void UncheckedReceiveCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  for (const PlacedOp &P : Model.operations()) {
    const Op &Receive = P.Operation;
    if (Receive.Kind != Role::ChannelReceive ||
        !reportable(Ctx, Receive.Site->getBeginLoc()))
      continue;
    const Stmt *Loop = Model.enclosingLoop(Receive.Site, P.Body);
    if (!Loop || !isEndless(Loop, Ctx))
      continue;
    const ChannelInfo *Info = Model.channel(Receive.Object);
    if (!Info)
      continue;
    auto Close = llvm::find_if(Info->Ops, [](const PlacedOp *O) {
      return O->Operation.Kind == Role::ChannelClose;
    });
    if (Close == Info->Ops.end())
      continue;
    diag(Receive.Site->getBeginLoc(),
         "value received from channel '%0' without checking whether it is "
         "closed; once it is, this loop gets zero values forever: use "
         "'recv_ok' or a (value, ok) handler and stop when ok is false")
        << Receive.Object->getName();
    diag((*Close)->Operation.Site->getBeginLoc(), "the channel is closed here",
         DiagnosticIDs::Note);
  }
}

} // namespace clang::tidy::csp
