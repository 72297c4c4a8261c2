#include "UncheckedReceiveCheck.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

/// The declarations an lvalue expression writes to: `x`, `obj.f` (both the
/// field and `obj`), `*p`, `a[i]`, `v[i]`.
void writtenRoots(const Expr *E, llvm::DenseSet<const Decl *> &Out) {
  for (unsigned Depth = 0; E && Depth < 12; ++Depth) {
    E = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      Out.insert(DRE->getDecl());
      return;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      Out.insert(ME->getMemberDecl());
      E = ME->getBase();
      continue;
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      E = AS->getBase();
      continue;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      E = UO->getSubExpr();
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E);
        Op && Op->getNumArgs() > 0) {
      E = Op->getArg(0);
      continue;
    }
    return;
  }
}

/// What a loop's body writes, apart from what the handlers of the other
/// select cases write (those run when another channel is ready, not when
/// this one is closed). A declaration made in the loop counts as a write
/// unless it starts from a constant (`bool stop = false;`).
class WriteCollector : public RecursiveASTVisitor<WriteCollector> {
public:
  WriteCollector(const ASTContext &Ctx,
                 const llvm::DenseSet<const LambdaExpr *> &Skip,
                 llvm::DenseSet<const Decl *> &Written)
      : Ctx(Ctx), Skip(Skip), Written(Written) {}

  bool TraverseLambdaExpr(LambdaExpr *L) {
    return Skip.contains(L) || RecursiveASTVisitor::TraverseLambdaExpr(L);
  }
  bool TraverseTypeLoc(TypeLoc) { return true; }

  bool VisitVarDecl(VarDecl *V) {
    const Expr *Init = V->getInit();
    if (isa<ParmVarDecl>(V) || !Init || Init->isValueDependent() ||
        !Init->isEvaluatable(Ctx))
      Written.insert(V);
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp())
      writtenRoots(BO->getLHS(), Written);
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf)
      writtenRoots(UO->getSubExpr(), Written);
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    // A non-const member function may change its object.
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
      const CXXMethodDecl *MD = MC->getMethodDecl();
      if (!MD || !MD->isConst())
        writtenRoots(MC->getImplicitObjectArgument(), Written);
    } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(CE)) {
      const auto *MD = dyn_cast_or_null<CXXMethodDecl>(Op->getDirectCallee());
      if (Op->getNumArgs() > 0 && (!MD || !MD->isConst()))
        writtenRoots(Op->getArg(0), Written);
    }
    // An argument bound to a non-const reference may be changed.
    const FunctionDecl *FD = CE->getDirectCallee();
    llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(CE);
    for (unsigned P = 0; P < Args.size(); ++P) {
      QualType T;
      if (FD && P < FD->getNumParams())
        T = FD->getParamDecl(P)->getType();
      if (T.isNull() || (T->isReferenceType() &&
                         !T.getNonReferenceType().isConstQualified()))
        writtenRoots(Args[P], Written);
    }
    return true;
  }

private:
  const ASTContext &Ctx;
  const llvm::DenseSet<const LambdaExpr *> &Skip;
  llvm::DenseSet<const Decl *> &Written;
};

/// Decides whether a loop can only be left for reasons that a closed
/// channel cannot bring about: then a receive in it that ignores the close
/// takes zero values until one of those reasons comes.
class LoopExits {
public:
  LoopExits(const ConcurrencyModel &Model, const FunctionDecl *Body,
            const Stmt *Loop, const Stmt *Receive)
      : Model(Model), Body(Body), Loop(Loop) {
    llvm::DenseSet<const LambdaExpr *> OtherHandlers;
    collectOtherHandlers(Loop, Receive, OtherHandlers);
    WriteCollector(Model.astContext(), OtherHandlers, Written).TraverseStmt(const_cast<Stmt *>(Loop));
  }

  /// True if the close of the received channel cannot end the loop.
  bool closeCannotEndIt() {
    if (const Expr *Cond = condition(); Cond && !isConstantTrue(Cond) &&
                                        !independent(Cond))
      return false;
    const Stmt *LoopBody = bodyOf(Loop);
    return LoopBody && exitsAreIndependent(LoopBody, /*InNested=*/false);
  }

private:
  static const Stmt *bodyOf(const Stmt *S) {
    if (const auto *For = dyn_cast<ForStmt>(S))
      return For->getBody();
    if (const auto *While = dyn_cast<WhileStmt>(S))
      return While->getBody();
    if (const auto *Do = dyn_cast<DoStmt>(S))
      return Do->getBody();
    if (const auto *Range = dyn_cast<CXXForRangeStmt>(S))
      return Range->getBody();
    return nullptr;
  }

  const Expr *condition() const {
    if (const auto *For = dyn_cast<ForStmt>(Loop))
      return For->getCond();
    if (const auto *While = dyn_cast<WhileStmt>(Loop))
      return While->getCond();
    if (const auto *Do = dyn_cast<DoStmt>(Loop))
      return Do->getCond();
    return nullptr;
  }

  bool isConstantTrue(const Expr *Cond) const {
    bool Value = false;
    return !Cond->isValueDependent() &&
           Cond->EvaluateAsBooleanCondition(Value, Model.astContext()) && Value;
  }

  /// The handlers of the select cases in the loop other than \p Receive.
  void collectOtherHandlers(const Stmt *S, const Stmt *Receive,
                            llvm::DenseSet<const LambdaExpr *> &Out) const {
    if (!S)
      return;
    if (const auto *CE = dyn_cast<CallExpr>(S); CE && CE != Receive) {
      Role R = Model.roles().roleOf(CE->getDirectCallee());
      unsigned HandlerArg = R == Role::SelectReceiveCase ? 1
                            : R == Role::SelectSendCase  ? 2
                                                         : 0;
      if (HandlerArg && HandlerArg < CE->getNumArgs())
        if (const LambdaExpr *L =
                ConcurrencyModel::resolveCallable(CE->getArg(HandlerArg)).Lambda)
          Out.insert(L);
    }
    for (const Stmt *Child : S->children())
      collectOtherHandlers(Child, Receive, Out);
  }

  /// Whether \p E evaluates the same however the received values and the
  /// loop's own bookkeeping go: it reads only locals of the body that the
  /// loop does not write (except in the other cases' handlers), and calls
  /// only const member functions of objects other than channels
  /// (`ctx.err()`).
  bool independent(const Expr *E) const {
    if (!E)
      return true;
    E = E->IgnoreImplicit()->IgnoreParens();
    if (isa<IntegerLiteral, CXXBoolLiteralExpr, CXXNullPtrLiteralExpr,
            FloatingLiteral, CharacterLiteral, CXXThisExpr>(E))
      return true;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      const ValueDecl *D = DRE->getDecl();
      if (isa<EnumConstantDecl, FunctionDecl>(D))
        return true;
      const auto *V = dyn_cast<VarDecl>(D);
      return V && V->hasLocalStorage() && !V->getType()->isReferenceType() &&
             ConcurrencyModel::declaredWithin(V, Body) && !Written.contains(V);
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      const CXXMethodDecl *MD = MC->getMethodDecl();
      const Expr *Object = MC->getImplicitObjectArgument();
      if (!MD || !MD->isConst() ||
          Model.roles().roleOf(Object->getType()) == TypeRole::Channel ||
          !unchangedObject(Object))
        return false;
      // The object's state may change under it (a context is cancelled),
      // but not because this loop received a value.
      for (const Expr *Arg : MC->arguments())
        if (!independent(Arg))
          return false;
      return true;
    }
    if (const auto *Cast = dyn_cast<CastExpr>(E))
      return independent(Cast->getSubExpr());
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      return !UO->isIncrementDecrementOp() && independent(UO->getSubExpr());
    if (const auto *BO = dyn_cast<BinaryOperator>(E))
      return !BO->isAssignmentOp() && independent(BO->getLHS()) &&
             independent(BO->getRHS());
    if (const auto *CO = dyn_cast<ConditionalOperator>(E))
      return independent(CO->getCond()) && independent(CO->getTrueExpr()) &&
             independent(CO->getFalseExpr());
    if (isa<CXXDefaultArgExpr>(E))
      return true;
    return false;
  }

  /// Whether the object of a const call is one the loop does not change: a
  /// local or parameter it does not write (`ctx` in `ctx.err()`), or what a
  /// const call returns. A member or global (`running_.load()`) may be the
  /// flag that the code closing the channel clears as well: not counted.
  bool unchangedObject(const Expr *E) const {
    E = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      const auto *V = dyn_cast<VarDecl>(DRE->getDecl());
      return V && V->hasLocalStorage() && !Written.contains(V);
    }
    if (isa<CXXMemberCallExpr>(E))
      return independent(E);
    return false;
  }

  /// Whether every way out of the loop found under \p S is guarded only by
  /// independent conditions. An unguarded way out means the loop does not
  /// repeat (or repeats for reasons this check cannot follow).
  bool exitsAreIndependent(const Stmt *S, bool InNested) {
    if (!S || isa<LambdaExpr>(S))
      return true;
    bool Exit = isa<ReturnStmt, CXXThrowExpr, GotoStmt, CoreturnStmt>(S) ||
                (isa<BreakStmt>(S) && !InNested);
    if (const auto *CE = dyn_cast<CallExpr>(S))
      if (const FunctionDecl *FD = CE->getDirectCallee();
          FD && FD->isNoReturn())
        Exit = true;
    if (Exit && !guardedIndependently(S))
      return false;
    bool Nested = InNested || isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt,
                                  SwitchStmt>(S);
    for (const Stmt *Child : S->children())
      if (!exitsAreIndependent(Child, Nested))
        return false;
    return true;
  }

  /// Whether the way out \p Exit is guarded, and only by independent
  /// conditions, between itself and the loop.
  bool guardedIndependently(const Stmt *Exit) const {
    bool Guarded = false;
    const Stmt *Child = Exit;
    for (const Stmt *P = Model.parentOf(Exit); P && P != Loop;
         Child = P, P = Model.parentOf(P)) {
      const Expr *Guard = nullptr;
      if (const auto *If = dyn_cast<IfStmt>(P)) {
        if (Child == If->getCond() || Child == If->getInit() ||
            Child == If->getConditionVariableDeclStmt())
          continue;
        if (If->getConditionVariable() || If->getInit())
          return false;
        Guard = If->getCond();
      } else if (const auto *Switch = dyn_cast<SwitchStmt>(P)) {
        Guard = Switch->getCond();
      } else if (const auto *CO = dyn_cast<ConditionalOperator>(P)) {
        if (Child == CO->getCond())
          continue;
        Guard = CO->getCond();
      } else if (const auto *BO = dyn_cast<BinaryOperator>(P);
                 BO && BO->isLogicalOp() && Child == BO->getRHS()) {
        Guard = BO->getLHS();
      } else if (isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(P)) {
        // A nested loop's way out: it runs only as its loop decides.
        return false;
      }
      if (Guard) {
        if (!independent(Guard))
          return false;
        Guarded = true;
      }
    }
    return Guarded;
  }

  const ConcurrencyModel &Model;
  const FunctionDecl *Body;
  const Stmt *Loop;
  llvm::DenseSet<const Decl *> Written;
};

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
        !LoopExits(Model, Body, Loop, Receive.Site).closeCannotEndIt())
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
