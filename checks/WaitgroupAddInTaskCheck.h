//===--- WaitgroupAddInTaskCheck.h - csp-waitgroup-add-in-task -----------===//

#ifndef CSP_TIDY_WAITGROUPADDINTASKCHECK_H
#define CSP_TIDY_WAITGROUPADDINTASKCHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a wait group's `add` called inside the task it is meant to count.
///
/// The task may not have run when the spawner reaches `wait()`, so the
/// counter can still be zero there: `wait()` returns early and the task's
/// work is dropped, or a later `done()` drives the counter negative.
///
/// For the user-facing documentation see docs/checks/waitgroup-add-in-task.md.
class WaitgroupAddInTaskCheck : public CspCheck {
public:
  using CspCheck::CspCheck;

protected:
  void checkModel(ConcurrencyModel &Model) override;

private:
  void report(ConcurrencyModel &Model, const SpawnSite &Spawn, const Op &Add);
};

} // namespace clang::tidy::csp

#endif
