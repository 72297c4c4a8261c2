//===--- LockAcrossChannelOpCheck.h - csp-lock-across-channel-op ----------===//

#ifndef CSP_TIDY_LOCKACROSSCHANNELOPCHECK_H
#define CSP_TIDY_LOCKACROSSCHANNELOPCHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a blocking channel operation, wait-group wait or join made while a
/// mutex is held, when the task on the other side of it locks the same
/// mutex.
///
/// The operation waits for the other task (to receive, to send, to call
/// done, to end); the other task waits for the mutex; neither moves.
///
/// For the user-facing documentation see docs/checks/lock-across-channel-op.md.
class LockAcrossChannelOpCheck : public CspCheck {
public:
  LockAcrossChannelOpCheck(StringRef Name, ClangTidyContext *Context,
                           std::shared_ptr<ModelCache> Cache);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

protected:
  void checkModel(ConcurrencyModel &Model) override;

private:
  bool blocks(ConcurrencyModel &Model, const Op &O) const;

  NameListOption NonBlocking;
};

} // namespace clang::tidy::csp

#endif
