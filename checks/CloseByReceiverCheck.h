//===--- CloseByReceiverCheck.h - csp-close-by-receiver -----------------------===//

#ifndef CSP_TIDY_CLOSEBYRECEIVERCHECK_H
#define CSP_TIDY_CLOSEBYRECEIVERCHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a channel closed by code that receives from it and never sends to
/// it. Closing belongs to the sender: a receiver that closes makes the
/// senders' next send panic ("send on closed channel"), and the owner's
/// own close panic ("close of closed channel").
///
/// For the user-facing documentation see docs/checks/close-by-receiver.md.
class CloseByReceiverCheck : public CspCheck {
public:
  using CspCheck::CspCheck;

protected:
  void checkModel(ConcurrencyModel &Model) override;
};

} // namespace clang::tidy::csp

#endif
