//===--- SendOnReceiveSideCheck.h - csp-send-on-receive-side ----------------===//

#ifndef CSP_TIDY_SENDONRECEIVESIDECHECK_H
#define CSP_TIDY_SENDONRECEIVESIDECHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a task that receives from a channel in a loop and, on every
/// value, sends into that same channel with a send that waits: the mistake
/// Go's `<-chan T` parameters turn into a compile error. Every value taken
/// goes back, so the channel never drains, and once every receiver is
/// blocked in its send nothing receives.
///
/// For the user-facing documentation see docs/checks/send-on-receive-side.md.
class SendOnReceiveSideCheck : public CspCheck {
public:
  SendOnReceiveSideCheck(StringRef Name, ClangTidyContext *Context,
                         std::shared_ptr<ModelCache> Cache);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

protected:
  void checkModel(ConcurrencyModel &Model) override;

private:
  NameListOption NonBlocking;
};

} // namespace clang::tidy::csp

#endif
