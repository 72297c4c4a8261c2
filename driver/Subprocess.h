//===--- Subprocess.h - run a program and keep what it printed -----------===//

#ifndef CSP_TIDY_DRIVER_SUBPROCESS_H
#define CSP_TIDY_DRIVER_SUBPROCESS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace csp_tidy {

struct Captured {
  /// The exit status; negative when the program could not be started or
  /// was killed by a signal (ExecuteAndWait's convention).
  int Status = -1;
  std::string Out;
  std::string Err;
  /// Why the program did not run or did not finish.
  std::string Failure;
  /// False when the program could not be started at all.
  bool Started = true;
};

/// From now on, SIGINT, SIGTERM, SIGHUP and SIGUSR2 end the process as they
/// would have, after removing the temporary files (RemoveFileOnSignal's);
/// while a DeferredInterrupts lives, they are instead passed on to the
/// children runCaptured is waiting for, no child is started any more, and
/// the code that deferred them winds down and calls endBySignal: an
/// interrupted driver leaves no worker running and no file behind.
void forwardInterruptsToChildren();

/// The signal that interrupted the process, or 0.
int interruption();

struct DeferredInterrupts {
  DeferredInterrupts();
  ~DeferredInterrupts();
};

/// Removes the temporary files and ends the process by \p Signal.
[[noreturn]] void endBySignal(int Signal);

/// Runs \p Program with \p Args (Args[0] is the program's name) and waits;
/// stdout and stderr go through temporary files so that a program printing
/// a lot cannot block on a full pipe.
Captured runCaptured(llvm::StringRef Program, llvm::ArrayRef<llvm::StringRef> Args);

} // namespace csp_tidy

#endif
