#include "analysis/Counts.h"

#include "analysis/Accesses.h"
#include "analysis/BodyFlow.h"
#include "analysis/Loops.h"

#include "clang/AST/DeclTemplate.h"

namespace clang::tidy::csp {

Count Count::times(const Count &O) const {
  if (!known() || !O.known())
    return unknown();
  bool BothExact = Exact && O.Exact;
  if (K == Kind::Constant && O.K == Kind::Constant)
    return constant(Value * O.Value, BothExact);
  const Count &Size = K == Kind::SizeOf ? *this : O;
  const Count &Other = K == Kind::SizeOf ? O : *this;
  if (Other.K == Kind::Constant && Other.Value == 1)
    return sizeOf(Size.Container, BothExact);
  return unknown();
}

Count Count::plus(const Count &O) const {
  if (!known() || !O.known())
    return unknown();
  bool BothExact = Exact && O.Exact;
  if (K == Kind::Constant && O.K == Kind::Constant)
    return constant(Value + O.Value, BothExact);
  const Count &Size = K == Kind::SizeOf ? *this : O;
  const Count &Other = K == Kind::SizeOf ? O : *this;
  if (Other.K == Kind::Constant && Other.Value == 0)
    return sizeOf(Size.Container, BothExact);
  return unknown();
}

std::optional<int64_t> constantArgument(ASTContext &Ctx, const Expr *Arg) {
  if (!Arg || Arg->isValueDependent())
    return std::nullopt;
  if (std::optional<llvm::APSInt> V = Arg->IgnoreImplicit()->getIntegerConstantExpr(Ctx))
    if (V->getSignificantBits() <= 64)
      return V->getExtValue();
  return std::nullopt;
}

namespace {

/// Statements of a loop's body, not those of nested lambdas; \p Nested says
/// whether the statement is inside a loop or switch nested in the body.
template <class F> void forEachInBody(const Stmt *S, bool Nested, F &&Visit) {
  if (!S || isa<LambdaExpr>(S))
    return;
  Visit(S, Nested);
  bool Inner = Nested || isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt, SwitchStmt>(S);
  for (const Stmt *C : S->children())
    forEachInBody(C, Inner, Visit);
}

const VarDecl *varOf(const Expr *E) {
  const auto *Ref = dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
  return Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
}

/// Whether the argument \p K of \p Call goes to a const reference, or to
/// a spawn, which copies it: the callee only reads it.
bool readOnlyArgument(const CallExpr *Call, unsigned K, const ApiRoles *Roles) {
  const FunctionDecl *FD = Call->getDirectCallee();
  if (!FD)
    return false;
  if (Roles && isSpawn(Roles->roleOf(FD)))
    return true;
  // A member operator's object is its argument 0.
  unsigned Shift = isa<CXXOperatorCallExpr>(Call) && isa<CXXMethodDecl>(FD) ? 1 : 0;
  if (K < Shift || K - Shift >= FD->getNumParams())
    return false;
  QualType T = FD->getParamDecl(K - Shift)->getType();
  return T->isLValueReferenceType() && T.getNonReferenceType().isConstQualified();
}

/// Whether \p S writes \p V or takes its address.
bool writes(const Stmt *S, const VarDecl *V, const ApiRoles *Roles) {
  bool Found = false;
  forEachInBody(S, false, [&](const Stmt *X, bool) {
    if (const auto *UO = dyn_cast<UnaryOperator>(X))
      Found |= (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf) &&
               varOf(UO->getSubExpr()) == V;
    else if (const auto *BO = dyn_cast<BinaryOperator>(X))
      Found |= BO->isAssignmentOp() && varOf(BO->getLHS()) == V;
    else if (const auto *Call = dyn_cast<CallExpr>(X))
      for (unsigned K = 0; K < Call->getNumArgs(); ++K)
        Found |= varOf(Call->getArg(K)) == V && !Call->getArg(K)->isPRValue() &&
                 !readOnlyArgument(Call, K, Roles);
  });
  return Found;
}

Count forTripCount(ASTContext &Ctx, const ForStmt *For, const ApiRoles *Roles) {
  // i = A
  const VarDecl *I = nullptr;
  std::optional<int64_t> From;
  if (const auto *DS = dyn_cast_or_null<DeclStmt>(For->getInit());
      DS && DS->isSingleDecl()) {
    I = dyn_cast<VarDecl>(DS->getSingleDecl());
    if (I && I->getType()->isIntegerType())
      From = constantArgument(Ctx, I->getInit());
  } else if (const auto *BO = dyn_cast_or_null<BinaryOperator>(For->getInit());
             BO && BO->getOpcode() == BO_Assign) {
    I = varOf(BO->getLHS());
    From = constantArgument(Ctx, BO->getRHS());
  }
  if (!I || !From)
    return Count::unknown();
  // i < B, i <= B, i != B, i > B, i >= B
  const auto *Cond = dyn_cast_or_null<BinaryOperator>(
      For->getCond() ? For->getCond()->IgnoreParenImpCasts() : nullptr);
  if (!Cond || varOf(Cond->getLHS()) != I)
    return Count::unknown();
  std::optional<int64_t> To = constantArgument(Ctx, Cond->getRHS());
  // ++i, i++, --i, i--, i += C, i -= C
  std::optional<int64_t> Step;
  const Expr *Inc = For->getInc() ? For->getInc()->IgnoreParenImpCasts() : nullptr;
  if (const auto *UO = dyn_cast_or_null<UnaryOperator>(Inc); UO && varOf(UO->getSubExpr()) == I)
    Step = UO->isIncrementOp() ? 1 : UO->isDecrementOp() ? -1 : std::optional<int64_t>();
  else if (const auto *CA = dyn_cast_or_null<CompoundAssignOperator>(Inc);
           CA && varOf(CA->getLHS()) == I)
    if (std::optional<int64_t> C = constantArgument(Ctx, CA->getRHS()))
      Step = CA->getOpcode() == BO_AddAssign ? *C
             : CA->getOpcode() == BO_SubAssign ? -*C
                                               : std::optional<int64_t>();
  if (!To || !Step || *Step == 0 || writes(For->getBody(), I, Roles))
    return Count::unknown();
  int64_t A = *From, B = *To, S = *Step;
  // The number of values A, A+S, ... that satisfy the condition.
  auto Span = [](int64_t Lo, int64_t Hi, int64_t Stride) -> uint64_t {
    return Hi <= Lo ? 0 : uint64_t((Hi - Lo + Stride - 1) / Stride);
  };
  switch (Cond->getOpcode()) {
  case BO_LT:
    return S > 0 ? Count::constant(Span(A, B, S)) : Count::unknown();
  case BO_LE:
    return S > 0 ? Count::constant(Span(A, B + 1, S)) : Count::unknown();
  case BO_GT:
    return S < 0 ? Count::constant(Span(B, A, -S)) : Count::unknown();
  case BO_GE:
    return S < 0 ? Count::constant(Span(B - 1, A, -S)) : Count::unknown();
  case BO_NE:
    if (S == 1 && B >= A)
      return Count::constant(uint64_t(B - A));
    if (S == -1 && A >= B)
      return Count::constant(uint64_t(A - B));
    return Count::unknown();
  default:
    return Count::unknown();
  }
}

Count rangeTripCount(const CXXForRangeStmt *Range) {
  const Expr *Init = Range->getRangeInit()->IgnoreImplicit();
  if (const auto *IL = dyn_cast<InitListExpr>(Init))
    return Count::constant(IL->getNumInits());
  if (const auto *SIL = dyn_cast<CXXStdInitializerListExpr>(Init))
    if (const auto *IL = dyn_cast<InitListExpr>(SIL->getSubExpr()->IgnoreImplicit()))
      return Count::constant(IL->getNumInits());
  QualType T = Init->getType().getNonReferenceType();
  if (const auto *CA = dyn_cast<ConstantArrayType>(T->getUnqualifiedDesugaredType()))
    return Count::constant(CA->getSize().getZExtValue());
  if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(T->getAsCXXRecordDecl());
      Spec && Spec->getQualifiedNameAsString() == "std::array" &&
      Spec->getTemplateArgs().size() == 2 &&
      Spec->getTemplateArgs()[1].getKind() == TemplateArgument::Integral)
    return Count::constant(Spec->getTemplateArgs()[1].getAsIntegral().getZExtValue());
  if (ObjectPath Container = objectOf(Init))
    return Count::sizeOf(std::move(Container));
  return Count::unknown();
}

} // namespace

Count tripCount(ASTContext &Ctx, const Stmt *Loop, const ApiRoles *Roles) {
  Count C;
  if (const auto *For = dyn_cast_or_null<ForStmt>(Loop))
    C = forTripCount(Ctx, For, Roles);
  else if (const auto *Range = dyn_cast_or_null<CXXForRangeStmt>(Loop))
    C = rangeTripCount(Range);
  if (C.known() && !loopExits(loopBody(Loop)).empty())
    C.Exact = false;
  return C;
}

Count timesRun(ConcurrencyModel &Model, const FunctionDecl *Body, const Stmt *Site) {
  // A lambda on the way up runs once per call of its own, which this layer
  // does not count.
  for (const Stmt *P = Model.parentOf(Site); P && P != Body->getBody(); P = Model.parentOf(P))
    if (isa<LambdaExpr>(P))
      return Count::unknown();
  Placement Whole = place(Model, Body, Site);
  if (!Whole.Runs)
    return Count::unknown();
  Count Result = Count::constant(1);
  const Stmt *Cur = Site;
  while (const Stmt *Loop = Model.enclosingLoop(Cur, Body)) {
    Placement Inside = place(Model, Body, Cur, nullptr, Loop);
    Count Trips = tripCount(Model.astContext(), Loop, &Model.roles());
    if (Inside.Conditional || continuesLoop(loopBody(Loop)))
      Trips.Exact = false;
    Result = Result.times(Trips);
    if (!Result.known())
      return Result;
    Cur = Loop;
  }
  if (place(Model, Body, Cur).Conditional)
    Result.Exact = false;
  return Result;
}

std::optional<uint64_t> channelCapacity(ASTContext &Ctx, const Expr *MadeAt) {
  const Expr *Made = MadeAt ? MadeAt->IgnoreImplicit() : nullptr;
  // A constructor's one constant argument (`buffered_channel<int> ch(8)`);
  // what a constructor without one makes (unbuffered, unbounded) depends on
  // the type.
  if (const auto *Construct = dyn_cast_or_null<CXXConstructExpr>(Made)) {
    if (Construct->getNumArgs() != 1 || isa<CXXDefaultArgExpr>(Construct->getArg(0)) ||
        !Construct->getArg(0)->getType()->isIntegerType())
      return std::nullopt;
    std::optional<int64_t> N = constantArgument(Ctx, Construct->getArg(0));
    if (!N || *N < 0)
      return std::nullopt;
    return uint64_t(*N);
  }
  const auto *Call = dyn_cast_or_null<CallExpr>(Made);
  if (!Call)
    return std::nullopt;
  if (Call->getNumArgs() == 0 || isa<CXXDefaultArgExpr>(Call->getArg(0)))
    return 0;
  std::optional<int64_t> N = constantArgument(Ctx, Call->getArg(0));
  if (!N || *N < 0)
    return std::nullopt;
  return uint64_t(*N);
}

namespace {

/// The sum over \p Body's direct operations of \p Kind on \p Object of
/// \p Amount times how often each runs.
template <class AmountFn>
Count total(ConcurrencyModel &Model, const FunctionDecl *Body, Role Kind,
            const ObjectPath &Object, AmountFn Amount) {
  Count Sum = Count::constant(0);
  for (const Op &O : Model.factsOf(Body).Ops) {
    if (O.Kind != Kind || !O.Path || !O.Path.overlaps(Object))
      continue;
    if (O.Via || O.Path != Object)
      return Count::unknown(); // a helper's count, or part of a bigger object
    Sum = Sum.plus(timesRun(Model, Body, O.Site).times(Amount(O)));
    if (!Sum.known())
      return Sum;
  }
  return Sum;
}

} // namespace

Count countArgument(ASTContext &Ctx, const Expr *Arg) {
  if (std::optional<int64_t> N = constantArgument(Ctx, Arg))
    return *N < 0 ? Count::unknown() : Count::constant(uint64_t(*N));
  if (!Arg || Arg->isValueDependent())
    return Count::unknown();
  const Expr *E = Arg->IgnoreImplicit()->IgnoreParenCasts();
  // A container's size, by the standard containers' convention.
  const Expr *Container = nullptr;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *M = MC->getMethodDecl();
    if (M && M->getIdentifier() && M->getName() == "size" && MC->getNumArgs() == 0)
      Container = MC->getImplicitObjectArgument();
  } else if (const auto *CE = dyn_cast<CallExpr>(E)) {
    const FunctionDecl *FD = CE->getDirectCallee();
    if (FD && FD->isInStdNamespace() && FD->getIdentifier() &&
        llvm::is_contained({"size", "ssize"}, FD->getName()) && CE->getNumArgs() == 1)
      Container = CE->getArg(0);
  }
  if (ObjectPath C = Container ? objectOf(Container) : ObjectPath())
    return Count::sizeOf(std::move(C));
  return Count::unknown();
}

Count addTotal(ConcurrencyModel &Model, const FunctionDecl *Body, const ObjectPath &WG) {
  ASTContext &Ctx = Model.astContext();
  return total(Model, Body, Role::WaitGroupAdd, WG, [&](const Op &O) {
    llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(O.Site);
    return Args.empty() ? Count::unknown() : countArgument(Ctx, Args.back());
  });
}

Count sendsPerRun(ConcurrencyModel &Model, const FunctionDecl *Body,
                  const ObjectPath &Channel) {
  return total(Model, Body, Role::ChannelSend, Channel,
               [](const Op &) { return Count::constant(1); });
}

Count tasksStarted(ConcurrencyModel &Model, const FunctionDecl *Body) {
  Count Sum = Count::constant(0);
  for (const SpawnSite *S : Model.factsOf(Body).Spawns)
    if (S->Spawner == Body)
      Sum = Sum.plus(timesRun(Model, Body, S->Site));
  return Sum;
}

namespace {

/// Whether the task \p S names \p D: in its body, or in what its spawn
/// gives it.
bool taskNames(const SpawnSite &S, const ValueDecl *D) {
  return mentions(S.Task.Fn->getBody(), D) ||
         llvm::any_of(S.BoundArgs, [&](const Expr *A) { return A && mentions(A, D); }) ||
         (ConcurrencyModel::taskObjectArgument(S) &&
          mentions(ConcurrencyModel::taskObjectArgument(S), D));
}

} // namespace

Count donesPerRun(ConcurrencyModel &Model, const SpawnSite &S, const ObjectPath &WG,
                  DoneSites *Sites) {
  if (Sites)
    *Sites = DoneSites();
  const ValueDecl *D = WG.decl();
  if (!S.Task || !D)
    return Count::unknown();
  const FunctionDecl *Fn = S.Task.Fn;
  const BodyFacts &Facts = Model.factsOf(Fn);
  Binding B = spawnBinding(S);
  llvm::SmallVector<const Op *, 2> Dones;
  bool Waits = false;
  for (const Op &O : Facts.Ops) {
    if (O.Kind != Role::WaitGroupDone && O.Kind != Role::WaitGroupAdd &&
        O.Kind != Role::WaitGroupWait)
      continue;
    std::optional<Translated> T = O.Path ? translate(O.Path, B) : std::nullopt;
    bool Ours = T ? T->Path.overlaps(WG) : O.Object == D;
    if (!Ours)
      continue;
    if (O.Kind == Role::WaitGroupWait) {
      Waits = true;
      continue;
    }
    if (O.Kind == Role::WaitGroupAdd || O.Via || !T || T->Path != WG)
      return Count::unknown();
    Dones.push_back(&O);
    if (Sites)
      Sites->Sites.push_back(O.Site);
  }
  // A task of its own that names the wait group may count on it.
  for (const SpawnSite *Inner : Facts.Spawns)
    if (mentions(Inner->Site, D) || (Inner->Task && taskNames(*Inner, D)))
      return Count::unknown();
  // A task that waits for the group (a closer) is not one it counts.
  if (Dones.empty())
    return taskNames(S, D) && !Waits ? Count::unknown() : Count::constant(0);

  const BodyCFG &G = Model.flowGraphOf(Fn);
  llvm::SmallVector<const Stmt *, 2> Anchors;
  for (const Op *O : Dones) {
    Placement P = place(Model, Fn, O->Site, &G);
    if (!P.Runs || !P.Anchor)
      return Count::unknown();
    Anchors.push_back(P.Anchor);
  }
  bool Twice = false;
  for (unsigned I = 0; I < Dones.size(); ++I)
    for (unsigned J = 0; J < Dones.size(); ++J) {
      if (!G.reaches(Anchors[I], Anchors[J]))
        continue;
      Twice = true;
      // Reaching is a CFG path, which may not be the program's: report
      // only a done that runs on every pass of its loop, or that always
      // runs after the other.
      bool Sure;
      if (I == J) {
        const Stmt *Loop = Model.enclosingLoop(Dones[I]->Site, Fn);
        Sure = Loop && !place(Model, Fn, Dones[I]->Site, nullptr, Loop).Conditional;
      } else {
        Sure = alwaysRuns(Model, Fn, *Dones[J]);
      }
      if (Sure && Sites && !Sites->Again) {
        Sites->Again = Dones[J]->Site;
        Sites->InLoop = I == J;
      }
    }
  if (Twice)
    return Count::unknown();
  llvm::SmallVector<CFGPosition, 2> Avoid;
  for (const Stmt *A : Anchors)
    Avoid.push_back(*G.position(A));
  const CFG *Graph = G.graph();
  CFGPosition Exit{&Graph->getExit(), 0};
  bool Skips = searchCFG({&Graph->getEntry(), 0}, [&](CFGPosition P) {
    if (P == Exit)
      return CFGScan::Found;
    return llvm::is_contained(Avoid, P) ? CFGScan::Blocked : CFGScan::Through;
  });
  return Count::constant(1, /*Exact=*/!Skips);
}

Count taskDones(ConcurrencyModel &Model, const FunctionDecl *Body, const ObjectPath &WG,
                llvm::SmallVectorImpl<const SpawnSite *> *Tasks) {
  const ValueDecl *D = WG.decl();
  if (!D || !Body->hasBody())
    return Count::unknown();
  const BodyFacts &Facts = Model.factsOf(Body);
  // The places Body may name the wait group: its own adds and waits, and
  // the spawns it writes.
  llvm::SmallVector<const Stmt *, 8> Accounted;
  for (const Op &O : Facts.Ops) {
    bool Ours = O.Path ? O.Path.overlaps(WG) : O.Object == D;
    if (!Ours || (O.Kind != Role::WaitGroupAdd && O.Kind != Role::WaitGroupDone &&
                  O.Kind != Role::WaitGroupWait))
      continue;
    if (O.Kind == Role::WaitGroupDone || O.Via)
      return Count::unknown();
    Accounted.push_back(O.Site);
  }
  for (const SpawnSite *S : Facts.Spawns) {
    if (S->Spawner != Body) {
      if (mentions(S->Site, D) || (S->Task && taskNames(*S, D)))
        return Count::unknown();
      continue;
    }
    Accounted.push_back(S->Site);
  }
  llvm::SmallVector<const Stmt *, 16> Work{Body->getBody()};
  while (!Work.empty()) {
    const Stmt *N = Work.pop_back_val();
    if (!N || llvm::is_contained(Accounted, N))
      continue;
    if (const auto *L = dyn_cast<LambdaExpr>(N); L && Model.isTaskLambda(L))
      continue;
    const auto *DRE = dyn_cast<DeclRefExpr>(N);
    const auto *ME = dyn_cast<MemberExpr>(N);
    if ((DRE && DRE->getDecl() == D) || (ME && ME->getMemberDecl() == D))
      return Count::unknown();
    llvm::append_range(Work, N->children());
  }

  Count Sum = Count::constant(0);
  for (const SpawnSite *S : Facts.Spawns) {
    if (S->Spawner != Body)
      continue;
    Count Each = donesPerRun(Model, *S, WG);
    if (Each.isConstant(0))
      continue;
    if (Tasks)
      Tasks->push_back(S);
    Sum = Sum.plus(timesRun(Model, Body, S->Site).times(Each));
    if (!Sum.known())
      return Sum;
  }
  return Sum;
}

const Stmt *skippedBy(ConcurrencyModel &Model, const FunctionDecl *Body, const Stmt *Site) {
  const SourceManager &SM = Model.astContext().getSourceManager();
  const Stmt *Child = Site;
  for (const Stmt *P = Model.parentOf(Site); P && Child != Body->getBody();
       Child = P, P = Model.parentOf(P)) {
    if (isa<LambdaExpr>(P))
      return nullptr;
    if (const auto *If = dyn_cast<IfStmt>(P); If && (Child == If->getThen() || Child == If->getElse()))
      return If;
    if (const auto *Switch = dyn_cast<SwitchStmt>(P); Switch && Child == Switch->getBody())
      return Switch;
    if (const auto *Cond = dyn_cast<AbstractConditionalOperator>(P);
        Cond && (Child == Cond->getTrueExpr() || Child == Cond->getFalseExpr()))
      return Cond;
    if (const auto *BO = dyn_cast<BinaryOperator>(P); BO && BO->isLogicalOp() && Child == BO->getRHS())
      return BO;
    const Stmt *LoopBody = loopBody(P);
    if (!LoopBody || Child != LoopBody)
      continue;
    // No branch lies between: the statements before the site run first.
    if (const ContinueStmt *C = continueOf(LoopBody);
        C && SM.isBeforeInTranslationUnit(C->getBeginLoc(), Site->getBeginLoc()))
      return C;
    for (const Stmt *Exit : loopExits(LoopBody))
      if (isa<BreakStmt>(Exit))
        return Exit;
  }
  return nullptr;
}

} // namespace clang::tidy::csp
