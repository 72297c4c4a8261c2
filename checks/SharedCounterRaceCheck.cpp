#include "SharedCounterRaceCheck.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

/// The variable or field an access names directly (not an element of it).
const ValueDecl *accessed(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return dyn_cast<VarDecl>(DRE->getDecl());
  if (const auto *ME = dyn_cast<MemberExpr>(E);
      ME && isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
    return dyn_cast<FieldDecl>(ME->getMemberDecl());
  return nullptr;
}

struct Access {
  const ValueDecl *Object;
  const Expr *Site;
  bool Write;
};

/// Reads and writes of plain scalars in a task's own code (not in the tasks
/// it starts).
class AccessCollector : public RecursiveASTVisitor<AccessCollector> {
public:
  AccessCollector(const llvm::DenseSet<const LambdaExpr *> &Tasks)
      : Tasks(Tasks) {}
  std::vector<Access> Accesses;

  bool TraverseLambdaExpr(LambdaExpr *L) {
    return Tasks.contains(L) || RecursiveASTVisitor::TraverseLambdaExpr(L);
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->isIncrementDecrementOp())
      write(UO->getSubExpr(), UO);
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp())
      write(BO->getLHS(), BO);
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *E) {
    read(E);
    return true;
  }
  bool VisitMemberExpr(MemberExpr *E) {
    read(E);
    return true;
  }

private:
  static bool plainScalar(const ValueDecl *D) {
    QualType T = D->getType();
    return T->isScalarType() && !T->isAtomicType() && !T.isConstQualified();
  }
  void write(const Expr *Target, const Expr *Site) {
    if (const ValueDecl *D = accessed(Target); D && plainScalar(D))
      Accesses.push_back({D, Site, true});
  }
  void read(const Expr *E) {
    if (const ValueDecl *D = accessed(E); D && plainScalar(D))
      Accesses.push_back({D, E, false});
  }
  const llvm::DenseSet<const LambdaExpr *> &Tasks;
};

} // namespace

void SharedCounterRaceCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  llvm::DenseSet<const LambdaExpr *> TaskLambdas;
  for (const SpawnSite &S : Model.spawns())
    if (S.Task.Lambda)
      TaskLambdas.insert(S.Task.Lambda);

  struct TaskAccesses {
    const SpawnSite *Spawn;
    std::vector<Access> Accesses;
    bool Repeats;
  };
  std::vector<TaskAccesses> Tasks;
  for (const SpawnSite &S : Model.spawns()) {
    if (!S.Task)
      continue;
    AccessCollector Collector(TaskLambdas);
    Collector.TraverseStmt(const_cast<Stmt *>(S.Task.Fn->getBody()));
    std::vector<Access> Shared;
    for (const Access &A : Collector.Accesses)
      if (ConcurrencyModel::sharedWithSpawner(A.Object, S.Task,
                                              /*ThroughPointers=*/false) &&
          !Model.lockHeldAt(A.Site, S.Task.Fn))
        Shared.push_back(A);
    bool Repeats = S.Spawner && (Model.enclosingLoop(S.Site, S.Spawner) ||
                                 Model.canReach(S.Spawner, S.Site, S.Site));
    Tasks.push_back({&S, std::move(Shared), Repeats});
  }

  llvm::DenseSet<const ValueDecl *> Reported;
  for (const TaskAccesses &T : Tasks) {
    for (const Access &W : T.Accesses) {
      if (!W.Write || Reported.contains(W.Object) ||
          !reportable(Ctx, W.Site->getBeginLoc()))
        continue;
      // Concurrent with itself, or with another task touching the object.
      const TaskAccesses *Other = nullptr;
      for (const TaskAccesses &U : Tasks)
        if (&U != &T && U.Spawn->Task.Fn != T.Spawn->Task.Fn &&
            llvm::any_of(U.Accesses, [&](const Access &A) {
              return A.Object == W.Object;
            }))
          Other = &U;
      if (!T.Repeats && !Other)
        continue;
      Reported.insert(W.Object);
      diag(W.Site->getBeginLoc(),
           "'%0' is written by tasks that run at the same time, with no lock "
           "held: a data race that loses updates; make it std::atomic or "
           "hold a mutex")
          << W.Object->getName();
      if (T.Repeats)
        diag(T.Spawn->Site->getBeginLoc(),
             "the task is started in a loop, so several copies run at once",
             DiagnosticIDs::Note);
      else
        diag(Other->Spawn->Site->getBeginLoc(),
             "another task that accesses it is started here",
             DiagnosticIDs::Note);
    }
  }
}

} // namespace clang::tidy::csp
