#include "WaitgroupCountMismatchCheck.h"

#include "analysis/BodyFlow.h"
#include "analysis/Counts.h"
#include "analysis/Loops.h"
#include "analysis/Tasks.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

/// A count as the message says it: `4`, `the size of 'jobs'`.
std::string spell(const Count &C) {
  if (C.K == Count::Kind::Constant)
    return std::to_string(C.Value);
  return "the size of '" + C.Container.spelling() + "'";
}

/// One task of the body and how it calls done on the group.
struct Counted {
  const SpawnSite *Spawn;
  Count PerRun;
  DoneSites Sites;
};

} // namespace

void WaitgroupCountMismatchCheck::checkModel(ConcurrencyModel &Model) {
  llvm::DenseSet<SourceLocation> Reported;
  for (const FunctionDecl *Body : Model.bodies()) {
    llvm::SmallVector<ObjectPath, 2> Groups;
    for (const Op &O : Model.factsOf(Body).Ops)
      if (O.Kind == Role::WaitGroupAdd && !O.Via && O.Path && !llvm::is_contained(Groups, O.Path))
        Groups.push_back(O.Path);
    for (const ObjectPath &WG : Groups)
      checkGroup(Model, Body, WG, Reported);
  }
}

void WaitgroupCountMismatchCheck::checkGroup(ConcurrencyModel &Model, const FunctionDecl *Body,
                                             const ObjectPath &WG,
                                             llvm::DenseSet<SourceLocation> &Reported) {
  ASTContext &Ctx = Model.astContext();
  const BodyFacts &Facts = Model.factsOf(Body);
  llvm::SmallVector<const Op *, 2> Adds, Waits;
  for (const Op &O : Facts.Ops) {
    if (O.Path != WG)
      continue;
    if (O.Kind == Role::WaitGroupAdd && !O.Via)
      Adds.push_back(&O);
    else if (O.Kind == Role::WaitGroupWait)
      Waits.push_back(&O);
  }
  llvm::SmallVector<Counted, 4> Tasks;
  for (const SpawnSite *S : Facts.Spawns) {
    if (S->Spawner != Body)
      continue;
    Counted C{S, Count::unknown(), {}};
    C.PerRun = donesPerRun(Model, *S, WG, &C.Sites);
    if (!C.Sites.Sites.empty())
      Tasks.push_back(std::move(C));
  }
  if (Adds.empty() || Tasks.empty())
    return;
  const std::string Name = WG.spelling();
  SourceLocation AddLoc = Adds.front()->Site->getBeginLoc();
  // A class template's instantiations repeat the pattern's findings.
  auto Fresh = [&](SourceLocation L) { return reportable(Ctx, L) && Reported.insert(L).second; };

  const BodyCFG &G = Model.flowGraphOf(Body);
  auto Anchor = [&](const Stmt *S) { return place(Model, Body, S, &G).Anchor; };
  llvm::SmallVector<CFGPosition, 2> AddPositions;
  for (const Op *A : Adds)
    if (const Stmt *At = Anchor(A->Site))
      AddPositions.push_back(*G.position(At));

  // A task started before any add, with an add after it: its done may run
  // first, unless it waits for something the spawner does later.
  for (const Counted &T : Tasks) {
    const Stmt *Spawn = Anchor(T.Spawn->Site);
    if (!Spawn || !G.reachedFromEntry(Spawn, AddPositions))
      continue;
    for (const Op *A : Adds) {
      const Stmt *At = Anchor(A->Site);
      if (!At || !G.reaches(Spawn, At) ||
          Model.tasks().awaitsBefore(*T.Spawn, T.Sites.Sites.front(), {}, /*BySpawner=*/true))
        continue;
      SourceLocation Loc = A->Site->getBeginLoc();
      if (!Fresh(Loc))
        return;
      diag(Loc, "wait group '%0' is incremented after a task that calls 'done' on it was "
                "started; the 'done' can run first and take the counter below zero")
          << Name;
      diag(T.Spawn->Site->getBeginLoc(), "the task is started here; call 'add' before this point",
           DiagnosticIDs::Note);
      return;
    }
  }

  Count Added = addTotal(Model, Body, WG);

  // A task that calls done more than once, where the adds count one per
  // task: as many as the tasks started, or one add(1) in the loop that
  // starts the one task, both on every pass.
  auto OnePerTask = [&] {
    Count Started = Count::constant(0);
    for (const Counted &T : Tasks)
      Started = Started.plus(timesRun(Model, Body, T.Spawn->Site));
    if (Added.known() && Added.Exact && Started == Added)
      return true;
    if (Adds.size() != 1 || Tasks.size() != 1)
      return false;
    const Stmt *Add = Adds.front()->Site, *Spawn = Tasks.front().Spawn->Site;
    llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(Add);
    return !Args.empty() && countArgument(Ctx, Args.back()).isConstant(1) &&
           Model.enclosingLoop(Add, Body) == Model.enclosingLoop(Spawn, Body) &&
           !skippedBy(Model, Body, Add) && !skippedBy(Model, Body, Spawn) &&
           place(Model, Body, Add).Runs && place(Model, Body, Spawn).Runs;
  };
  for (const Counted &T : Tasks) {
    if (!T.Sites.Again || !OnePerTask())
      continue;
    SourceLocation Loc = T.Sites.Again->getBeginLoc();
    if (!Fresh(Loc))
      return;
    diag(Loc, "%select{this 'done' runs on every pass of the loop|this 'done' runs after an "
              "earlier 'done' of the same task}0, but wait group '%1' counts the task once; "
              "the extra 'done' takes the counter below zero")
        << !T.Sites.InLoop << Name;
    diag(T.Spawn->Site->getBeginLoc(), "the task is started here", DiagnosticIDs::Note);
    return;
  }

  if (!Added.known() || !Added.Exact)
    return;

  // A wait in the loop that starts the tasks, for a count added once
  // before the loop: add and wait do not pair up per pass.
  for (const Op *W : Waits) {
    const Stmt *Wait = Anchor(W->Site);
    const Stmt *Loop = Model.enclosingLoop(W->Site, Body);
    for (; Loop; Loop = Model.enclosingLoop(Loop, Body))
      if (llvm::any_of(Tasks, [&](const Counted &T) { return Model.isWithin(T.Spawn->Site, Loop); }))
        break;
    if (!Wait || !Loop ||
        llvm::any_of(Adds, [&](const Op *A) { return Model.isWithin(A->Site, Loop); }))
      continue;
    Count Trips = tripCount(Ctx, Loop, &Model.roles());
    if (Trips.K == Count::Kind::Constant && Trips.Value <= 1)
      continue;
    const Counted *Again = nullptr;
    for (const Counted &T : Tasks)
      if (Model.isWithin(T.Spawn->Site, Loop) && Anchor(T.Spawn->Site) &&
          G.reaches(Wait, Anchor(T.Spawn->Site)))
        Again = &T;
    SourceLocation Loc = W->Site->getBeginLoc();
    if (!Again || !Fresh(Loc))
      continue;
    diag(Loc, "wait group '%0' is waited for in each pass of the loop that starts its tasks, "
              "but incremented only before the loop: the first 'wait' waits for tasks that "
              "later passes start, or a later task's 'done' takes the counter below zero")
        << Name;
    diag(AddLoc, "incremented here, once for every pass; call 'add' inside the loop, before "
                 "each task is started",
         DiagnosticIDs::Note);
    return;
  }

  // The adds against the dones of the tasks started.
  Count Dones = taskDones(Model, Body, WG);
  if (!Dones.known() || Dones.K != Added.K)
    return;
  if (Dones.Exact) {
    if (Dones.K != Count::Kind::Constant || Dones.Value == Added.Value || !Fresh(AddLoc))
      return;
    bool TooFew = Dones.Value > Added.Value;
    diag(AddLoc, "wait group '%0' is incremented by %1 in all, but the tasks started here call "
                 "'done' %2 times; %select{'wait' never returns|the extra 'done' takes the "
                 "counter below zero}3")
        << Name << spell(Added) << unsigned(Dones.Value) << TooFew;
    diag(Tasks.front().Spawn->Site->getBeginLoc(), "a task that calls 'done' is started here",
         DiagnosticIDs::Note);
    return;
  }
  // At most as many dones as added: a spawn the loop can skip leaves the
  // counter above zero.
  bool Fewer = Dones.K == Count::Kind::Constant ? Dones.Value <= Added.Value
                                                : Dones.Container == Added.Container;
  if (!Fewer)
    return;
  for (const Counted &T : Tasks) {
    const Stmt *Skip = skippedBy(Model, Body, T.Spawn->Site);
    if (!Skip || !Fresh(AddLoc))
      continue;
    unsigned Why = isa<ContinueStmt>(Skip) ? 0 : isa<BreakStmt>(Skip) ? 1 : 2;
    diag(AddLoc, "wait group '%0' is incremented by %1, but fewer tasks may be started: "
                 "%select{a 'continue' skips|a 'break' ends the loop before|a condition "
                 "skips}2 the spawn; 'wait' never returns")
        << Name << spell(Added) << Why;
    diag(Skip->getBeginLoc(), "%select{this 'continue' skips|this 'break' ends the loop before|"
                              "this condition skips}0 it; call 'add(1)' right before each spawn",
         DiagnosticIDs::Note)
        << Why;
    diag(T.Spawn->Site->getBeginLoc(), "the task is started here", DiagnosticIDs::Note);
    return;
  }
}

} // namespace clang::tidy::csp
