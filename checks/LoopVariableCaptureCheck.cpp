#include "LoopVariableCaptureCheck.h"

#include "llvm/ADT/DenseSet.h"

#include <functional>

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

/// Whether \p V is used in \p Scope only as the object of member calls
/// other than a detach: a handle that is neither moved away nor let go.
bool staysInScope(ConcurrencyModel &Model, const VarDecl *V, const Stmt *Scope) {
  bool Stays = true;
  std::function<void(const Stmt *)> Visit = [&](const Stmt *S) {
    if (!S || !Stays)
      return;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S); DRE && DRE->getDecl() == V) {
      const Stmt *P = Model.parentOf(DRE);
      while (isa_and_nonnull<ImplicitCastExpr, ParenExpr>(P))
        P = Model.parentOf(P);
      const auto *Member = dyn_cast_or_null<MemberExpr>(P);
      const auto *Call = Member ? dyn_cast_or_null<CXXMemberCallExpr>(Model.parentOf(Member))
                                : nullptr;
      if (!Call || Model.roles().roleOf(Call->getDirectCallee(), V->getType()) ==
                       Role::TaskDetach)
        Stays = false;
    }
    for (const Stmt *Child : S->children())
      Visit(Child);
  };
  Visit(Scope);
  return Stays;
}

/// Whether the task \p Spawn starts has ended by the time the iteration of
/// \p Loop that started it is over: the spawner waits for it in the loop's
/// body (a join, a wait group's or error group's wait, directly or in a
/// helper), or its handle waits when it is destroyed, as a temporary or a
/// variable of the body that is not moved away.
bool endsWithinIteration(ConcurrencyModel &Model, const SpawnSite &Spawn, const Stmt *Loop) {
  const Stmt *Body = loopBody(Loop);
  for (const Op &O : Model.factsOf(Spawn.Spawner).Ops)
    if ((O.Kind == Role::TaskJoin || O.Kind == Role::WaitGroupWait) &&
        Model.isWithin(O.Site, Body))
      return true;
  // A spawn that makes a new handle (not emplace_back, which returns the
  // element it made) of a type that waits when destroyed.
  const ApiRoles &Roles = Model.roles();
  if (!Spawn.Site->isPRValue() ||
      Roles.roleOf(Spawn.Site->getType()) != TypeRole::JoiningHandle)
    return false;
  if (Model.resultIgnored(Spawn.Site))
    return true;
  const VarDecl *Handle = Model.spawnHandleOf(Spawn);
  return Handle && Roles.roleOf(Handle->getType()) == TypeRole::JoiningHandle &&
         !Handle->getType()->isReferenceType() &&
         Model.isWithin(Model.declarationOf(Handle), Body) && staysInScope(Model, Handle, Body);
}

} // namespace

void LoopVariableCaptureCheck::checkModel(ConcurrencyModel &Model) {
  llvm::DenseSet<std::pair<const LambdaExpr *, const VarDecl *>> Reported;
  for (const SpawnSite &Spawn : Model.spawns()) {
    const LambdaExpr *L = Spawn.Task.Lambda;
    if (!Spawn.Task || !L || !Spawn.Spawner)
      continue;
    for (const LambdaCapture &C : L->captures()) {
      if (!C.capturesVariable() || C.getCaptureKind() != LCK_ByRef)
        continue;
      const auto *V = dyn_cast<VarDecl>(C.getCapturedVar());
      // A reference loop variable names an element that outlives the
      // iteration; the task sees that element, not the loop's progress.
      if (!V || V->getType()->isReferenceType())
        continue;
      const Stmt *Loop = loopDeclaring(Model, V, L, Spawn.Spawner);
      if (!Loop || !Model.isWithin(Spawn.Site, Loop) ||
          endsWithinIteration(Model, Spawn, Loop) ||
          !reportable(Model.astContext(), C.getLocation()) || !Reported.insert({L, V}).second)
        continue;
      diag(C.getLocation(), "loop variable '%0' is captured by reference by a task that can "
                            "outlive the iteration; the task reads it after the loop has "
                            "changed it, or once it no longer exists")
          << V->getName();
      diag(Spawn.Site->getBeginLoc(),
           "the task is started here, inside the loop; capture '%0' by value",
           DiagnosticIDs::Note)
          << V->getName();
    }
  }
}

} // namespace clang::tidy::csp
