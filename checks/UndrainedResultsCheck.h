//===--- UndrainedResultsCheck.h - csp-undrained-results ------------------===//

#ifndef CSP_TIDY_UNDRAINEDRESULTSCHECK_H
#define CSP_TIDY_UNDRAINEDRESULTSCHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a channel on which more values are sent than its buffer holds and
/// its receivers take: nobody receives from it, fewer receives than sends, a
/// select that can take another case instead of the only receive, a caller
/// that drops the channel a helper returns, or a send on a fresh channel
/// before the function hands it out. The extra sends block forever: the
/// tasks that make them never end, and a wait for them hangs.
///
/// For the user-facing documentation see docs/checks/undrained-results.md.
class UndrainedResultsCheck : public CspCheck {
public:
  UndrainedResultsCheck(StringRef Name, ClangTidyContext *Context,
                        std::shared_ptr<ModelCache> Cache);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

protected:
  void checkModel(ConcurrencyModel &Model) override;

private:
  NameListOption NonBlocking;
};

} // namespace clang::tidy::csp

#endif
