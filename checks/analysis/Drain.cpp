#include "analysis/Drain.h"

#include "analysis/Accesses.h"
#include "analysis/BodyFlow.h"
#include "analysis/ReceiveStatus.h"
#include "analysis/Tasks.h"

#include <algorithm>

namespace clang::tidy::csp {

namespace {

bool receives(Role R) { return isReceive(R) || R == Role::ChannelReceiveThrowing; }

/// The innermost statement of \p Body's CFG that runs \p Site.
const Stmt *anchorOf(ConcurrencyModel &Model, const FunctionDecl *Body, const Stmt *Site) {
  return place(Model, Body, Site, &Model.flowGraphOf(Body)).Anchor;
}

/// Whether the task's send \p Send can run before it calls done on the wait
/// group \p Group (as the spawner names it): a done at the end of a scope
/// (a guard), or one the send can reach.
bool sendsBeforeDone(ConcurrencyModel &Model, const SpawnSite &S, const Binding &B,
                     const Op &Send, const ObjectPath &Group) {
  const FunctionDecl *Task = S.Task.Fn;
  const Stmt *From = anchorOf(Model, Task, Send.Site);
  for (const Op &Done : Model.factsOf(Task).Ops) {
    if (Done.Kind != Role::WaitGroupDone || !Done.Path)
      continue;
    std::optional<Translated> T = translate(Done.Path, B);
    if (!T || T->Path != Group)
      continue;
    Placement Where = place(Model, Task, Done.Site, &Model.flowGraphOf(Task));
    if (Where.Guard || (From && Where.Anchor && Model.canReach(Task, From, Where.Anchor)))
      return true;
  }
  return false;
}

/// Whether \p O is a case of a select (the model files a `send_case` as a
/// send, a `recv_case` as a receive).
bool selectCase(const ConcurrencyModel &Model, const Op &O) {
  const auto *Call = dyn_cast<CallExpr>(O.Site);
  Role R = Call && !O.Via ? Model.roles().roleOf(Call->getDirectCallee()) : Role::None;
  return R == Role::SelectSendCase || R == Role::SelectReceiveCase;
}

/// The select call whose case \p Case is.
const CallExpr *selectOf(const ConcurrencyModel &Model, const Stmt *Case) {
  for (const Stmt *P = Model.parentOf(Case); P; P = Model.parentOf(P)) {
    if (const auto *Call = dyn_cast<CallExpr>(P))
      return Call;
    if (!isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr, ExprWithCleanups,
             ParenExpr, CXXConstructExpr>(P))
      return nullptr;
  }
  return nullptr;
}

} // namespace

std::optional<LocalChannel> localChannel(ConcurrencyModel &Model, const ValueDecl *D,
                                         bool AllowReturned) {
  const ChannelInfo *Info = D ? Model.channel(D) : nullptr;
  if (!Info || !Info->MadeAt || Info->MadeAs != D ||
      (Info->Escapes && !(AllowReturned && Info->OnlyReturned)))
    return std::nullopt;
  const auto *Var = dyn_cast<VarDecl>(D);
  if (!Var || !Var->hasLocalStorage() || isa<ParmVarDecl>(Var) || Var->getType()->isReferenceType())
    return std::nullopt;
  const auto *Maker = dyn_cast<FunctionDecl>(Var->getDeclContext());
  const DeclStmt *Decl = Model.declarationOf(Var);
  if (!Maker || !Decl)
    return std::nullopt;
  LocalChannel C;
  C.Info = Info;
  C.Var = Var;
  C.Maker = Maker;
  C.Capacity = channelCapacity(Model.astContext(), Info->MadeAt);
  C.Once = !Model.enclosingLoop(Decl, Maker);
  C.Returned = Info->Escapes;
  return C;
}

llvm::SmallVector<const CallExpr *, 2> droppedCalls(const ConcurrencyModel &Model,
                                                   const FunctionDecl *Fn) {
  llvm::SmallVector<const CallExpr *, 2> Result;
  for (const ConcurrencyModel::FunctionUse &Use : Model.usesOf(Fn))
    if (const auto *Call = dyn_cast<CallExpr>(Use.Site);
        Call && Use.Direct && Model.resultIgnored(Call))
      Result.push_back(Call);
  return Result;
}

bool blocksUnless(ConcurrencyModel &Model, const Op &O, const NameListOption &NonBlocking) {
  if (!O.Via) {
    // A select's case: the select may take another one.
    if (selectCase(Model, O))
      return false;
    const auto *Call = dyn_cast<CallExpr>(O.Site);
    return !Call || !NonBlocking.contains(Call->getDirectCallee());
  }
  return llvm::any_of(Model.factsOf(O.Via).Ops, [&](const Op &Inner) {
    return Inner.Kind == O.Kind && blocksUnless(Model, Inner, NonBlocking);
  });
}

namespace {

Sends sendsOnImpl(ConcurrencyModel &Model, const LocalChannel &C,
                  llvm::ArrayRef<const SpawnSite *> Spawns, BlockingFn Blocks, bool Own,
                  const Op *Signal, bool Forwarding);

/// The channel of the spawner whose values a task's count \p PerRun is:
/// one send per value of a range loop over it.
const VarDecl *forwardedFrom(ConcurrencyModel &Model, const Count &PerRun, const Binding &B) {
  if (PerRun.K != Count::Kind::SizeOf || !PerRun.Exact)
    return nullptr;
  std::optional<Translated> T = translate(PerRun.Container, B);
  if (!T || T->Path.rootKind() != ObjectPath::RootKind::Variable || !T->Path.members().empty() ||
      !Model.channel(T->Path.root()))
    return nullptr;
  return T->Path.root();
}

/// How many values the maker sends through its channel \p J, when the range
/// loops of the tasks \p Forwarders are the only receives of J.
Count valuesThrough(ConcurrencyModel &Model, const FunctionDecl *Maker, const VarDecl *J,
                    llvm::ArrayRef<const SpawnSite *> Forwarders, BlockingFn Blocks) {
  std::optional<LocalChannel> L = localChannel(Model, J);
  if (!L || L->Maker != Maker)
    return Count::unknown();
  auto Forwards = [&](const SpawnSite *S) { return llvm::is_contained(Forwarders, S); };
  unsigned SendOps = 0;
  for (const PlacedOp *P : L->Info->Ops) {
    SendOps += P->Operation.Kind == Role::ChannelSend;
    if (!receives(P->Operation.Kind))
      continue;
    llvm::ArrayRef<const SpawnSite *> Runs = Model.tasks().spawnsOf(P->Body);
    if (P->Operation.Kind != Role::ChannelRange || Runs.empty() || !llvm::all_of(Runs, Forwards))
      return Count::unknown();
  }
  Sends In = sendsOnImpl(Model, *L, spawnsIn(Model, Maker), Blocks, /*Own=*/true, nullptr,
                         /*Forwarding=*/false);
  // A send this count does not see, or one that may give up, carries an
  // unknown number of values.
  if (In.Sites.size() != SendOps)
    return Count::unknown();
  return In.Total;
}

Sends sendsOnImpl(ConcurrencyModel &Model, const LocalChannel &C,
                  llvm::ArrayRef<const SpawnSite *> Spawns, BlockingFn Blocks, bool Own,
                  const Op *Signal, bool Forwarding) {
  const ObjectPath Want = ObjectPath::variable(C.Var);
  Sends Out;
  auto CountOf = [&](const FunctionDecl *Body, const Op &O) {
    // A helper's sends are counted by no one here.
    return O.Via ? Count::unknown() : timesRun(Model, Body, O.Site);
  };
  if (Own)
    for (const Op &O : Model.factsOf(C.Maker).Ops)
      if (O.Kind == Role::ChannelSend && O.Path == Want && Blocks(O) &&
          place(Model, C.Maker, O.Site).Runs) {
        Out.Sites.push_back({nullptr, &O});
        Out.Total = Out.Total.plus(CountOf(C.Maker, O));
      }
  // Tasks that send one value for each value they take from another
  // channel of the maker send, together, as many values as it carries.
  llvm::SmallVector<std::pair<const VarDecl *, llvm::SmallVector<const SpawnSite *, 4>>, 1> Forward;
  for (const SpawnSite *S : Spawns) {
    if (S->Spawner != C.Maker || !S->Task)
      continue;
    Binding B = spawnBinding(*S);
    Count PerRun = Count::constant(0);
    bool Any = false;
    for (const Op &O : Model.factsOf(S->Task.Fn).Ops) {
      if (O.Kind != Role::ChannelSend || !O.Path || !Blocks(O))
        continue;
      std::optional<Translated> T = translate(O.Path, B);
      if (!T || T->Path != Want)
        continue;
      if (Signal && Signal->Kind == Role::WaitGroupWait &&
          !sendsBeforeDone(Model, *S, B, O, Signal->Path))
        continue;
      Any = true;
      Out.Sites.push_back({S, &O});
      PerRun = PerRun.plus(CountOf(S->Task.Fn, O));
    }
    if (!Any)
      continue;
    if (const VarDecl *J = Forwarding ? forwardedFrom(Model, PerRun, B) : nullptr) {
      auto It = llvm::find_if(Forward, [&](const auto &F) { return F.first == J; });
      if (It == Forward.end())
        Forward.push_back({J, {S}});
      else
        It->second.push_back(S);
      continue;
    }
    Out.Total = Out.Total.plus(timesRun(Model, C.Maker, S->Site).times(PerRun));
  }
  for (const auto &[J, Forwarders] : Forward)
    Out.Total = Out.Total.plus(valuesThrough(Model, C.Maker, J, Forwarders, Blocks));
  if (!C.Once && !Out.Sites.empty())
    Out.Total = Count::unknown();
  return Out;
}

} // namespace

Sends sendsOn(ConcurrencyModel &Model, const LocalChannel &C,
              llvm::ArrayRef<const SpawnSite *> Spawns, BlockingFn Blocks, bool Own,
              const Op *Signal) {
  return sendsOnImpl(Model, C, Spawns, Blocks, Own, Signal, /*Forwarding=*/true);
}

namespace {

llvm::SmallVector<LocalChannel, 2> channelsUsedBy(ConcurrencyModel &Model,
                                                  llvm::ArrayRef<const SpawnSite *> Spawns,
                                                  bool (*Wanted)(Role)) {
  llvm::SmallVector<LocalChannel, 2> Result;
  for (const SpawnSite *S : Spawns) {
    if (!S->Task)
      continue;
    Binding B = spawnBinding(*S);
    for (const Op &O : Model.factsOf(S->Task.Fn).Ops) {
      if (!Wanted(O.Kind) || !O.Path)
        continue;
      std::optional<Translated> T = translate(O.Path, B);
      if (!T || T->Path.rootKind() != ObjectPath::RootKind::Variable || !T->Path.members().empty())
        continue;
      std::optional<LocalChannel> C = localChannel(Model, T->Path.root());
      if (C && C->Maker == S->Spawner && llvm::none_of(Result, [&](const LocalChannel &Seen) {
            return Seen.Var == C->Var;
          }))
        Result.push_back(*C);
    }
  }
  return Result;
}

} // namespace

llvm::SmallVector<LocalChannel, 2> channelsSentOnBy(ConcurrencyModel &Model,
                                                    llvm::ArrayRef<const SpawnSite *> Spawns) {
  return channelsUsedBy(Model, Spawns, [](Role R) { return R == Role::ChannelSend; });
}

llvm::SmallVector<LocalChannel, 2> channelsReceivedBy(ConcurrencyModel &Model,
                                                      llvm::ArrayRef<const SpawnSite *> Spawns) {
  return channelsUsedBy(Model, Spawns, receives);
}

llvm::SmallVector<const SpawnSite *, 4> spawnsIn(ConcurrencyModel &Model,
                                                 const FunctionDecl *Body) {
  llvm::SmallVector<const SpawnSite *, 4> Result;
  for (const SpawnSite *S : Model.factsOf(Body).Spawns)
    if (S->Spawner == Body)
      Result.push_back(S);
  std::stable_sort(Result.begin(), Result.end(), [](const SpawnSite *A, const SpawnSite *B) {
    return A->Site->getBeginLoc() < B->Site->getBeginLoc();
  });
  return Result;
}

Receives receivesOf(ConcurrencyModel &Model, const LocalChannel &C) {
  const ObjectPath Want = ObjectPath::variable(C.Var);
  Receives R;
  for (const Op &O : Model.factsOf(C.Maker).Ops)
    if (receives(O.Kind) && O.Path == Want)
      R.Own.push_back(&O);
  for (const PlacedOp *P : C.Info->Ops) {
    if (!receives(P->Operation.Kind))
      continue;
    bool Mine = llvm::any_of(R.Own, [&](const Op *O) {
      return O->Site == P->Operation.Site || (O->Via && O->Via == P->Body);
    });
    R.Elsewhere |= !Mine;
  }
  return R;
}

bool receivedOnlyBy(ConcurrencyModel &Model, const LocalChannel &C,
                    llvm::ArrayRef<const SpawnSite *> Spawns) {
  const ObjectPath Want = ObjectPath::variable(C.Var);
  llvm::SmallVector<const Op *, 4> Theirs;
  for (const SpawnSite *S : Spawns) {
    if (!S->Task)
      continue;
    Binding B = spawnBinding(*S);
    for (const Op &O : Model.factsOf(S->Task.Fn).Ops)
      if (receives(O.Kind) && O.Path)
        if (std::optional<Translated> T = translate(O.Path, B); T && T->Path == Want)
          Theirs.push_back(&O);
  }
  if (Theirs.empty())
    return false;
  const FunctionDecl *Maker = C.Maker;
  return llvm::all_of(C.Info->Ops, [&](const PlacedOp *P) {
    return !receives(P->Operation.Kind) || P->Body == Maker ||
           llvm::any_of(Theirs, [&](const Op *O) {
             return O->Site == P->Operation.Site || (O->Via && O->Via == P->Body);
           });
  });
}

const Op *receivedBefore(ConcurrencyModel &Model, const LocalChannel &C, const Receives &R,
                         const Stmt *At) {
  const Stmt *To = anchorOf(Model, C.Maker, At);
  for (const Op *O : R.Own) {
    const Stmt *From = anchorOf(Model, C.Maker, O->Site);
    if (!From || !To || From == To || Model.canReach(C.Maker, From, To))
      return O;
  }
  return nullptr;
}

const Op *receivedAfter(ConcurrencyModel &Model, const LocalChannel &C, const Receives &R,
                        const Stmt *At) {
  const Stmt *From = anchorOf(Model, C.Maker, At);
  if (!From)
    return nullptr;
  for (const Op *O : R.Own)
    if (const Stmt *To = anchorOf(Model, C.Maker, O->Site); To && Model.canReach(C.Maker, From, To))
      return O;
  return nullptr;
}

Taken taken(ConcurrencyModel &Model, const LocalChannel &C, const Receives &R,
            BlockingFn Blocks) {
  Taken T;
  for (const Op *O : R.Own) {
    if (O->Kind == Role::ChannelRange) {
      T.All = true;
      continue;
    }
    const auto *Call = dyn_cast<CallExpr>(O->Site);
    if (O->Kind == Role::ChannelReceiveWithStatus && !O->Via && Call &&
        loopUntilClosed(Model, C.Maker, Call)) {
      T.All = true;
      continue;
    }
    if (selectCase(Model, *O)) {
      const CallExpr *Select = O->Via ? nullptr : selectOf(Model, O->Site);
      if (Select && ConcurrencyModel::explicitArgs(Select).size() > 1 &&
          !Model.enclosingLoop(O->Site, C.Maker) && !T.Skippable)
        T.Skippable = O;
      else
        T.AtLeast = Count::unknown();
      continue;
    }
    Count N = O->Via || !Blocks(*O) ? Count::unknown() : timesRun(Model, C.Maker, O->Site);
    T.AtLeast = N.known() && N.Exact ? T.AtLeast.plus(N) : Count::unknown();
  }
  return T;
}

} // namespace clang::tidy::csp
