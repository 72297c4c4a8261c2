#include "analysis/ChannelState.h"

#include <algorithm>
#include <iterator>

namespace clang::tidy::csp {

namespace {

struct ChanState {
  /// Some path reaches here with the channel open.
  bool MayOpen = true;
  /// Indices of the closes some path performed last, sorted.
  llvm::SmallVector<unsigned, 2> ClosedBy;
  bool operator==(const ChanState &O) const {
    return MayOpen == O.MayOpen && ClosedBy == O.ClosedBy;
  }
};

struct States {
  llvm::SmallVector<ChanState, 2> Chans;
  bool operator==(const States &O) const { return Chans == O.Chans; }
};

/// What happens to a tracked channel at one CFG element.
struct Effect {
  unsigned Channel;
  /// A close (an index into the events), or a renewal when unset.
  std::optional<unsigned> Close;
};

struct ChannelStateAnalysis {
  using State = States;
  unsigned NumChannels = 0;
  const std::vector<CloseEvent> *Events = nullptr;
  llvm::DenseMap<const CFGElement *, llvm::SmallVector<Effect, 1>> Effects;

  State entry() const {
    State S;
    S.Chans.resize(NumChannels);
    return S;
  }
  State join(const State &A, const State &B) const {
    State Out = A;
    for (unsigned I = 0; I < NumChannels; ++I) {
      ChanState &C = Out.Chans[I];
      const ChanState &Other = B.Chans[I];
      C.MayOpen |= Other.MayOpen;
      llvm::SmallVector<unsigned, 2> Union;
      std::set_union(C.ClosedBy.begin(), C.ClosedBy.end(), Other.ClosedBy.begin(),
                     Other.ClosedBy.end(), std::back_inserter(Union));
      C.ClosedBy = std::move(Union);
    }
    return Out;
  }
  void transfer(const CFGElement &E, State &S) const {
    auto It = Effects.find(&E);
    if (It == Effects.end())
      return;
    for (const Effect &F : It->second) {
      ChanState &C = S.Chans[F.Channel];
      if (!F.Close) {
        C = ChanState();
      } else if ((*Events)[*F.Close].Definite) {
        C.MayOpen = false;
        C.ClosedBy = {*F.Close};
      } else if (!llvm::is_contained(C.ClosedBy, *F.Close)) {
        // Closed on the runs that close, as before on the others.
        C.ClosedBy.insert(llvm::upper_bound(C.ClosedBy, *F.Close), *F.Close);
      }
    }
  }
};

const CFGElement *elementAt(CFGPosition P) {
  if (P.second >= P.first->size())
    return nullptr;
  auto It = P.first->begin();
  std::advance(It, P.second);
  return &*It;
}

} // namespace

struct ChannelStates::Solver {
  ChannelStateAnalysis Analysis;
  DataflowResult<States> Result;
  /// One handle per tracked channel; an event's channel is its index.
  llvm::SmallVector<ChannelHandle, 2> Channels;
  llvm::SmallVector<unsigned, 4> ChannelOf;
  std::optional<Dominance> Dom;
  const CFG *Graph = nullptr;

  std::optional<unsigned> indexOf(const ChannelHandle &H) const {
    for (unsigned I = 0; I < Channels.size(); ++I)
      if (sameHandle(Channels[I], H))
        return I;
    return std::nullopt;
  }
};

ChannelStates::~ChannelStates() = default;

ChannelStates::ChannelStates(ConcurrencyModel &Model, const FunctionDecl *Body)
    : S(std::make_unique<Solver>()) {
  // Most bodies close nothing: spare building their CFG.
  const BodyFacts &Facts = Model.factsOf(Body);
  if (llvm::none_of(Facts.Ops, [](const Op &O) { return O.Kind == Role::ChannelClose; }) &&
      llvm::none_of(Facts.Spawns, [&](const SpawnSite *SP) {
        return SP->Task && SP->Spawner == Body &&
               llvm::any_of(Model.factsOf(SP->Task.Fn).Ops,
                            [](const Op &O) { return O.Kind == Role::ChannelClose; });
      }))
    return;
  const BodyCFG &G = Model.flowGraphOf(Body);
  S->Graph = G.graph();
  if (!S->Graph)
    return;
  for (const Op &O : Model.factsOf(Body).Ops) {
    if (O.Kind != Role::ChannelClose)
      continue;
    CloseEvent E{&O, nullptr, handleOf(O), place(Model, Body, O.Site, &G), false, {}};
    if (!E.Channel.Known || !E.Where.Runs || !E.Where.Anchor)
      continue;
    E.Definite = alwaysRuns(Model, Body, O, E.Where.Anchor);
    if (!E.Where.Guard) {
      if (std::optional<CFGPosition> P = G.position(E.Where.Anchor))
        E.Positions.push_back(*P);
    }
    Events.push_back(std::move(E));
  }
  // A task that closes on every run; one behind a branch (the last worker
  // out closes) or `std::call_once` is the idiom, and does not count.
  for (const SpawnSite *SP : Model.factsOf(Body).Spawns) {
    if (!SP->Task || SP->Spawner != Body)
      continue;
    for (const Op &O : Model.factsOf(SP->Task.Fn).Ops) {
      if (O.Kind != Role::ChannelClose || !alwaysRuns(Model, SP->Task.Fn, O))
        continue;
      std::optional<ChannelHandle> Channel = handleAtSpawn(*SP, handleOf(O));
      if (!Channel)
        continue;
      CloseEvent E{&O, SP, *Channel, place(Model, Body, SP->Site, &G), false, {}};
      if (!E.Where.Runs || !E.Where.Anchor)
        break;
      Placement Here = place(Model, Body, SP->Site, nullptr, E.Where.Anchor);
      E.Definite = Here.Runs && !Here.Conditional;
      if (std::optional<CFGPosition> P = G.position(E.Where.Anchor))
        E.Positions.push_back(*P);
      Events.push_back(std::move(E));
      break;
    }
  }

  // A guard closes where its variable's destructor runs: at each exit of
  // its scope, on the paths that leave it.
  llvm::DenseMap<const VarDecl *, llvm::SmallVector<unsigned, 1>> ByGuard;
  for (unsigned I = 0; I < Events.size(); ++I)
    if (const DeclStmt *Guard = Events[I].Where.Guard)
      if (const auto *V = dyn_cast_or_null<VarDecl>(
              Guard->isSingleDecl() ? Guard->getSingleDecl() : nullptr))
        ByGuard[V].push_back(I);
  if (!ByGuard.empty())
    for (const CFGBlock *B : *S->Graph) {
      unsigned Index = 0;
      for (const CFGElement &El : *B) {
        if (std::optional<CFGAutomaticObjDtor> D = El.getAs<CFGAutomaticObjDtor>())
          if (auto It = ByGuard.find(D->getVarDecl()); It != ByGuard.end())
            for (unsigned I : It->second)
              Events[I].Positions.push_back({B, Index});
        ++Index;
      }
    }
  llvm::erase_if(Events, [](const CloseEvent &E) { return E.Positions.empty(); });
  if (Events.empty())
    return;

  ChannelStateAnalysis &A = S->Analysis;
  A.Events = &Events;
  for (unsigned I = 0; I < Events.size(); ++I) {
    std::optional<unsigned> C = S->indexOf(Events[I].Channel);
    if (!C) {
      C = S->Channels.size();
      S->Channels.push_back(Events[I].Channel);
    }
    S->ChannelOf.push_back(*C);
  }
  A.NumChannels = S->Channels.size();
  // Renewals first: a statement that makes a new channel and closes it
  // leaves it closed.
  for (unsigned C = 0; C < S->Channels.size(); ++C) {
    const ChannelHandle &H = S->Channels[C];
    for (const ValueDecl *D : {H.Decl, H.Base})
      if (D)
        for (CFGPosition P : renewals(Body, G, D))
          if (const CFGElement *El = elementAt(P))
            A.Effects[El].push_back({C, std::nullopt});
  }
  for (unsigned I = 0; I < Events.size(); ++I)
    for (CFGPosition P : Events[I].Positions)
      if (const CFGElement *El = elementAt(P))
        A.Effects[El].push_back({S->ChannelOf[I], I});
  S->Result = solveForward(*S->Graph, A);
  Complete = S->Result.Complete;
}

llvm::SmallVector<const CloseEvent *, 2>
ChannelStates::closedBefore(CFGPosition At, const ChannelHandle &H, bool *Must) const {
  if (Must)
    *Must = false;
  llvm::SmallVector<const CloseEvent *, 2> Result;
  std::optional<unsigned> C = S->indexOf(H);
  if (!C || !Complete)
    return Result;
  std::optional<States> Before = stateBefore(S->Result, S->Analysis, At);
  if (!Before)
    return Result;
  const ChanState &St = Before->Chans[*C];
  for (unsigned I : St.ClosedBy)
    Result.push_back(&Events[I]);
  if (Must)
    *Must = !St.MayOpen && !Result.empty();
  return Result;
}

const CloseEvent *ChannelStates::surelyClosedBefore(CFGPosition At, bool AtDefinite,
                                                    const ChannelHandle &H) const {
  bool Must = false;
  llvm::SmallVector<const CloseEvent *, 2> Closed = closedBefore(At, H, &Must);
  auto IsAt = [&](const CloseEvent *E) { return llvm::is_contained(E->Positions, At); };
  if (Must)
    for (const CloseEvent *E : Closed)
      if (!IsAt(E))
        return E;
  if (Closed.empty())
    return nullptr;
  if (!S->Dom)
    S->Dom.emplace(*S->Graph);
  for (const CloseEvent *E : Closed) {
    if (IsAt(E))
      continue;
    for (CFGPosition P : E->Positions)
      if ((AtDefinite && S->Dom->postDominates(At, P)) ||
          (E->Definite && S->Dom->dominates(P, At)))
        return E;
  }
  return nullptr;
}

bool ChannelStates::closesAgain(const CloseEvent &C) const {
  for (CFGPosition P : C.Positions)
    if (llvm::is_contained(closedBefore(P, C.Channel), &C))
      return true;
  return false;
}

} // namespace clang::tidy::csp
