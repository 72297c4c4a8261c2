//===--- ZeroWorkersCheck.h - csp-zero-workers ----------------------------===//

#ifndef CSP_TIDY_ZEROWORKERSCHECK_H
#define CSP_TIDY_ZEROWORKERSCHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a pool of workers started in a loop whose count is 0, or comes
/// from a parameter or input and is not checked to be at least 1, when the
/// pool's spawner then sends work the buffer cannot hold: with no worker,
/// nobody receives, and the send blocks forever.
///
/// For the user-facing documentation see docs/checks/zero-workers.md.
class ZeroWorkersCheck : public CspCheck {
public:
  ZeroWorkersCheck(StringRef Name, ClangTidyContext *Context, std::shared_ptr<ModelCache> Cache);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

protected:
  void checkModel(ConcurrencyModel &Model) override;

private:
  NameListOption NonBlocking;
  NameListOption InputFunctions;
  NameListOption ConversionFunctions;
};

} // namespace clang::tidy::csp

#endif
