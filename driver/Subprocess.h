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

/// Runs \p Program with \p Args (Args[0] is the program's name) and waits;
/// stdout and stderr go through temporary files so that a program printing
/// a lot cannot block on a full pipe.
Captured runCaptured(llvm::StringRef Program, llvm::ArrayRef<llvm::StringRef> Args);

} // namespace csp_tidy

#endif
