//===--- SharedCounterRaceCheck.h - csp-shared-counter-race -----------------------===//

#ifndef CSP_TIDY_SHAREDCOUNTERRACECHECK_H
#define CSP_TIDY_SHAREDCOUNTERRACECHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a variable shared by reference between tasks that run at the same
/// time, written by one of them with no lock held and no atomic type: a data
/// race, and lost updates.
///
/// For the user-facing documentation see docs/checks/shared-counter-race.md.
class SharedCounterRaceCheck : public CspCheck {
public:
  using CspCheck::CspCheck;

protected:
  void checkModel(ConcurrencyModel &Model) override;
};

} // namespace clang::tidy::csp

#endif
