#include "LoopVariableCaptureCheck.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

/// The loop of \p Spawner whose own variable \p V is (a `for` initializer's
/// or a range-for's), if it contains \p Inside.
const Stmt *loopDeclaring(const ConcurrencyModel &Model, const VarDecl *V,
                          const Stmt *Inside, const FunctionDecl *Spawner) {
  for (const Stmt *P = Model.parentOf(Inside); P; P = Model.parentOf(P)) {
    if (const auto *For = dyn_cast<ForStmt>(P)) {
      if (const auto *Init = dyn_cast_or_null<DeclStmt>(For->getInit()))
        if (llvm::is_contained(Init->decls(), V))
          return For;
    } else if (const auto *Range = dyn_cast<CXXForRangeStmt>(P)) {
      if (Range->getLoopVariable() == V)
        return Range;
    }
    if (P == Spawner->getBody())
      return nullptr;
  }
  return nullptr;
}

const Stmt *loopBody(const Stmt *Loop) {
  if (const auto *For = dyn_cast<ForStmt>(Loop))
    return For->getBody();
  return cast<CXXForRangeStmt>(Loop)->getBody();
}

/// Whether the handle variable (or container of handles) \p V lets its task
/// go somewhere in \p Scope: moved out (an argument taken by value or by
/// rvalue reference, std::move included), its address taken, returned, or
/// detached.
bool letsGo(ConcurrencyModel &Model, const VarDecl *V, const Stmt *Scope) {
  auto Escapes = [&](const DeclRefExpr *DRE) {
    const Stmt *Child = DRE;
    const Stmt *P = Model.parentOf(DRE);
    while (isa_and_nonnull<ImplicitCastExpr, ParenExpr>(P)) {
      Child = P;
      P = Model.parentOf(P);
    }
    if (const auto *Member = dyn_cast_or_null<MemberExpr>(P)) {
      const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(Model.parentOf(Member));
      return Call && Model.roles().roleOf(Call->getDirectCallee(), V->getType()) ==
                         Role::TaskDetach;
    }
    if (const auto *UO = dyn_cast_or_null<UnaryOperator>(P))
      return UO->getOpcode() == UO_AddrOf;
    if (isa_and_nonnull<ReturnStmt>(P))
      return true;
    // std::move(t), static_cast<T &&>(t): it is about to be moved from.
    if (const auto *E = dyn_cast_or_null<Expr>(P); E && E->isXValue())
      return true;
    // An argument: what the parameter takes it as.
    const FunctionDecl *Callee = nullptr;
    llvm::ArrayRef<const Expr *> Args;
    if (const auto *Call = dyn_cast_or_null<CallExpr>(P)) {
      Callee = Call->getDirectCallee();
      Args = llvm::ArrayRef(Call->getArgs(), Call->getNumArgs());
    } else if (const auto *Construct = dyn_cast_or_null<CXXConstructExpr>(P)) {
      Callee = Construct->getConstructor();
      Args = llvm::ArrayRef(Construct->getArgs(), Construct->getNumArgs());
    } else {
      return false;
    }
    if (!Callee)
      return true;
    unsigned Shift = isa<CXXOperatorCallExpr>(P) && isa<CXXMethodDecl>(Callee) ? 1 : 0;
    for (unsigned I = 0; I < Args.size(); ++I) {
      if (Args[I] != Child)
        continue;
      if (I < Shift)
        return false; // the object of a member operator
      if (I - Shift >= Callee->getNumParams())
        return true;
      QualType T = Callee->getParamDecl(I - Shift)->getType();
      return !T->isLValueReferenceType() || T.getNonReferenceType()->isDependentType();
    }
    return false;
  };
  llvm::SmallVector<const Stmt *, 32> Work{Scope};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S)
      continue;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S); DRE && DRE->getDecl() == V && Escapes(DRE))
      return true;
    llvm::append_range(Work, S->children());
  }
  return false;
}

/// The local variable whose destruction waits for the task \p Spawn starts:
/// the handle it initializes, or the container it is emplaced or pushed
/// into. \p Temporary is set instead when the handle is a temporary, which
/// waits at the end of its full expression.
const VarDecl *waitingOwner(ConcurrencyModel &Model, const SpawnSite &Spawn, bool &Temporary) {
  Temporary = false;
  const Expr *Site = Spawn.Site;
  if (Model.roles().roleOf(Site->getType()) != TypeRole::JoiningHandle)
    return nullptr;
  // `handles.emplace_back(task)` returns the element it made.
  if (const auto *Emplace = dyn_cast<CXXMemberCallExpr>(Site))
    return dyn_cast_or_null<VarDecl>(
        ConcurrencyModel::rootObject(Emplace->getImplicitObjectArgument()));
  if (!Site->isPRValue())
    return nullptr;
  if (const VarDecl *V = Model.spawnHandleOf(Spawn))
    return V;
  if (Model.resultIgnored(Site)) {
    Temporary = true;
    return nullptr;
  }
  const Stmt *Child = Site;
  const Stmt *P = Model.parentOf(Site);
  while (isa_and_nonnull<FullExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
                         ImplicitCastExpr, ParenExpr>(P)) {
    Child = P;
    P = Model.parentOf(P);
  }
  // `std::async(...).get()`: a call on the temporary, which then dies.
  if (isa_and_nonnull<MemberExpr>(P)) {
    Temporary = true;
    return nullptr;
  }
  // `futures.push_back(std::async(...))`.
  if (const auto *Push = dyn_cast_or_null<CXXMemberCallExpr>(P))
    if (llvm::is_contained(Push->arguments(), Child))
      return dyn_cast_or_null<VarDecl>(
          ConcurrencyModel::rootObject(Push->getImplicitObjectArgument()));
  return nullptr;
}

/// Whether the task \p Spawn starts has ended by the time the iteration of
/// \p Loop that started it is over: the spawner waits for it in the loop's
/// body (a join, a wait group's or error group's wait, directly or in a
/// helper), or the handle waits when it is destroyed: as a temporary, or
/// held by a variable of the body (a handle, a container of handles) that
/// does not let it go.
bool endsWithinIteration(ConcurrencyModel &Model, const SpawnSite &Spawn, const Stmt *Loop) {
  const Stmt *Body = loopBody(Loop);
  for (const Op &O : Model.factsOf(Spawn.Spawner).Ops)
    if ((O.Kind == Role::TaskJoin || O.Kind == Role::WaitGroupWait) &&
        Model.isWithin(O.Site, Body))
      return true;
  bool Temporary = false;
  const VarDecl *Owner = waitingOwner(Model, Spawn, Temporary);
  if (Temporary)
    return true;
  return Owner && !Owner->getType()->isReferenceType() &&
         Model.isWithin(Model.declarationOf(Owner), Body) && !letsGo(Model, Owner, Body);
}

} // namespace

void LoopVariableCaptureCheck::checkModel(ConcurrencyModel &Model) {
  llvm::DenseSet<std::pair<const LambdaExpr *, const ValueDecl *>> Reported;
  for (const SpawnSite &Spawn : Model.spawns()) {
    const LambdaExpr *L = Spawn.Task.Lambda;
    if (!Spawn.Task || !L || !Spawn.Spawner)
      continue;
    for (const LambdaCapture &C : L->captures()) {
      if (!C.capturesVariable() || C.getCaptureKind() != LCK_ByRef)
        continue;
      // A structured binding of a range-for belongs to its hidden variable.
      const ValueDecl *Captured = C.getCapturedVar();
      const auto *V = dyn_cast<VarDecl>(Captured);
      if (const auto *Binding = dyn_cast<BindingDecl>(Captured))
        V = dyn_cast_or_null<VarDecl>(Binding->getDecomposedDecl());
      // A reference loop variable names an element that outlives the
      // iteration; the task sees that element, not the loop's progress.
      if (!V || V->getType()->isReferenceType())
        continue;
      const Stmt *Loop = loopDeclaring(Model, V, L, Spawn.Spawner);
      if (!Loop || !Model.isWithin(Spawn.Site, Loop) ||
          endsWithinIteration(Model, Spawn, Loop) ||
          !reportable(Model.astContext(), C.getLocation()) ||
          !Reported.insert({L, Captured}).second)
        continue;
      diag(C.getLocation(), "loop variable '%0' is captured by reference by a task that can "
                            "outlive the iteration; the task reads it after the loop has "
                            "changed it, or once it no longer exists")
          << Captured->getName();
      diag(Spawn.Site->getBeginLoc(),
           "the task is started here, inside the loop; capture '%0' by value",
           DiagnosticIDs::Note)
          << Captured->getName();
    }
  }
}

} // namespace clang::tidy::csp
