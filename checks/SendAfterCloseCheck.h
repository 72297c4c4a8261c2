//===--- SendAfterCloseCheck.h - csp-send-after-close -------------------------===//

#ifndef CSP_TIDY_SENDAFTERCLOSECHECK_H
#define CSP_TIDY_SENDAFTERCLOSECHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a send that can run after its channel was closed, which panics
/// ("send on closed channel"): on one path of one body (a close, then a
/// send), and across tasks: a body that closes a channel while a task it
/// started may still send on it, a task that closes a channel while its
/// spawner or a sibling task may still send, with no join, wait or receive
/// ordering the close after the sends.
///
/// For the user-facing documentation see docs/checks/send-after-close.md.
class SendAfterCloseCheck : public CspCheck {
public:
  using CspCheck::CspCheck;

protected:
  void checkModel(ConcurrencyModel &Model) override;
};

} // namespace clang::tidy::csp

#endif
