//===--- SharedCounterRaceCheck.h - csp-shared-counter-race -----------------------===//

#ifndef CSP_TIDY_SHAREDCOUNTERRACECHECK_H
#define CSP_TIDY_SHAREDCOUNTERRACECHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a plain scalar that a task writes, with no lock held, while the
/// same location may be accessed at the same time: by another copy of the
/// task, by another task, or by the code that started it before it has
/// joined or waited for the task. A data race, and lost updates.
///
/// When a task ends, in its spawner, is read from the spawner's CFG: a
/// `join`, `get` or `wait` on its handle or the container it was put in, a
/// handle whose destructor joins (std::jthread, std::async's future), a wait
/// on a wait group the task calls `done` on, a receive from a channel the
/// task sends on or closes.
///
/// For the user-facing documentation see docs/checks/shared-counter-race.md.
class SharedCounterRaceCheck : public CspCheck {
public:
  SharedCounterRaceCheck(StringRef Name, ClangTidyContext *Context,
                         std::shared_ptr<ModelCache> Cache);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

  /// Whether \p FD runs its callable argument once, in mutual exclusion
  /// (OnceFunctions; a join or detach named there too stays a join or detach).
  bool runsOnce(const FunctionDecl *FD) const;

protected:
  void checkModel(ConcurrencyModel &Model) override;

private:
  // Only this check cares which calls run their callable once.
  NameListOption Once;
};

} // namespace clang::tidy::csp

#endif
