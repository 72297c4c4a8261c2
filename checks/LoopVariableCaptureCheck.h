//===--- LoopVariableCaptureCheck.h - csp-loop-variable-capture -----------===//

#ifndef CSP_TIDY_LOOPVARIABLECAPTURECHECK_H
#define CSP_TIDY_LOOPVARIABLECAPTURECHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a loop variable captured by reference by a task started inside the
/// loop, when the task can outlive the iteration.
///
/// The loop goes on while the task runs: the task reads the variable after
/// the loop has advanced it (every task sees the last value, or a mix), races
/// with the increment, and once the loop is over reads a variable that no
/// longer exists. A range-for variable held by value is a new object each
/// iteration, destroyed at its end: the same use after its lifetime.
///
/// For the user-facing documentation see docs/checks/loop-variable-capture.md.
class LoopVariableCaptureCheck : public CspCheck {
public:
  using CspCheck::CspCheck;

protected:
  void checkModel(ConcurrencyModel &Model) override;
};

} // namespace clang::tidy::csp

#endif
