//===--- UncheckedReceiveCheck.h - csp-unchecked-receive -----------------------===//

#ifndef CSP_TIDY_UNCHECKEDRECEIVECHECK_H
#define CSP_TIDY_UNCHECKEDRECEIVECHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a receive in an endless loop that ignores whether its channel is
/// closed (`recv()`, or a `recv_case` handler taking only the value) on a
/// channel that is closed somewhere. After the close the loop receives zero
/// values, as fast as it can, forever.
///
/// For the user-facing documentation see docs/checks/unchecked-receive.md.
class UncheckedReceiveCheck : public CspCheck {
public:
  using CspCheck::CspCheck;

protected:
  void checkModel(ConcurrencyModel &Model) override;
};

} // namespace clang::tidy::csp

#endif
