#include "SendOnReceiveSideCheck.h"

#include "analysis/Feedback.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace clang::tidy::csp {

SendOnReceiveSideCheck::SendOnReceiveSideCheck(StringRef Name, ClangTidyContext *Context,
                                               std::shared_ptr<ModelCache> Cache)
    : CspCheck(Name, Context, std::move(Cache)),
      NonBlocking(Options, "NonBlockingFunctions", DrainNonBlockingDefaults) {}

void SendOnReceiveSideCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  CspCheck::storeOptions(Opts);
  NonBlocking.store(Opts, Options);
}

void SendOnReceiveSideCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();

  // The code tasks run: each task's body, and the helpers it operates on
  // channels through; each with the tasks that run it.
  llvm::DenseMap<const FunctionDecl *, llvm::SmallPtrSet<const FunctionDecl *, 2>> RunBy;
  for (const SpawnSite &S : Model.spawns()) {
    if (!S.Task)
      continue;
    RunBy[S.Task.Fn].insert(S.Task.Fn);
    for (const Op &O : Model.factsOf(S.Task.Fn).Ops)
      if (O.Via)
        RunBy[O.Via].insert(S.Task.Fn);
  }

  auto Blocks = [&](const Op &O) { return blocksUnless(Model, O, NonBlocking); };
  llvm::DenseSet<SourceLocation> Reported;
  for (const FunctionDecl *Body : Model.bodies()) {
    auto Tasks = RunBy.find(Body);
    if (Tasks == RunBy.end())
      continue;
    for (const FeedbackLoop &Loop : feedbackLoops(Model, Body, Blocks)) {
      const Op &Send = *Loop.Send;
      const ValueDecl *Channel = Send.Object;
      SourceLocation Where = Send.Site->getBeginLoc();
      if (!reportable(Ctx, Where) || Reported.contains(Where))
        continue;
      // Only a channel whose every user is in sight: who made it, and who
      // else receives from it.
      const ChannelInfo *Info = Model.channel(Channel);
      if (!Info || !Info->MadeAt || Info->Escapes)
        continue;
      // A task that makes or closes the channel owns it: its queue of its
      // own work, not a direction mistake.
      auto Owns = [&](const FunctionDecl *Fn) {
        return (Info->MadeAs && ConcurrencyModel::declaredWithin(Info->MadeAs, Fn)) ||
               llvm::any_of(Model.factsOf(Fn).Ops, [&](const Op &O) {
                 return isClose(O.Kind) && Model.sameChannel(O.Object, Channel);
               });
      };
      if (Owns(Body) || llvm::any_of(Tasks->second, Owns))
        continue;
      // Another receiver can drain what the loop puts back.
      if (receivedElsewhere(Model, Body, Channel))
        continue;

      Reported.insert(Where);
      diag(Where, "the task sends into channel '%0' for every value it receives from "
                  "it: the channel never drains, and once every task that receives "
                  "from it is blocked in this send, nothing receives")
          << Channel->getName();
      if (Send.Via)
        diag(Send.Via->getLocation(), "'%0' sends into the channel", DiagnosticIDs::Note)
            << displayName(Send.Via);
      diag(Loop.Receive->Site->getBeginLoc(),
           "the task receives from the channel here, on every iteration", DiagnosticIDs::Note);

      std::string View = receiveOnlyViewType(Model, Channel->getType());
      if (View.empty())
        continue;
      // The parameter can take the view unless its own function sends on
      // it or closes it outside the task.
      const auto *Param = dyn_cast<ParmVarDecl>(Channel);
      const auto *Owner = Param ? dyn_cast<FunctionDecl>(Param->getDeclContext()) : nullptr;
      if (Owner && Owner != Body &&
          llvm::any_of(Model.factsOf(Owner).Ops, [&](const Op &O) {
            return (O.Kind == Role::ChannelSend || isClose(O.Kind)) && O.Object == Param;
          }))
        Owner = nullptr;
      if (Owner)
        diag(Channel->getLocation(),
             "declare '%0' as '%1' so that a send into it does not compile",
             DiagnosticIDs::Note)
            << Channel->getName() << View;
      else
        diag(Channel->getLocation(),
             "give the task a '%1' view of '%0' so that a send into it does not compile",
             DiagnosticIDs::Note)
            << Channel->getName() << View;
    }
  }
}

} // namespace clang::tidy::csp
