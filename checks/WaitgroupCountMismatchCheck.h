//===--- WaitgroupCountMismatchCheck.h - csp-waitgroup-count-mismatch ---------===//

#ifndef CSP_TIDY_WAITGROUPCOUNTMISMATCHCHECK_H
#define CSP_TIDY_WAITGROUPCOUNTMISMATCHCHECK_H

#include "CspCheckBase.h"

#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

/// Finds a wait group whose `add` calls count a different number of `done`
/// calls than the tasks it is meant for make: a constant against a
/// constant number of tasks, an `add` for a whole loop that can skip a
/// spawn, a task that calls `done` twice, a task started before the `add`,
/// a `wait` inside the loop for a count added before it. Too many `done`
/// calls panic ("negative WaitGroup counter"); too few hang `wait`.
///
/// For the user-facing documentation see docs/checks/waitgroup-count-mismatch.md.
class WaitgroupCountMismatchCheck : public CspCheck {
public:
  using CspCheck::CspCheck;

protected:
  void checkModel(ConcurrencyModel &Model) override;

private:
  void checkGroup(ConcurrencyModel &Model, const FunctionDecl *Body, const ObjectPath &WG,
                  llvm::DenseSet<SourceLocation> &Reported);
};

} // namespace clang::tidy::csp

#endif
