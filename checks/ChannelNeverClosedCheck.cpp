#include "ChannelNeverClosedCheck.h"

#include "analysis/BodyFlow.h"

#include "clang/AST/RecursiveASTVisitor.h"

#include <functional>

namespace clang::tidy::csp {

namespace {

/// The statements that leave \p Loop from its body: a break of this loop,
/// a return, goto or throw, a call that does not return.
class LoopExits : public RecursiveASTVisitor<LoopExits> {
public:
  llvm::SmallVector<const Stmt *, 4> Exits;
  unsigned NestedBreakable = 0;

  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool VisitReturnStmt(ReturnStmt *S) { return add(S); }
  bool VisitCoreturnStmt(CoreturnStmt *S) { return add(S); }
  bool VisitGotoStmt(GotoStmt *S) { return add(S); }
  bool VisitCXXThrowExpr(CXXThrowExpr *S) { return add(S); }
  bool VisitCallExpr(CallExpr *CE) {
    if (const FunctionDecl *FD = CE->getDirectCallee(); FD && FD->isNoReturn())
      add(CE);
    return true;
  }
  bool VisitBreakStmt(BreakStmt *S) {
    if (!NestedBreakable)
      add(S);
    return true;
  }
#define NESTED(Kind)                                                           \
  bool Traverse##Kind(Kind *S) {                                               \
    ++NestedBreakable;                                                         \
    bool R = RecursiveASTVisitor::Traverse##Kind(S);                           \
    --NestedBreakable;                                                         \
    return R;                                                                  \
  }
  NESTED(ForStmt)
  NESTED(WhileStmt)
  NESTED(DoStmt)
  NESTED(CXXForRangeStmt)
  NESTED(SwitchStmt)
#undef NESTED

private:
  bool add(const Stmt *S) {
    Exits.push_back(S);
    return true;
  }
};

/// Whether the loop body can leave the loop by itself: then the loop does
/// not depend on the channel being closed.
bool canLeaveEarly(const CXXForRangeStmt *Loop) {
  LoopExits Finder;
  Finder.TraverseStmt(const_cast<Stmt *>(Loop->getBody()));
  return !Finder.Exits.empty();
}

/// The flag that says whether the receive \p Call got a value: the bool
/// binding of `auto [v, ok] = ch.recv_ok();`, or the bool member of
/// `auto r = ch.recv_ok();` (then \p Member is set).
struct OkFlag {
  const ValueDecl *Var = nullptr;
  const FieldDecl *Member = nullptr;
};

std::optional<OkFlag> okFlagOf(const ConcurrencyModel &Model,
                               const CallExpr *Call) {
  const Stmt *Cur = Call;
  const Stmt *P = Model.parentOf(Cur);
  while (P && isa<ImplicitCastExpr, MaterializeTemporaryExpr,
                  CXXBindTemporaryExpr, ExprWithCleanups, CXXConstructExpr>(P))
    P = Model.parentOf(Cur = P);
  const auto *DS = dyn_cast_or_null<DeclStmt>(P);
  if (!DS || !DS->isSingleDecl())
    return std::nullopt;
  auto BoolField = [](QualType T) -> const FieldDecl * {
    const auto *RD = T.getNonReferenceType()->getAsRecordDecl();
    const FieldDecl *Found = nullptr;
    if (RD)
      for (const FieldDecl *F : RD->fields())
        if (F->getType()->isBooleanType()) {
          if (Found)
            return nullptr;
          Found = F;
        }
    return Found;
  };
  if (const auto *DD = dyn_cast<DecompositionDecl>(DS->getSingleDecl())) {
    const BindingDecl *Ok = nullptr;
    for (const BindingDecl *B : DD->bindings())
      if (B->getType()->isBooleanType()) {
        if (Ok)
          return std::nullopt;
        Ok = B;
      }
    if (!Ok)
      return std::nullopt;
    return OkFlag{Ok, nullptr};
  }
  const auto *V = dyn_cast<VarDecl>(DS->getSingleDecl());
  if (!V)
    return std::nullopt;
  const FieldDecl *F = BoolField(V->getType());
  if (!F)
    return std::nullopt;
  return OkFlag{V, F};
}

/// Whether \p E is the flag itself (`ok`, `r.ok`).
bool isFlag(const Expr *E, const OkFlag &Flag) {
  E = E->IgnoreParenImpCasts();
  if (Flag.Member) {
    const auto *ME = dyn_cast<MemberExpr>(E);
    if (!ME || ME->getMemberDecl() != Flag.Member)
      return false;
    const auto *Base = dyn_cast<DeclRefExpr>(ME->getBase()->IgnoreParenImpCasts());
    return Base && Base->getDecl() == Flag.Var;
  }
  const auto *Ref = dyn_cast<DeclRefExpr>(E);
  return Ref && Ref->getDecl() == Flag.Var;
}

/// Whether \p E is exactly "the receive got nothing": `!ok`, `ok == false`.
bool isNotFlag(const Expr *E, const OkFlag &Flag) {
  E = E->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return UO->getOpcode() == UO_LNot && isFlag(UO->getSubExpr(), Flag);
  if (const auto *BO = dyn_cast<BinaryOperator>(E);
      BO && BO->getOpcode() == BO_EQ) {
    auto IsFalse = [](const Expr *X) {
      const auto *B = dyn_cast<CXXBoolLiteralExpr>(X->IgnoreParenImpCasts());
      return B && !B->getValue();
    };
    return (isFlag(BO->getLHS(), Flag) && IsFalse(BO->getRHS())) ||
           (isFlag(BO->getRHS(), Flag) && IsFalse(BO->getLHS()));
  }
  return false;
}

/// The body of \p Loop when the loop has no condition of its own (none, or
/// a constant true one), so only its body can end it; else null.
const Stmt *unconditionalLoopBody(const Stmt *Loop, ASTContext &Ctx) {
  const Expr *Cond = nullptr;
  const Stmt *LoopBody = nullptr;
  if (const auto *For = dyn_cast<ForStmt>(Loop)) {
    Cond = For->getCond();
    LoopBody = For->getBody();
  } else if (const auto *While = dyn_cast<WhileStmt>(Loop)) {
    Cond = While->getCond();
    LoopBody = While->getBody();
  } else if (const auto *Do = dyn_cast<DoStmt>(Loop)) {
    Cond = Do->getCond();
    LoopBody = Do->getBody();
  } else {
    return nullptr;
  }
  bool Forever = true;
  if (Cond && (Cond->isValueDependent() ||
               !Cond->EvaluateAsBooleanCondition(Forever, Ctx) || !Forever))
    return nullptr;
  return LoopBody;
}

/// Whether the loop around the receive \p Call ends only once the channel
/// is closed: it has no condition of its own (or a constant true one), and
/// its every exit sits in `if (!ok)` (or the else of `if (ok)`).
const Stmt *loopUntilClosed(ConcurrencyModel &Model, const FunctionDecl *Body,
                            const CallExpr *Call) {
  if (Model.roles().roleOf(Call->getDirectCallee()) !=
      Role::ChannelReceiveWithStatus)
    return nullptr;
  const Stmt *Loop = Model.enclosingLoop(Call, Body);
  if (!Loop || isa<CXXForRangeStmt>(Loop))
    return nullptr;
  std::optional<OkFlag> Flag = okFlagOf(Model, Call);
  if (!Flag)
    return nullptr;
  const Stmt *LoopBody = unconditionalLoopBody(Loop, Model.astContext());
  if (!LoopBody)
    return nullptr;
  // The receive runs on every iteration.
  for (const Stmt *P = Model.parentOf(Call); P && P != LoopBody;
       P = Model.parentOf(P))
    if (!isa<Expr, DeclStmt, CompoundStmt>(P))
      return nullptr;
  LoopExits Finder;
  Finder.TraverseStmt(const_cast<Stmt *>(LoopBody));
  if (Finder.Exits.empty())
    return nullptr;
  for (const Stmt *Exit : Finder.Exits) {
    bool Guarded = false;
    const Stmt *Child = Exit;
    for (const Stmt *P = Model.parentOf(Exit); P && Child != LoopBody;
         Child = P, P = Model.parentOf(P)) {
      const auto *If = dyn_cast<IfStmt>(P);
      if (If && ((Child == If->getThen() && isNotFlag(If->getCond(), *Flag)) ||
                 (Child == If->getElse() && isFlag(If->getCond(), *Flag)))) {
        Guarded = true;
        break;
      }
    }
    if (!Guarded)
      return nullptr;
  }
  return Loop;
}

/// Whether the loop \p Loop runs forever by itself: a constant true
/// condition (or none) and nothing in its body that leaves it.
bool loopsForever(const Stmt *Loop, ASTContext &Ctx) {
  const Stmt *LoopBody = unconditionalLoopBody(Loop, Ctx);
  if (!LoopBody)
    return false;
  LoopExits Finder;
  Finder.TraverseStmt(const_cast<Stmt *>(LoopBody));
  return Finder.Exits.empty();
}

/// Whether code outside this translation unit may operate on members of
/// \p RD: one of its member functions is declared here and defined
/// elsewhere (or is pure virtual, so overrides elsewhere run instead).
bool definedElsewhere(const RecordDecl *RD) {
  const auto *CRD = dyn_cast_or_null<CXXRecordDecl>(RD);
  if (!CRD || !CRD->hasDefinition())
    return true;
  for (const CXXMethodDecl *MD : CRD->getDefinition()->methods()) {
    if (MD->isImplicit() || MD->isDeleted() || MD->isDefaulted())
      continue;
    if (!MD->hasBody() || MD->isPureVirtual())
      return true;
  }
  return false;
}

/// Whether \p D, a declaration of a channel, can be reached by code that
/// this translation unit does not show: a member of a class whose member
/// functions are partly defined elsewhere, or a global other translation
/// units can name.
bool reachableFromElsewhere(const ValueDecl *D) {
  if (const auto *F = dyn_cast<FieldDecl>(D))
    return definedElsewhere(F->getParent());
  if (const auto *V = dyn_cast<VarDecl>(D))
    return V->hasGlobalStorage() && !V->isStaticLocal() &&
           V->isExternallyVisible();
  return false;
}

/// The channels that are handed to code the model does not look into, on
/// top of what it records as escaping: template instantiations (their
/// bodies are not analysed), virtual functions (an override elsewhere may
/// run), and members of classes defined partly elsewhere.
class HiddenHandOffs : public RecursiveASTVisitor<HiddenHandOffs> {
public:
  HiddenHandOffs(const ConcurrencyModel &Model) : Model(Model) {}

  llvm::SmallVector<const ValueDecl *, 8> Found;

  void run() {
    for (const FunctionDecl *Body : Model.bodies()) {
      if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Body))
        for (const CXXCtorInitializer *Init : Ctor->inits())
          if (const FieldDecl *F = Init->getMember())
            storedIn(F, Init->getInit());
      if (Body->getBody())
        TraverseStmt(const_cast<Stmt *>(Body->getBody()));
    }
  }

  // Each lambda is a body of its own.
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool TraverseTypeLoc(TypeLoc) { return true; }

  bool VisitCallExpr(CallExpr *CE) {
    passed(CE->getDirectCallee(), ConcurrencyModel::explicitArgs(CE));
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    if (!isChannelType(CE->getType()))
      passed(CE->getConstructor(),
             llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs()));
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign)
      if (const auto *ME = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParenImpCasts()))
        if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl()))
          storedIn(F, BO->getRHS());
    return true;
  }
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *Op) {
    if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2)
      if (const auto *F = dyn_cast_or_null<FieldDecl>(
              ConcurrencyModel::rootObject(Op->getArg(0))))
        storedIn(F, Op->getArg(1));
    return true;
  }
  bool VisitInitListExpr(InitListExpr *IL) {
    const InitListExpr *Semantic =
        IL->isSemanticForm() ? IL : IL->getSemanticForm();
    const auto *RD = IL->getType()->getAsRecordDecl();
    if (!Semantic || !RD)
      return true;
    unsigned I = 0;
    for (const FieldDecl *F : RD->fields()) {
      if (I >= Semantic->getNumInits())
        break;
      storedIn(F, Semantic->getInit(I++));
    }
    return true;
  }

private:
  bool isChannelType(QualType T) const {
    return Model.roles().roleOf(T) == TypeRole::Channel;
  }

  void mark(const Expr *E) {
    if (E && isChannelType(E->getType()))
      if (const ValueDecl *D = ConcurrencyModel::rootObject(E))
        Found.push_back(D);
  }

  void storedIn(const FieldDecl *F, const Expr *E) {
    if (isChannelType(F->getType()) && definedElsewhere(F->getParent()))
      mark(E);
  }

  void passed(const FunctionDecl *Callee, llvm::ArrayRef<const Expr *> Args) {
    if (!Callee)
      return;
    const auto *MD = dyn_cast<CXXMethodDecl>(Callee);
    bool Hidden = Callee->isTemplateInstantiation() ||
                  (MD && MD->getParent()->isLambda() &&
                   MD->getParent()->isGenericLambda()) ||
                  (MD && isa<ClassTemplateSpecializationDecl>(MD->getParent())) ||
                  (MD && MD->isVirtual() && !MD->hasAttr<FinalAttr>() &&
                   !MD->getParent()->hasAttr<FinalAttr>());
    if (!Hidden)
      return;
    // The model already treats the runtime's and the standard library's
    // own functions as what they are.
    if (Model.roles().roleOf(Callee) != Role::None ||
        Model.astContext().getSourceManager().isInSystemHeader(
            Callee->getLocation()))
      return;
    for (const Expr *Arg : Args)
      mark(Arg);
  }

  const ConcurrencyModel &Model;
};

} // namespace

void ChannelNeverClosedCheck::checkModel(ConcurrencyModel &Model) {
  std::optional<HiddenHandOffs> Hidden;
  auto NeverClosed = [&](const ValueDecl *D) -> const ChannelInfo * {
    const ChannelInfo *Info = Model.channel(D);
    // Only a channel made here and kept here can be known never to close.
    if (!Info || !Info->MadeAt || Info->Escapes ||
        llvm::any_of(Info->Ops, [](const PlacedOp *O) {
          return isClose(O->Operation.Kind);
        }))
      return nullptr;
    if (reachableFromElsewhere(D) || reachableFromElsewhere(Info->MadeAs) ||
        llvm::any_of(Info->Ops, [](const PlacedOp *O) {
          return reachableFromElsewhere(O->Operation.Object);
        }))
      return nullptr;
    if (!Hidden) {
      Hidden.emplace(Model);
      Hidden->run();
    }
    if (llvm::any_of(Hidden->Found, [&](const ValueDecl *Other) {
          return Model.sameChannel(Other, D);
        }))
      return nullptr;
    return Info;
  };
  auto NoteMade = [&](const ChannelInfo &Info) {
    diag(Info.MadeAt->getBeginLoc(),
         "channel '%0' is made here; close it once the last value is sent",
         DiagnosticIDs::Note)
        << Info.MadeAs->getName();
  };

  // An endless stream has no last value to close after: a producer that
  // never returns (a `[[noreturn]]` body, a send loop with no exit), or a
  // stage that forwards from such a stream for as long as it lasts. Its
  // receivers are a service running until the program ends, not a leak.
  llvm::DenseMap<const ChannelInfo *, bool> EndlessMemo;
  std::function<bool(const ChannelInfo *)> Endless =
      [&](const ChannelInfo *Info) {
        auto [It, New] = EndlessMemo.try_emplace(Info, false);
        if (!New)
          return It->second;
        bool Result = llvm::any_of(Info->Ops, [&](const PlacedOp *O) {
          if (O->Operation.Kind != Role::ChannelSend || !O->Body)
            return false;
          if (O->Body->isNoReturn())
            return true;
          const Stmt *Top = O->Body->getBody();
          for (const Stmt *P = Model.parentOf(O->Operation.Site); P && P != Top;
               P = Model.parentOf(P)) {
            if (isa<LambdaExpr>(P))
              break;
            if (loopsForever(P, Model.astContext()))
              return true;
            const auto *Range = dyn_cast<CXXForRangeStmt>(P);
            if (!Range || canLeaveEarly(Range))
              continue;
            for (const PlacedOp &R : Model.operations())
              if (R.Operation.Kind == Role::ChannelRange &&
                  R.Operation.Site == Range)
                if (const ChannelInfo *From = Model.channel(R.Operation.Object);
                    From && From != Info &&
                    llvm::none_of(From->Ops, [](const PlacedOp *C) {
                      return isClose(C->Operation.Kind);
                    }) &&
                    Endless(From))
                  return true;
          }
          return false;
        });
        EndlessMemo[Info] = Result;
        return Result;
      };

  llvm::DenseSet<const Stmt *> Reported;
  for (const PlacedOp &P : Model.operations()) {
    const Op &Receive = P.Operation;
    if (Receive.Kind == Role::ChannelRange) {
      if (!reportable(Model.astContext(), Receive.Site->getBeginLoc()) ||
          canLeaveEarly(cast<CXXForRangeStmt>(Receive.Site)))
        continue;
      const ChannelInfo *Info = NeverClosed(Receive.Object);
      if (!Info || Endless(Info))
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
    if (!Info || Endless(Info))
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
