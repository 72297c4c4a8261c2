#include "analysis/Feedback.h"

#include "analysis/BodyFlow.h"
#include "analysis/Loops.h"
#include "analysis/ReceiveStatus.h"

#include "clang/AST/DeclTemplate.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/raw_ostream.h"

namespace clang::tidy::csp {

bool selectHasAlternatives(const ConcurrencyModel &Model, const Stmt *Case) {
  const Stmt *Arg = Case;
  const Stmt *P = Model.parentOf(Arg);
  while (P && (isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
                   ParenExpr>(P) ||
               (isa<CXXConstructExpr>(P) && cast<CXXConstructExpr>(P)->getNumArgs() == 1)))
    P = Model.parentOf(Arg = P);
  const auto *Select = dyn_cast_or_null<CallExpr>(P);
  if (!Select)
    return true;
  llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(Select);
  return !(Args.size() == 1 && Args[0] == Arg);
}

namespace {

/// Whether \p Call, an operation's own call, is a select case that its
/// select can pass over.
bool optionalCase(const ConcurrencyModel &Model, const CallExpr *Call) {
  Role R = Model.roles().roleOf(Call->getDirectCallee());
  return (R == Role::SelectSendCase || R == Role::SelectReceiveCase) &&
         selectHasAlternatives(Model, Call);
}

/// The receive with status that \p Cond tests, when the condition is only
/// that test: `box >> v`, `ch.pop(v) == channel_op_status::success`.
const Stmt *statusTest(const Expr *Cond) {
  const Expr *E = Cond->IgnoreImplicit()->IgnoreParens();
  if (const auto *BO = dyn_cast<BinaryOperator>(E);
      BO && (BO->getOpcode() == BO_EQ || BO->getOpcode() == BO_NE)) {
    const Expr *L = BO->getLHS()->IgnoreImplicit()->IgnoreParens();
    const Expr *R = BO->getRHS()->IgnoreImplicit()->IgnoreParens();
    return isa<CallExpr>(L) ? L : R;
  }
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E);
      MC && isa_and_nonnull<CXXConversionDecl>(MC->getMethodDecl()))
    return MC->getImplicitObjectArgument()->IgnoreImplicit()->IgnoreParens();
  return E;
}

/// The loop around \p R, a receive of \p Body, when only the close of the
/// channel (or nothing) ends it and the receive runs on every iteration;
/// \p Forever tells that nothing ends it.
const Stmt *receiveLoop(ConcurrencyModel &Model, const FunctionDecl *Body, const Op &R,
                        bool &Forever) {
  Forever = false;
  if (R.Kind == Role::ChannelRange) {
    const Stmt *Inside = loopBody(R.Site);
    return loopExits(Inside).empty() && !continuesLoop(Inside) ? R.Site : nullptr;
  }
  const Stmt *Loop = Model.enclosingLoop(R.Site, Body);
  if (!Loop || continuesLoop(loopBody(Loop)))
    return nullptr;
  const auto *Call = dyn_cast<CallExpr>(R.Site);
  if (!Call || (!R.Via && optionalCase(Model, Call)))
    return nullptr;
  if (!R.Via && R.Kind == Role::ChannelReceiveWithStatus) {
    if (loopUntilClosed(Model, Body, Call) == Loop)
      return Loop;
    if (const Expr *Cond = loopCondition(Loop);
        Cond && isa<WhileStmt, ForStmt>(Loop) && statusTest(Cond) == Call &&
        loopExits(loopBody(Loop)).empty())
      return Loop;
  }
  Forever = loopsForever(Loop, Model.astContext()) && alwaysRuns(Model, Body, R, Loop);
  return Forever ? Loop : nullptr;
}

/// Whether every iteration of \p Loop, which nothing ends, also waits for a
/// value from a channel other than the one \p R receives from: that
/// channel drives the loop, and the pass takes one value from R's and puts
/// one back (state kept in a one-slot channel, a permit pool), which frees
/// the slot its send needs.
bool drivenByAnother(ConcurrencyModel &Model, const FunctionDecl *Body, const Stmt *Loop,
                     const Op &R) {
  ChannelHandle From = handleOf(R);
  return llvm::any_of(Model.factsOf(Body).Ops, [&](const Op &O) {
    if (!isReceive(O.Kind) || !Model.isWithin(O.Site, loopBody(Loop)))
      return false;
    ChannelHandle Other = handleOf(O);
    const auto *Call = dyn_cast<CallExpr>(O.Site);
    return Other.Known && !sameHandle(Other, From) && !Model.sameChannel(O.Object, R.Object) &&
           !(Call && !O.Via && optionalCase(Model, Call)) && alwaysRuns(Model, Body, O, Loop);
  });
}

/// Peels what passing a value on wraps around it: conversions and casts,
/// copies, std::move.
const Expr *passed(const Expr *E) {
  for (unsigned Depth = 0; E && Depth < 8; ++Depth) {
    E = E->IgnoreImplicit()->IgnoreParenCasts();
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E);
        Construct && Construct->getNumArgs() == 1) {
      E = Construct->getArg(0);
      continue;
    }
    if (const auto *CE = dyn_cast<CallExpr>(E);
        CE && CE->getNumArgs() == 1 && CE->getDirectCallee() &&
        CE->getDirectCallee()->isInStdNamespace()) {
      E = CE->getArg(0);
      continue;
    }
    return E;
  }
  return E;
}

/// The variables that hold what \p R receives: a range-for's loop
/// variable; the variable (or the bindings) a receive initializes or is
/// assigned to; the variables a receive fills through its arguments
/// (`pop(v)`). Empty when the value is dropped.
llvm::SmallPtrSet<const ValueDecl *, 4> receivedInto(const ConcurrencyModel &Model,
                                                     const Op &R) {
  llvm::SmallPtrSet<const ValueDecl *, 4> Vars;
  if (const auto *Range = dyn_cast<CXXForRangeStmt>(R.Site)) {
    Vars.insert(Range->getLoopVariable());
    return Vars;
  }
  const auto *Call = dyn_cast<CallExpr>(R.Site);
  if (!Call)
    return Vars;
  for (const Expr *Arg : ConcurrencyModel::explicitArgs(Call))
    if (const auto *Ref = dyn_cast<DeclRefExpr>(passed(Arg));
        Ref && Model.roles().roleOf(Ref->getType()) != TypeRole::Channel)
      Vars.insert(Ref->getDecl());
  const Stmt *Cur = Call;
  const Stmt *P = Model.parentOf(Cur);
  while (P && (isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
                   ExprWithCleanups, ParenExpr>(P) ||
               (isa<CXXConstructExpr>(P) && cast<CXXConstructExpr>(P)->getNumArgs() == 1)))
    P = Model.parentOf(Cur = P);
  if (const auto *DS = dyn_cast_or_null<DeclStmt>(P)) {
    for (const Decl *D : DS->decls()) {
      if (const auto *DD = dyn_cast<DecompositionDecl>(D))
        for (const BindingDecl *B : DD->bindings())
          Vars.insert(B);
      if (const auto *V = dyn_cast<VarDecl>(D))
        Vars.insert(V);
    }
  } else if (const auto *BO = dyn_cast_or_null<BinaryOperator>(P);
             BO && BO->getOpcode() == BO_Assign && BO->getRHS() == Cur) {
    if (const auto *Ref = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
      Vars.insert(Ref->getDecl());
  } else if (const auto *Op = dyn_cast_or_null<CXXOperatorCallExpr>(P);
             Op && Op->getOperator() == OO_Equal && Op->getNumArgs() == 2 &&
             Op->getArg(1) == Cur) {
    if (const auto *Ref = dyn_cast<DeclRefExpr>(Op->getArg(0)->IgnoreParenImpCasts()))
      Vars.insert(Ref->getDecl());
  }
  return Vars;
}

/// Whether \p S sends one of \p Vars as it is: the send call's (or the
/// helper call's) argument names it.
bool sendsBack(const Op &S, const llvm::SmallPtrSet<const ValueDecl *, 4> &Vars) {
  const auto *Call = dyn_cast<CallExpr>(S.Site);
  if (!Call)
    return false;
  return llvm::any_of(ConcurrencyModel::explicitArgs(Call), [&](const Expr *Arg) {
    const auto *Ref = dyn_cast<DeclRefExpr>(passed(Arg));
    return Ref && Vars.contains(Ref->getDecl());
  });
}

} // namespace

bool sendWaits(ConcurrencyModel &Model, const Op &Send, BlockingFn Blocks) {
  if (Send.Via) {
    // The helper's own sends: each must wait, or the helper has a way on.
    bool Any = false;
    for (const Op &Inner : Model.factsOf(Send.Via).Ops) {
      if (Inner.Kind != Send.Kind || Inner.Via)
        continue;
      if (!sendWaits(Model, Inner, Blocks))
        return false;
      Any = true;
    }
    return Any;
  }
  const auto *Call = dyn_cast<CallExpr>(Send.Site);
  if (!Call)
    return false;
  Role R = Model.roles().roleOf(Call->getDirectCallee());
  if (R == Role::SelectSendCase)
    return !selectHasAlternatives(Model, Call);
  return Blocks(Send);
}

std::vector<FeedbackLoop> feedbackLoops(ConcurrencyModel &Model, const FunctionDecl *Body,
                                        BlockingFn Blocks) {
  std::vector<FeedbackLoop> Result;
  const BodyFacts &Facts = Model.factsOf(Body);
  // A view can do one of the two: its type already says which.
  auto Plain = [&](const Op &O) {
    return O.Object && Model.roles().directionOf(O.Object->getType()) == TypeRole::None;
  };
  for (const Op &R : Facts.Ops) {
    if (!isReceive(R.Kind) || !Plain(R))
      continue;
    ChannelHandle From = handleOf(R);
    bool Forever = false;
    const Stmt *Loop = From.Known ? receiveLoop(Model, Body, R, Forever) : nullptr;
    if (!Loop || (Forever && drivenByAnother(Model, Body, Loop, R)))
      continue;
    // A receive whose value is dropped takes a token (a semaphore's); a
    // send of the very value received gives back what was borrowed (an
    // object pool, state kept in a channel). Neither is new work.
    llvm::SmallPtrSet<const ValueDecl *, 4> Taken = receivedInto(Model, R);
    if (Taken.empty())
      continue;
    for (const Op &S : Facts.Ops) {
      if (S.Kind != Role::ChannelSend || !Plain(S) || sendsBack(S, Taken) ||
          !Model.isWithin(S.Site, loopBody(Loop)) || !sameHandle(handleOf(S), From) ||
          !alwaysRuns(Model, Body, S, Loop) || !sendWaits(Model, S, Blocks))
        continue;
      Result.push_back({Loop, &R, &S});
      break;
    }
  }
  return Result;
}

bool receivedElsewhere(ConcurrencyModel &Model, const FunctionDecl *Body,
                       const ValueDecl *Channel) {
  const ChannelInfo *Info = Model.channel(Channel);
  if (!Info)
    return true;
  llvm::SmallPtrSet<const FunctionDecl *, 4> Helpers;
  for (const Op &O : Model.factsOf(Body).Ops)
    if (isReceive(O.Kind) && O.Via && Model.sameChannel(O.Object, Channel))
      Helpers.insert(O.Via);
  // Lambdas the body runs itself are part of its facts; the tasks it
  // starts are other receivers.
  auto Own = [&](const FunctionDecl *B) {
    if (B == Body || Helpers.contains(B))
      return true;
    return ConcurrencyModel::declaredWithin(B, Body) &&
           llvm::none_of(Model.spawns(), [&](const SpawnSite &S) { return S.Task.Fn == B; });
  };
  for (const PlacedOp *P : Info->Ops)
    if (isReceive(P->Operation.Kind) && !Own(P->Body))
      return true;
  if (Helpers.empty())
    return false;
  for (const FunctionDecl *B : Model.bodies()) {
    if (Own(B))
      continue;
    for (const Op &O : Model.factsOf(B).Ops) {
      if (!isReceive(O.Kind) || !O.Via || !Helpers.contains(O.Via) ||
          !Model.sameChannel(O.Object, Channel))
        continue;
      const auto *Call = dyn_cast<CallExpr>(O.Site);
      const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
      // A direct call of the helper is another receiver, and so is a call
      // with no name; through Body, or another helper of B's, the receive
      // is that function's (and B's call of Body is Body's own receive).
      if (!Callee || Helpers.contains(Callee->getDefinition()))
        return true;
    }
  }
  return false;
}

std::string receiveOnlyViewType(const ConcurrencyModel &Model, QualType Channel) {
  const auto *RD = Channel.getNonReferenceType()->getAsCXXRecordDecl();
  std::string View = Model.roles().receiveOnlyViewFor(RD);
  if (View.empty())
    return View;
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD)) {
    llvm::raw_string_ostream OS(View);
    printTemplateArgumentList(OS, Spec->getTemplateArgs().asArray(),
                              Model.astContext().getPrintingPolicy());
    OS.flush();
  }
  return View;
}

} // namespace clang::tidy::csp
