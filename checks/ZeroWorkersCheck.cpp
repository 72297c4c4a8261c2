#include "ZeroWorkersCheck.h"

#include "analysis/BodyFlow.h"
#include "analysis/Bounds.h"
#include "analysis/Drain.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

constexpr const char *InputDefaults = "::getenv;::secure_getenv;::std::getenv";
constexpr const char *ConversionDefaults =
    "::atoi;::atol;::atoll;::strtol;::strtoul;::strtoll;::strtoull;"
    "::std::atoi;::std::atol;::std::atoll;::std::strtol;::std::strtoul;::std::strtoll;"
    "::std::strtoull;::std::stoi;::std::stol;::std::stoll;::std::stoul;::std::stoull";

/// Where a count that can be 0 comes from, through the callers' arguments
/// when it is a parameter.
struct Trace {
  CountOrigin Origin;
  /// The arguments that pass it down, outermost caller last.
  llvm::SmallVector<const Expr *, 2> Passed;
};

/// \p O followed up to the code that gives the value; nullopt when every
/// call seen passes at least 1, or one cannot be judged. A function no call
/// of this file reaches takes whatever its callers give; a lambda's are
/// not known.
std::optional<Trace> traceOrigin(ConcurrencyModel &Model, const CountOrigin &O,
                                 const CountInputs &Inputs, unsigned Depth = 0) {
  if (O.K != CountOrigin::Kind::Parameter)
    return Trace{O, {}};
  const auto *Fn = dyn_cast<FunctionDecl>(O.Param->getDeclContext());
  if (!Fn)
    return std::nullopt;
  if (Fn->isMain())
    return Trace{{CountOrigin::Kind::Input, O.Source, O.Param}, {}};
  bool Incomplete = false;
  llvm::SmallVector<CountAtCall, 2> Calls = countAtCalls(Model, O.Param, Inputs, Incomplete);
  if (Incomplete)
    return std::nullopt;
  if (Calls.empty()) {
    const auto *M = dyn_cast<CXXMethodDecl>(Fn);
    if (M && M->getParent()->isLambda())
      return std::nullopt;
    return Trace{O, {}};
  }
  for (const CountAtCall &C : Calls) {
    if (C.Facts.AtLeastOne || !C.Facts.Origin || Depth >= 3)
      continue;
    if (std::optional<Trace> T = traceOrigin(Model, C.Facts.Origin, Inputs, Depth + 1)) {
      T->Passed.insert(T->Passed.begin(), C.Arg);
      return T;
    }
  }
  return std::nullopt;
}

} // namespace

ZeroWorkersCheck::ZeroWorkersCheck(StringRef Name, ClangTidyContext *Context,
                                   std::shared_ptr<ModelCache> Cache)
    : CspCheck(Name, Context, std::move(Cache)),
      NonBlocking(Options, "NonBlockingFunctions", DrainNonBlockingDefaults),
      InputFunctions(Options, "InputFunctions", InputDefaults),
      ConversionFunctions(Options, "ConversionFunctions", ConversionDefaults) {}

void ZeroWorkersCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  CspCheck::storeOptions(Opts);
  NonBlocking.store(Opts, Options);
  InputFunctions.store(Opts, Options);
  ConversionFunctions.store(Opts, Options);
}

void ZeroWorkersCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  auto Blocks = [&](const Op &O) { return blocksUnless(Model, O, NonBlocking); };
  auto Reads = [&](const FunctionDecl *FD) { return InputFunctions.contains(FD); };
  auto Converts = [&](const FunctionDecl *FD) { return ConversionFunctions.contains(FD); };
  const CountInputs Inputs{Reads, Converts};
  // A class template's instantiations repeat the pattern's pools.
  llvm::DenseSet<SourceLocation> Reported;

  for (const FunctionDecl *Body : Model.bodies()) {
    // The pools: the spawns of a loop that runs a counted number of times.
    llvm::SmallVector<std::pair<const Stmt *, llvm::SmallVector<const SpawnSite *, 2>>, 1> Pools;
    for (const SpawnSite *S : spawnsIn(Model, Body)) {
      const Stmt *Loop = Model.enclosingLoop(S->Site, Body);
      if (!Loop || !loopCountExpr(Loop))
        continue;
      auto It = llvm::find_if(Pools, [&](const auto &P) { return P.first == Loop; });
      if (It == Pools.end())
        Pools.push_back({Loop, {S}});
      else
        It->second.push_back(S);
    }
    for (const auto &[Loop, Workers] : Pools) {
      const Expr *Count = loopCountExpr(Loop);
      SourceLocation Loc = Count->getBeginLoc();
      if (!reportable(Ctx, Loc) || Reported.contains(Loc))
        continue;
      for (const LocalChannel &C : channelsReceivedBy(Model, Workers)) {
        if (C.Maker != Body || !C.Capacity || !receivesOf(Model, C).Own.empty() ||
            !receivedOnlyBy(Model, C, Workers))
          continue;
        // The spawner's own sends after the pool is started wait for a
        // worker when the buffer cannot hold them all.
        Sends Own = sendsOn(Model, C, {}, Blocks, /*Own=*/true);
        const uint64_t Cap = *C.Capacity;
        if (Cap > 0 && !surelyMoreThan(Own.Total, Cap))
          continue;
        std::optional<CountFacts> AtLoop = countAt(Model, Body, Count, Loop, Inputs);
        if (!AtLoop || AtLoop->AtLeastOne || !AtLoop->Origin)
          continue;
        std::optional<Trace> T = traceOrigin(Model, AtLoop->Origin, Inputs);
        if (!T)
          continue;
        // A send that only runs under what chose the count (the flag that
        // made it 0, the items whose absence did, the count itself) may
        // never run when it is 0.
        const auto Decided = decidedBy(Model, Body, Count, AtLoop->Origin);
        const BodyCFG &G = Model.flowGraphOf(Body);
        const Op *After = nullptr;
        for (const SendSite &S : Own.Sites) {
          const Stmt *Anchor = place(Model, Body, S.Send->Site, &G).Anchor;
          if (!Anchor || !G.reaches(Loop, Anchor) ||
              llvm::any_of(guardsOf(Model, Body, S.Send->Site),
                           [&](const ValueDecl *D) { return llvm::is_contained(Decided, D); }))
            continue;
          After = S.Send;
          break;
        }
        // One solve per pool: a check between the pool and its first send
        // covers the sends after it.
        std::optional<CountFacts> AtSend;
        if (After)
          AtSend = countAt(Model, Body, Count, After->Site, Inputs);
        if (!AtSend || AtSend->AtLeastOne)
          continue;
        Reported.insert(Loc);
        diag(Loc, "the pool's worker count can be 0 (%select{it is 0 on some path|it comes "
                  "from a parameter|it comes from input}0 and is not checked to be at least "
                  "1): with no worker, %select{a send on unbuffered channel '%2' blocks|the "
                  "sends on channel '%2' beyond the %3 it holds block}1 forever")
            << (T->Origin.K == CountOrigin::Kind::Zero      ? 0
                : T->Origin.K == CountOrigin::Kind::Parameter ? 1
                                                              : 2)
            << (Cap > 0) << C.Var->getName() << unsigned(Cap);
        for (const Expr *Arg : T->Passed)
          diag(Arg->getBeginLoc(), "a caller passes the count here", DiagnosticIDs::Note);
        if (T->Origin.K == CountOrigin::Kind::Zero)
          diag(T->Origin.Source->getBeginLoc(), "the count is 0 here", DiagnosticIDs::Note);
        else if (T->Origin.K == CountOrigin::Kind::Parameter)
          diag(T->Origin.Param->getLocation(), "the count comes from parameter '%0'; check that it is "
                                               "at least 1 before starting the pool, or clamp "
                                               "it with std::max",
               DiagnosticIDs::Note)
              << T->Origin.Param->getName();
        else
          diag(T->Origin.Source ? T->Origin.Source->getBeginLoc() : T->Origin.Param->getLocation(),
               "the count is read here; check that it is at least 1 before starting the pool, "
               "or clamp it with std::max",
               DiagnosticIDs::Note);
        diag(After->Site->getBeginLoc(), "the work is sent here", DiagnosticIDs::Note);
        break;
      }
    }
  }
}

} // namespace clang::tidy::csp
