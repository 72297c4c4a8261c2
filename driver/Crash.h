//===--- Crash.h - what a crashed worker's stack dump says ----------------===//

#ifndef CSP_TIDY_DRIVER_CRASH_H
#define CSP_TIDY_DRIVER_CRASH_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace csp_tidy {

/// Why a worker that died of a signal failed, for its file's
/// `csp-tidy: error:` line: "internal error in <check>" when LLVM's stack
/// dump in its stderr \p Err shows the AST matcher running that check, else
/// what the dump says the front end was doing. \p Signal is
/// ExecuteAndWait's account of how the process ended ("Segmentation fault").
std::string describeCrash(llvm::StringRef Err, llvm::StringRef Signal);

} // namespace csp_tidy

#endif
