//===--- CspTidyModule.cpp - the csp clang-tidy module --------------------===//

#include "ChannelNeverClosedCheck.h"
#include "CloseByReceiverCheck.h"
#include "CspCheckBase.h"
#include "DoubleCloseCheck.h"
#include "LockAcrossChannelOpCheck.h"
#include "LoopVariableCaptureCheck.h"
#include "SharedCounterRaceCheck.h"
#include "TaskExceptionEscapeCheck.h"
#include "UncheckedReceiveCheck.h"
#include "WaitgroupAddInTaskCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"

namespace clang::tidy::csp {
namespace {

class CspModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    // One cache per module instance: every csp check of a run shares the
    // analysis of the translation unit being checked.
    auto Cache = std::make_shared<ModelCache>();
    add<ChannelNeverClosedCheck>(Factories, "csp-channel-never-closed", Cache);
    add<CloseByReceiverCheck>(Factories, "csp-close-by-receiver", Cache);
    add<DoubleCloseCheck>(Factories, "csp-double-close", Cache);
    add<LockAcrossChannelOpCheck>(Factories, "csp-lock-across-channel-op", Cache);
    add<LoopVariableCaptureCheck>(Factories, "csp-loop-variable-capture", Cache);
    add<SharedCounterRaceCheck>(Factories, "csp-shared-counter-race", Cache);
    add<TaskExceptionEscapeCheck>(Factories, "csp-task-exception-escape", Cache);
    add<UncheckedReceiveCheck>(Factories, "csp-unchecked-receive", Cache);
    add<WaitgroupAddInTaskCheck>(Factories, "csp-waitgroup-add-in-task", Cache);
  }

private:
  template <typename CheckType>
  static void add(ClangTidyCheckFactories &Factories, StringRef Name,
                  const std::shared_ptr<ModelCache> &Cache) {
    Factories.registerCheckFactory(
        Name, [Cache](StringRef Name, ClangTidyContext *Context) {
          return std::make_unique<CheckType>(Name, Context, Cache);
        });
  }
};

} // namespace

static ClangTidyModuleRegistry::Add<CspModule>
    X("csp-module", "Checks for Go-style concurrency bugs (channels, wait "
                    "groups, tasks).");

} // namespace clang::tidy::csp
