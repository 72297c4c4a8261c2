#include "UndrainedResultsCheck.h"

#include "analysis/Drain.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

UndrainedResultsCheck::UndrainedResultsCheck(StringRef Name, ClangTidyContext *Context,
                                             std::shared_ptr<ModelCache> Cache)
    : CspCheck(Name, Context, std::move(Cache)),
      NonBlocking(Options, "NonBlockingFunctions", DrainNonBlockingDefaults) {}

void UndrainedResultsCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  CspCheck::storeOptions(Opts);
  NonBlocking.store(Opts, Options);
}

void UndrainedResultsCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  auto Blocks = [&](const Op &O) { return blocksUnless(Model, O, NonBlocking); };
  llvm::DenseSet<const VarDecl *> Seen;
  // A class template's instantiations repeat the pattern's findings.
  llvm::DenseSet<SourceLocation> Reported;
  auto Report = [&](SourceLocation Loc) {
    return reportable(Ctx, Loc) && Reported.insert(Loc).second;
  };
  auto NoteSend = [&](const SendSite &S) {
    diag(S.Send->Site->getBeginLoc(), S.Spawn ? "a task sends on it here" : "it is sent on here",
         DiagnosticIDs::Note);
  };

  for (const PlacedOp &P : Model.operations()) {
    if (P.Operation.Kind != Role::ChannelSend)
      continue;
    const ChannelInfo *Info = Model.channel(P.Operation.Object);
    std::optional<LocalChannel> C =
        Info ? localChannel(Model, Info->MadeAs, /*AllowReturned=*/true) : std::nullopt;
    if (!C || !C->Capacity || !Seen.insert(C->Var).second)
      continue;
    Receives R = receivesOf(Model, *C);
    if (R.Elsewhere)
      continue;
    const uint64_t Cap = *C->Capacity;
    llvm::StringRef Name = C->Var->getName();

    if (C->Returned) {
      // What the callers do with it is theirs, unless the maker blocks in
      // its own send before it returns, or a caller drops it.
      if (!R.Own.empty())
        continue;
      Sends Own = sendsOn(Model, *C, {}, Blocks, /*Own=*/true);
      if (!Own.Sites.empty() && (Cap == 0 || surelyMoreThan(Own.Total, Cap))) {
        SourceLocation Loc = Own.Sites.front().Send->Site->getBeginLoc();
        if (Report(Loc))
          diag(Loc, "this send blocks forever: nobody can receive from channel '%0' before "
                    "this function returns it, and %select{it is unbuffered|its buffer is "
                    "full}1")
              << Name << (Cap > 0);
        continue;
      }
      Sends Tasks = sendsOn(Model, *C, spawnsIn(Model, C->Maker), Blocks);
      if (Tasks.Sites.empty() || (Cap > 0 && !surelyMoreThan(Tasks.Total, Cap)))
        continue;
      for (const CallExpr *Call : droppedCalls(Model, C->Maker)) {
        if (!Report(Call->getBeginLoc()))
          continue;
        diag(Call->getBeginLoc(), "the channel '%0' returns is dropped here: nobody receives "
                                  "from it, so the task it starts blocks forever in its send")
            << C->Maker->getName();
        NoteSend(Tasks.Sites.front());
      }
      continue;
    }

    Taken T = taken(Model, *C, R, Blocks);
    if (T.All)
      continue;
    Sends S = sendsOn(Model, *C, spawnsIn(Model, C->Maker), Blocks, /*Own=*/true);
    if (S.Sites.empty())
      continue;

    if (R.Own.empty()) {
      // Nobody receives: unbuffered, any send blocks.
      if (Cap > 0 && !surelyMoreThan(S.Total, Cap))
        continue;
      SourceLocation Loc = C->Var->getLocation();
      if (!Report(Loc))
        continue;
      if (Cap == 0)
        diag(Loc, "nobody receives from unbuffered channel '%0': every send on it blocks "
                  "forever, and a task that sends on it never ends")
            << Name;
      else
        diag(Loc, "nobody receives from channel '%0', which holds %1 of the %2 values sent "
                  "on it: the sends beyond %1 block forever, and the tasks that make them "
                  "never end")
            << Name << unsigned(Cap) << unsigned(S.Total.Value);
      NoteSend(S.Sites.front());
      continue;
    }

    if (T.AtLeast.K != Count::Kind::Constant || !surelyMoreThan(S.Total, Cap + T.AtLeast.Value))
      continue;
    const uint64_t Sent = S.Total.Value, Received = T.AtLeast.Value;
    const uint64_t Blocked = Sent - Received - Cap;
    if (T.Skippable) {
      SourceLocation Loc = T.Skippable->Site->getBeginLoc();
      if (!Report(Loc))
        continue;
      diag(Loc, "when this select takes another case, nothing more is received from channel "
                "'%0' and %1 %select{send on it blocks|sends on it block}2 forever; give the "
                "channel room for %3 %select{value|values}4")
          << Name << unsigned(Blocked) << (Blocked > 1) << unsigned(Sent - Received)
          << (Sent - Received > 1);
      NoteSend(S.Sites.front());
      continue;
    }
    SourceLocation Loc = C->Var->getLocation();
    if (!Report(Loc))
      continue;
    diag(Loc, "%0 values are sent on channel '%1' but only %2 received, and %select{it is "
              "unbuffered|it holds %4}3: %5 %select{send blocks|sends block}6 forever, and "
              "%select{the task that makes it never ends|the tasks that make them never "
              "end}6")
        << unsigned(Sent) << Name << unsigned(Received) << (Cap > 0) << unsigned(Cap)
        << unsigned(Blocked) << (Blocked > 1);
    NoteSend(S.Sites.front());
    diag(R.Own.front()->Site->getBeginLoc(), "it is received from here", DiagnosticIDs::Note);
  }
}

} // namespace clang::tidy::csp
