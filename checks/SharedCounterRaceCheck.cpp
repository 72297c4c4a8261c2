#include "SharedCounterRaceCheck.h"

#include "analysis/Accesses.h"
#include "analysis/Tasks.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

bool inSystemHeader(const ASTContext &Ctx, SourceLocation Loc) {
  return Loc.isValid() && Ctx.getSourceManager().isInSystemHeader(Loc);
}

/// The same scalar as far as this check tells: the same declaration, and
/// the same root variable unless one of them is reached through `this`.
bool sameLocation(const ObjectPath &A, const ObjectPath &B) {
  return A.decl() == B.decl() && (A.root() == B.root() || !A.root() || !B.root());
}

struct TaskInfo {
  const SpawnSite *Spawn = nullptr;
  const std::vector<Access> *Accesses = nullptr;
};

} // namespace

SharedCounterRaceCheck::SharedCounterRaceCheck(
    StringRef Name, ClangTidyContext *Context, std::shared_ptr<ModelCache> Cache)
    : CspCheck(Name, Context, std::move(Cache)),
      Once(Options, "OnceFunctions", "::std::call_once") {}

void SharedCounterRaceCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  CspCheck::storeOptions(Opts);
  Once.store(Opts, Options);
}

bool SharedCounterRaceCheck::runsOnce(const FunctionDecl *FD) const {
  Role R = roles().roleOf(FD);
  return R != Role::TaskJoin && R != Role::TaskDetach && Once.contains(FD);
}

void SharedCounterRaceCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  AccessAnalysis Accesses(Model, [this](const FunctionDecl *FD) { return runsOnce(FD); });

  std::vector<TaskInfo> Tasks;
  for (const SpawnSite &S : Model.spawns()) {
    // Cooperative tasks (fibers) run between each other's suspension
    // points, on their spawner's thread: their plain accesses do not race.
    if (!S.Task || !S.Spawner || S.Cooperative ||
        inSystemHeader(Ctx, S.Task.Fn->getLocation()) ||
        inSystemHeader(Ctx, S.Site->getBeginLoc()))
      continue;
    Tasks.push_back({&S, &Accesses.ofTask(S)});
  }
  TaskLifetimes &Lives = Model.tasks();

  auto NoteVia = [&](const Access &W) {
    if (W.Via)
      diag(W.Inner->getBeginLoc(), "'%0' writes it here", DiagnosticIDs::Note)
          << displayName(W.Via);
  };
  auto WarnTasks = [&](const Access &W) {
    diag(W.Site->getBeginLoc(),
         "'%0' is written by tasks that run at the same time, with no lock "
         "held: a data race%select{| that loses updates}1; make it "
         "std::atomic or hold a mutex")
        << W.Object.decl()->getNameAsString() << W.ReadModifyWrite;
    NoteVia(W);
  };
  // The tasks that access each scalar without a lock.
  llvm::DenseMap<const ValueDecl *, llvm::SmallVector<const TaskInfo *, 4>> TasksAccessing;
  for (const TaskInfo &T : Tasks)
    for (const Access &A : *T.Accesses)
      if (!A.Locked) {
        auto &List = TasksAccessing[A.Object.decl()];
        if (List.empty() || List.back() != &T)
          List.push_back(&T);
      }

  llvm::DenseSet<const ValueDecl *> Reported;
  for (const TaskInfo &T : Tasks) {
    for (const Access &W : *T.Accesses) {
      const ValueDecl *Key = W.Object.decl();
      if (!W.Write || W.Locked || Reported.contains(Key) ||
          !reportable(Ctx, W.Site->getBeginLoc()))
        continue;
      const Stmt *SpawnSite = T.Spawn->Site;
      const FunctionDecl *Spawner = T.Spawn->Spawner;
      const VarDecl *Base = W.Object.root();

      // Another copy of the same task.
      bool ByLoop = Lives.restartsWhileRunning(*T.Spawn) &&
                    !Lives.freshPerIteration(Base, *T.Spawn);
      bool ByOuter = !ByLoop && Lives.startedByRepeatedTask(*T.Spawn) &&
                     !(Base && ConcurrencyModel::declaredWithin(Base, Spawner));
      if (ByLoop || ByOuter) {
        Reported.insert(Key);
        WarnTasks(W);
        if (ByLoop && Model.enclosingLoop(SpawnSite, Spawner))
          diag(SpawnSite->getBeginLoc(),
               "the task is started in a loop, so several copies run at once",
               DiagnosticIDs::Note);
        else if (ByLoop)
          diag(SpawnSite->getBeginLoc(),
               "the task is started here, and can be started again before it "
               "ends",
               DiagnosticIDs::Note);
        else
          diag(SpawnSite->getBeginLoc(),
               "the task is started here, by a task of which several copies "
               "run at once",
               DiagnosticIDs::Note);
        continue;
      }

      // Another task.
      const TaskInfo *Other = nullptr;
      auto Touches = [&](const TaskInfo &U) {
        return llvm::any_of(*U.Accesses, [&](const Access &A) {
          return !A.Locked && sameLocation(A.Object, W.Object);
        });
      };
      for (const TaskInfo *U : TasksAccessing.lookup(Key))
        if (U != &T && Touches(*U) && Lives.mayOverlap(*T.Spawn, *U->Spawn)) {
          Other = U;
          break;
        }
      // A task this one starts, while this one writes.
      if (!Other)
        for (const TaskInfo *U : TasksAccessing.lookup(Key))
          if (U->Spawn->Spawner == T.Spawn->Task.Fn && Touches(*U) &&
              Lives.mayRunAt(*U->Spawn, W.Site)) {
            Other = U;
            break;
          }
      if (Other) {
        Reported.insert(Key);
        WarnTasks(W);
        diag(Other->Spawn->Site->getBeginLoc(),
             "another task that accesses it is started here",
             DiagnosticIDs::Note);
        continue;
      }

      // The code that started it, before it ends.
      for (const Access &A : Accesses.ofBody(Spawner)) {
        if (A.Locked || !sameLocation(A.Object, W.Object) || !Lives.mayRunAt(*T.Spawn, A.Site))
          continue;
        Reported.insert(Key);
        diag(W.Site->getBeginLoc(),
             "'%0' is written by a task while the code that started it %select{"
             "reads|writes}1 it, with no lock held: a data race; make it "
             "std::atomic, hold a mutex, or join the task first")
            << Key->getNameAsString() << A.Write;
        NoteVia(W);
        diag(SpawnSite->getBeginLoc(), "the task is started here",
             DiagnosticIDs::Note);
        diag(A.Site->getBeginLoc(),
             "%select{read|written}0 here while the task may still be running",
             DiagnosticIDs::Note)
            << A.Write;
        break;
      }
    }
  }
}

} // namespace clang::tidy::csp
