#include "DoubleCloseCheck.h"

#include "analysis/BodyFlow.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

/// The object a member-function task runs on, as the spawn passes it
/// (`std::thread(&Pool::work, this)`): null for `this`.
std::optional<const ValueDecl *> taskObject(const SpawnSite &S) {
  const Expr *Obj = ConcurrencyModel::taskObjectArgument(S);
  if (!Obj)
    return std::nullopt;
  if (isa<CXXThisExpr>(Obj->IgnoreParenImpCasts()))
    return nullptr;
  if (const ValueDecl *D = ConcurrencyModel::rootObject(Obj))
    return D;
  return std::nullopt;
}

/// The channel a task's close acts on, seen from the spawn: a parameter is
/// the argument bound to it; a captured variable or a member is itself.
/// Unknown when the task closes a channel of its own (made in it, or a
/// member of the function object it runs).
std::optional<ChannelHandle> atSpawn(const SpawnSite &S, const ChannelHandle &Closed) {
  if (!Closed.Known)
    return std::nullopt;
  // A parameter: the argument the spawn binds to it, as the spawner names
  // it (which may be a member, `csp::go(produce, out_)`).
  auto Bound = [&](const ParmVarDecl *P) -> std::optional<ChannelHandle> {
    unsigned I = P->getFunctionScopeIndex();
    if (I >= S.BoundArgs.size())
      return std::nullopt;
    const ValueDecl *Arg = ConcurrencyModel::rootObject(S.BoundArgs[I]);
    if (!Arg)
      return std::nullopt;
    ChannelHandle H = handleIn(S.BoundArgs[I], Arg);
    if (!H.Known)
      return std::nullopt;
    return H;
  };
  auto IsTaskParam = [&](const ValueDecl *D) -> const ParmVarDecl * {
    const auto *P = dyn_cast<ParmVarDecl>(D);
    return P && P->getDeclContext() == S.Task.Fn ? P : nullptr;
  };
  if (const ParmVarDecl *P = IsTaskParam(Closed.Decl))
    return Bound(P);
  // The task's own channel is a new one each time it runs.
  if (ConcurrencyModel::declaredWithin(Closed.Decl, S.Task.Fn))
    return std::nullopt;
  ChannelHandle Result{Closed.Decl, nullptr, true};
  if (!isa<FieldDecl>(Closed.Decl))
    return Result;
  if (Closed.Base) {
    // `w.out` where `w` is the task's parameter or the spawner's object.
    if (const ParmVarDecl *P = IsTaskParam(Closed.Base)) {
      std::optional<ChannelHandle> Base = Bound(P);
      if (!Base || Base->Base || isa<FieldDecl>(Base->Decl))
        return std::nullopt;
      Result.Base = Base->Decl;
      return Result;
    }
    if (ConcurrencyModel::declaredWithin(Closed.Base, S.Task.Fn))
      return std::nullopt;
    Result.Base = Closed.Base;
    return Result;
  }
  // `this->member`: a lambda's `this` is its spawner's; a member function
  // runs on the object the spawn passes; a function object's members are
  // the task's own copy.
  const auto *MD = dyn_cast<CXXMethodDecl>(S.Task.Fn);
  if (S.Task.Lambda)
    return Result;
  if (!MD || MD->getOverloadedOperator() == OO_Call)
    return std::nullopt;
  std::optional<const ValueDecl *> Obj = taskObject(S);
  if (!Obj)
    return std::nullopt;
  Result.Base = *Obj;
  return Result;
}

/// The innermost statement that contains both \p A and \p B.
const Stmt *commonAncestor(const ConcurrencyModel &Model, const Stmt *A,
                           const Stmt *B) {
  llvm::SmallPtrSet<const Stmt *, 16> Above;
  for (const Stmt *P = A; P; P = Model.parentOf(P))
    Above.insert(P);
  for (const Stmt *P = B; P; P = Model.parentOf(P))
    if (Above.contains(P))
      return P;
  return nullptr;
}

/// A close a body performs, and where.
struct PlacedClose {
  const Op *Close;
  ChannelHandle Channel;
  Placement Where;
};

/// A task, started by some body, that closes a channel of its spawner on
/// every run.
struct Closer {
  const SpawnSite *Spawn;
  ChannelHandle Channel;
  const Op *Close;
  const Stmt *Anchor;
};

/// Whether a spawn runs every time control reaches \p Upto.
bool spawnAlwaysRuns(const ConcurrencyModel &Model, const SpawnSite &S,
                     const Stmt *Upto) {
  Placement Where = place(Model, S.Spawner, S.Site, nullptr, Upto);
  return Where.Runs && !Where.Conditional;
}

} // namespace

void DoubleCloseCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  llvm::DenseSet<const Stmt *> Reported;

  // Where a path makes either handle name a new channel: a declaration or
  // reassignment of the variable, or of the object it is a member of.
  llvm::DenseMap<std::pair<const FunctionDecl *, const ValueDecl *>,
                 llvm::SmallVector<CFGPosition, 4>>
      RenewalCache;
  auto Renewals = [&](const FunctionDecl *Body, const ChannelHandle &A,
                      const ChannelHandle &B) {
    llvm::SmallVector<CFGPosition, 4> Result;
    llvm::SmallPtrSet<const ValueDecl *, 4> Seen;
    for (const ValueDecl *D : {A.Decl, A.Base, B.Decl, B.Base}) {
      if (!D || !Seen.insert(D).second)
        continue;
      auto [It, Inserted] = RenewalCache.try_emplace({Body, D});
      if (Inserted)
        It->second = renewals(Body, Model.flowGraphOf(Body), D);
      Result.append(It->second);
    }
    return Result;
  };

  // ---- Two closes of one channel in one body, or one close run twice. ----
  for (const FunctionDecl *Body : Model.bodies()) {
    const BodyFacts &Facts = Model.factsOf(Body);
    llvm::SmallVector<PlacedClose, 4> Closes;
    for (const Op &O : Facts.Ops)
      if (O.Kind == Role::ChannelClose)
        Closes.push_back({&O, handleOf(O), Placement()});
    if (Closes.empty())
      continue;
    const BodyCFG &G = Model.flowGraphOf(Body);
    for (PlacedClose &C : Closes)
      C.Where = place(Model, Body, C.Close->Site, &G);
    llvm::erase_if(Closes, [](const PlacedClose &C) {
      return !C.Channel.Known || !C.Where.Runs || !C.Where.Anchor;
    });

    for (const PlacedClose &C : Closes) {
      const Op &Close = *C.Close;
      if (Reported.contains(Close.Site) ||
          !reportable(Ctx, Close.Site->getBeginLoc()))
        continue;
      // The same close again, on the next iteration of its loop: only when
      // it runs on every iteration (a close on the last iteration, or
      // behind a flag, is fine) and the loop does not make a new channel.
      const Stmt *Loop = Model.enclosingLoop(C.Where.Anchor, Body);
      if (Loop &&
          G.reaches(C.Where.Anchor, C.Where.Anchor,
                    Renewals(Body, C.Channel, C.Channel)) &&
          alwaysRuns(Model, Body, Close, Loop)) {
        Reported.insert(Close.Site);
        diag(Close.Site->getBeginLoc(),
             "channel '%0' is closed in a loop; the second iteration's "
             "close panics")
            << Close.Object->getName();
        if (Close.Via)
          diag(Close.Via->getLocation(), "'%0' closes the channel",
               DiagnosticIDs::Note)
              << displayName(Close.Via);
      }
    }

    for (const PlacedClose &First : Closes) {
      for (const PlacedClose &Second : Closes) {
        if (&First == &Second ||
            !sameHandle(First.Channel, Second.Channel) ||
            Reported.contains(Second.Close->Site) ||
            !reportable(Ctx, Second.Close->Site->getBeginLoc()))
          continue;
        auto Avoid = Renewals(Body, First.Channel, Second.Channel);
        bool Twice = false;
        if (Second.Where.Guard && !First.Where.Guard) {
          // A scope guard closes when its scope ends: after any close that
          // runs in its scope once it is declared.
          const Stmt *Scope = Model.parentOf(Second.Where.Guard);
          Twice = Scope && Model.isWithin(First.Where.Anchor, Scope) &&
                  G.reaches(Second.Where.Anchor, First.Where.Anchor, Avoid);
        } else if (!First.Where.Guard && !Second.Where.Guard &&
                   G.reaches(First.Where.Anchor, Second.Where.Anchor, Avoid)) {
          // Both run whenever one of them does: one of them is on every
          // path through the statement that holds both. Two closes under
          // separate conditions may exclude each other: no finding.
          const Stmt *Common =
              commonAncestor(Model, First.Where.Anchor, Second.Where.Anchor);
          Twice = alwaysRuns(Model, Body, *First.Close, Common) ||
                  alwaysRuns(Model, Body, *Second.Close, Common);
        }
        if (!Twice)
          continue;
        Reported.insert(Second.Close->Site);
        diag(Second.Close->Site->getBeginLoc(),
             "channel '%0' can be closed a second time here; the second "
             "close panics")
            << Second.Close->Object->getName();
        if (Second.Close->Via)
          diag(Second.Close->Via->getLocation(), "'%0' closes the channel",
               DiagnosticIDs::Note)
              << displayName(Second.Close->Via);
        diag(First.Close->Site->getBeginLoc(), "first closed here",
             DiagnosticIDs::Note);
      }
    }
  }

  // ---- Tasks that close a channel of their spawner. ----------------------
  // A task counts only if it closes on every run: a close behind a branch
  // (the last worker out closes) or `std::call_once` is the idiom.
  llvm::DenseMap<const FunctionDecl *, std::vector<Closer>> BySpawner;
  for (const SpawnSite &S : Model.spawns()) {
    if (!S.Task || !S.Spawner)
      continue;
    for (const Op &O : Model.factsOf(S.Task.Fn).Ops) {
      if (O.Kind != Role::ChannelClose || !alwaysRuns(Model, S.Task.Fn, O))
        continue;
      std::optional<ChannelHandle> Channel = atSpawn(S, handleOf(O));
      if (!Channel)
        continue;
      Placement Where = place(Model, S.Spawner, S.Site, &Model.flowGraphOf(S.Spawner));
      if (Where.Runs && Where.Anchor)
        BySpawner[S.Spawner].push_back({&S, *Channel, &O, Where.Anchor});
      break;
    }
  }

  llvm::DenseSet<const Stmt *> ReportedSpawns;
  for (const FunctionDecl *Spawner : Model.bodies()) {
    auto It = BySpawner.find(Spawner);
    if (It == BySpawner.end())
      continue;
    const std::vector<Closer> &Closers = It->second;
    const BodyCFG &G = Model.flowGraphOf(Spawner);

    auto NoteClose = [&](const Closer &C) {
      diag(C.Close->Site->getBeginLoc(), "the task closes the channel here",
           DiagnosticIDs::Note);
      if (C.Close->Via)
        diag(C.Close->Via->getLocation(), "'%0' closes the channel",
             DiagnosticIDs::Note)
            << displayName(C.Close->Via);
    };

    for (const Closer &C : Closers) {
      const SpawnSite &S = *C.Spawn;
      if (ReportedSpawns.contains(S.Site) ||
          !reportable(Ctx, S.Site->getBeginLoc()))
        continue;
      auto Avoid = Renewals(Spawner, C.Channel, C.Channel);

      // Started in a loop, once per iteration, with the same channel.
      const Stmt *Loop = Model.enclosingLoop(C.Anchor, Spawner);
      if (Loop && G.reaches(C.Anchor, C.Anchor, Avoid) &&
          spawnAlwaysRuns(Model, S, Loop)) {
        ReportedSpawns.insert(S.Site);
        diag(S.Site->getBeginLoc(),
             "a task that closes channel '%0' is started in a loop; the "
             "second task's close panics")
            << C.Channel.Decl->getName();
        NoteClose(C);
        continue;
      }

      // Started after another task that closes the same channel.
      for (const Closer &Earlier : Closers) {
        if (&Earlier == &C || !sameHandle(Earlier.Channel, C.Channel) ||
            !G.reaches(Earlier.Anchor, C.Anchor, Avoid))
          continue;
        const Stmt *Common = commonAncestor(Model, Earlier.Anchor, C.Anchor);
        if (!spawnAlwaysRuns(Model, *Earlier.Spawn, Common) &&
            !spawnAlwaysRuns(Model, S, Common))
          continue;
        ReportedSpawns.insert(S.Site);
        diag(S.Site->getBeginLoc(),
             "a second task that closes channel '%0' is started here; the "
             "second close panics")
            << C.Channel.Decl->getName();
        diag(Earlier.Spawn->Site->getBeginLoc(),
             "the first task that closes it is started here",
             DiagnosticIDs::Note);
        NoteClose(C);
        break;
      }
    }

    // The spawner closes a channel that a task it starts closes too.
    const BodyFacts &Facts = Model.factsOf(Spawner);
    for (const Op &O : Facts.Ops) {
      if (O.Kind != Role::ChannelClose || Reported.contains(O.Site) ||
          !reportable(Ctx, O.Site->getBeginLoc()))
        continue;
      Placement Where = place(Model, Spawner, O.Site, &G);
      if (!Where.Runs || !Where.Anchor || Where.Guard)
        continue;
      ChannelHandle Closed = handleOf(O);
      for (const Closer &C : Closers) {
        if (!sameHandle(Closed, C.Channel))
          continue;
        auto Avoid = Renewals(Spawner, Closed, C.Channel);
        if (!G.reaches(C.Anchor, Where.Anchor, Avoid) &&
            !G.reaches(Where.Anchor, C.Anchor, Avoid))
          continue;
        const Stmt *Common = commonAncestor(Model, C.Anchor, Where.Anchor);
        if (!alwaysRuns(Model, Spawner, O, Common) &&
            !spawnAlwaysRuns(Model, *C.Spawn, Common))
          continue;
        Reported.insert(O.Site);
        diag(O.Site->getBeginLoc(),
             "channel '%0' is closed here and by a task this code starts; "
             "the second close panics")
            << O.Object->getName();
        if (O.Via)
          diag(O.Via->getLocation(), "'%0' closes the channel",
               DiagnosticIDs::Note)
              << displayName(O.Via);
        diag(C.Spawn->Site->getBeginLoc(), "the task is started here",
             DiagnosticIDs::Note);
        NoteClose(C);
        break;
      }
    }
  }
}

} // namespace clang::tidy::csp
