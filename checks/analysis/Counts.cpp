#include "analysis/Counts.h"

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
    std::optional<uint64_t> Each = Amount(O);
    if (!Each)
      return Count::unknown();
    Sum = Sum.plus(timesRun(Model, Body, O.Site).times(Count::constant(*Each)));
    if (!Sum.known())
      return Sum;
  }
  return Sum;
}

} // namespace

Count addTotal(ConcurrencyModel &Model, const FunctionDecl *Body, const ObjectPath &WG) {
  ASTContext &Ctx = Model.astContext();
  return total(Model, Body, Role::WaitGroupAdd, WG, [&](const Op &O) -> std::optional<uint64_t> {
    llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(O.Site);
    if (Args.empty())
      return std::nullopt;
    std::optional<int64_t> N = constantArgument(Ctx, Args.back());
    if (!N || *N < 0)
      return std::nullopt;
    return uint64_t(*N);
  });
}

Count sendsPerRun(ConcurrencyModel &Model, const FunctionDecl *Body,
                  const ObjectPath &Channel) {
  return total(Model, Body, Role::ChannelSend, Channel,
               [](const Op &) -> std::optional<uint64_t> { return 1; });
}

Count tasksStarted(ConcurrencyModel &Model, const FunctionDecl *Body) {
  Count Sum = Count::constant(0);
  for (const SpawnSite *S : Model.factsOf(Body).Spawns)
    if (S->Spawner == Body)
      Sum = Sum.plus(timesRun(Model, Body, S->Site));
  return Sum;
}

} // namespace clang::tidy::csp
