#include "UncheckedReceiveCheck.h"

#include "analysis/Loops.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

/// The handlers of the select cases under \p S other than \p Receive:
/// they run when another channel is ready, not when this one is closed.
void otherHandlers(const ConcurrencyModel &Model, const Stmt *S, const Stmt *Receive,
                   llvm::DenseSet<const LambdaExpr *> &Out) {
  if (!S)
    return;
  if (const auto *CE = dyn_cast<CallExpr>(S); CE && CE != Receive) {
    Role R = Model.roles().roleOf(CE->getDirectCallee());
    unsigned HandlerArg = R == Role::SelectReceiveCase ? 1 : R == Role::SelectSendCase ? 2 : 0;
    if (HandlerArg && HandlerArg < CE->getNumArgs())
      if (const LambdaExpr *L = ConcurrencyModel::resolveCallable(CE->getArg(HandlerArg)).Lambda)
        Out.insert(L);
  }
  for (const Stmt *Child : S->children())
    otherHandlers(Model, Child, Receive, Out);
}

/// Whether \p Loop can only be left for reasons that a closed channel
/// cannot bring about: its condition (if any) and the guard of each way out
/// are invariant in the loop, apart from what the other select cases'
/// handlers write. Then a receive in it that ignores the close takes zero
/// values until one of those reasons comes.
bool closeCannotEndIt(const ConcurrencyModel &Model, const FunctionDecl *Body,
                      const Stmt *Loop, const Stmt *Receive) {
  llvm::DenseSet<const LambdaExpr *> Skip;
  otherHandlers(Model, Loop, Receive, Skip);
  LoopWrites Writes(Model, Body, Loop, Skip);
  if (const Expr *Cond = loopCondition(Loop);
      Cond && !unconditionalLoopBody(Loop, Model.astContext()) && !Writes.invariant(Cond))
    return false;
  const Stmt *LoopBody = loopBody(Loop);
  if (!LoopBody)
    return false;
  // An unguarded way out means the loop does not repeat (or repeats for
  // reasons this check cannot follow).
  return llvm::all_of(loopExits(LoopBody), [&](const Stmt *Exit) {
    std::optional<llvm::SmallVector<ExitGuard, 2>> Guards = exitGuards(Model, Loop, Exit);
    return Guards && !Guards->empty() &&
           llvm::all_of(*Guards, [&](const ExitGuard &G) { return Writes.invariant(G.Cond); });
  });
}

/// The receive inside \p Helper that a call to it performs, for the note.
const Stmt *receiveIn(ConcurrencyModel &Model, const FunctionDecl *Helper) {
  for (const Op &O : Model.factsOf(Helper).Ops)
    if (O.Kind == Role::ChannelReceive && !O.Via)
      return O.Site;
  return nullptr;
}

} // namespace

void UncheckedReceiveCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  llvm::DenseSet<const Stmt *> Reported;

  auto Consider = [&](const Op &Receive, const FunctionDecl *Body) {
    if (Receive.Kind != Role::ChannelReceive ||
        !reportable(Ctx, Receive.Site->getBeginLoc()) ||
        Reported.contains(Receive.Site))
      return;
    const ChannelInfo *Info = Model.channel(Receive.Object);
    if (!Info)
      return;
    auto Close = llvm::find_if(Info->Ops, [](const PlacedOp *O) {
      return isClose(O->Operation.Kind);
    });
    if (Close == Info->Ops.end())
      return;
    const Stmt *Loop = Model.enclosingLoop(Receive.Site, Body);
    if (!Loop || isa<CXXForRangeStmt>(Loop) ||
        !closeCannotEndIt(Model, Body, Loop, Receive.Site))
      return;
    Reported.insert(Receive.Site);
    // A receive that returns a status (Boost.Fiber's pop) whose caller
    // drops it: the advice is to read the status it already has.
    const Stmt *Inner = Receive.Via ? receiveIn(Model, Receive.Via) : Receive.Site;
    const auto *InnerCall = dyn_cast_or_null<CallExpr>(Inner);
    bool StatusDropped =
        InnerCall &&
        Model.roles().roleOf(InnerCall->getDirectCallee()) == Role::ChannelReceiveWithStatus;
    if (StatusDropped)
      diag(Receive.Site->getBeginLoc(),
           "the status of this receive from channel '%0' is dropped; once the "
           "channel is closed, this loop gets no new values forever: test the "
           "status and stop when it says closed")
          << Receive.Object->getNameAsString();
    else
      diag(Receive.Site->getBeginLoc(),
           "value received from channel '%0' without checking whether it is "
           "closed; once it is, this loop gets zero values forever: use "
           "'recv_ok' or a (value, ok) handler and stop when ok is false")
          << Receive.Object->getNameAsString();
    if (Receive.Via && Inner)
      diag(Inner->getBeginLoc(),
           StatusDropped ? "'%0' drops the receive's status here"
                         : "'%0' receives without the ok flag here",
           DiagnosticIDs::Note)
          << displayName(Receive.Via);
    diag((*Close)->Operation.Site->getBeginLoc(), "the channel is closed here",
         DiagnosticIDs::Note);
  };

  // Receives written in a body, then receives made by the helpers a body
  // calls, at the call.
  for (const PlacedOp &P : Model.operations())
    Consider(P.Operation, P.Body);
  for (const FunctionDecl *Body : Model.bodies())
    for (const Op &O : Model.factsOf(Body).Ops)
      if (O.Via)
        Consider(O, Body);
}

} // namespace clang::tidy::csp
