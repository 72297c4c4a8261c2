//===--- WaitBeforeDrainCheck.h - csp-wait-before-drain -------------------===//

#ifndef CSP_TIDY_WAITBEFOREDRAINCHECK_H
#define CSP_TIDY_WAITBEFOREDRAINCHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a wait (a wait group's wait, a join, an error group's wait) for
/// tasks that send results on a channel which the waiting code receives
/// from only after the wait, when the buffer cannot hold every result: the
/// tasks block in their sends, and the wait never returns.
///
/// For the user-facing documentation see docs/checks/wait-before-drain.md.
class WaitBeforeDrainCheck : public CspCheck {
public:
  WaitBeforeDrainCheck(StringRef Name, ClangTidyContext *Context,
                       std::shared_ptr<ModelCache> Cache);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

protected:
  void checkModel(ConcurrencyModel &Model) override;

private:
  NameListOption NonBlocking;
};

} // namespace clang::tidy::csp

#endif
