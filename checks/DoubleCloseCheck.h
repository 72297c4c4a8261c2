//===--- DoubleCloseCheck.h - csp-double-close -----------------------===//

#ifndef CSP_TIDY_DOUBLECLOSECHECK_H
#define CSP_TIDY_DOUBLECLOSECHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a channel that one execution can close twice: two closes on one
/// path, a close in a loop, or a closing task started twice (or in a loop)
/// with the same channel. The second close panics ("close of closed
/// channel").
///
/// For the user-facing documentation see docs/checks/double-close.md.
class DoubleCloseCheck : public CspCheck {
public:
  using CspCheck::CspCheck;

protected:
  void checkModel(ConcurrencyModel &Model) override;
};

} // namespace clang::tidy::csp

#endif
