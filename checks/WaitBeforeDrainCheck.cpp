#include "WaitBeforeDrainCheck.h"

#include "analysis/Drain.h"
#include "analysis/Tasks.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

WaitBeforeDrainCheck::WaitBeforeDrainCheck(StringRef Name, ClangTidyContext *Context,
                                           std::shared_ptr<ModelCache> Cache)
    : CspCheck(Name, Context, std::move(Cache)),
      NonBlocking(Options, "NonBlockingFunctions", DrainNonBlockingDefaults) {}

void WaitBeforeDrainCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  CspCheck::storeOptions(Opts);
  NonBlocking.store(Opts, Options);
}

void WaitBeforeDrainCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  auto Blocks = [&](const Op &O) { return blocksUnless(Model, O, NonBlocking); };
  // A class template's instantiations repeat the pattern's waits.
  llvm::DenseSet<SourceLocation> Reported;

  for (const FunctionDecl *Body : Model.bodies()) {
    for (const Op &Wait : Model.factsOf(Body).Ops) {
      if (Wait.Kind != Role::WaitGroupWait && Wait.Kind != Role::TaskJoin)
        continue;
      SourceLocation Loc = Wait.Site->getBeginLoc();
      if (Reported.contains(Loc) || !reportable(Ctx, Loc))
        continue;
      // Only the body that started the tasks waits for them here; a closer
      // task that waits and then closes the channel starts none.
      llvm::SmallVector<const SpawnSite *, 4> Waited = Model.tasks().waitedFor(Body, Wait.Site);
      if (Waited.empty())
        continue;

      for (const LocalChannel &C : channelsSentOnBy(Model, Waited)) {
        if (!C.Capacity)
          continue;
        Sends Sent = sendsOn(Model, C, Waited, Blocks, /*Own=*/false, &Wait);
        // Unbuffered, one send blocks; a buffer must be known too small.
        if (Sent.Sites.empty() || (*C.Capacity > 0 && !surelyMoreThan(Sent.Total, *C.Capacity)))
          continue;
        Receives R = receivesOf(Model, C);
        if (R.Elsewhere || receivedBefore(Model, C, R, Wait.Site))
          continue;
        const Op *Later = receivedAfter(Model, C, R, Wait.Site);
        if (!Later)
          continue;

        Reported.insert(Loc);
        bool Join = Wait.Kind == Role::TaskJoin;
        if (*C.Capacity == 0)
          diag(Loc, "this %select{wait|join}0 never returns: the tasks it waits for send on "
                    "unbuffered channel '%1', which is received from only after it, so "
                    "their first send blocks")
              << Join << C.Var->getName();
        else
          diag(Loc, "this %select{wait|join}0 never returns: the tasks it waits for send %1 "
                    "values on channel '%2', which holds %3 and is received from only after "
                    "it, so the sends beyond %3 block")
              << Join << unsigned(Sent.Total.Value) << C.Var->getName()
              << unsigned(*C.Capacity);
        diag(Sent.Sites.front().Send->Site->getBeginLoc(), "a task sends on it here",
             DiagnosticIDs::Note);
        diag(Later->Site->getBeginLoc(),
             "the results are received here; receive them while the tasks run: wait in a "
             "task of its own that closes the channel afterwards",
             DiagnosticIDs::Note);
        break;
      }
    }
  }
}

} // namespace clang::tidy::csp
