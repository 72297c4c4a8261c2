#include "LoopVariableCaptureCheck.h"

#include "analysis/Tasks.h"

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
          !Model.tasks().outlivesIteration(Spawn, Loop) ||
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
