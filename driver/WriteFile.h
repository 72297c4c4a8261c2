//===--- WriteFile.h - replace a file only with a complete new version ----===//

#ifndef CSP_TIDY_DRIVER_WRITEFILE_H
#define CSP_TIDY_DRIVER_WRITEFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace csp_tidy {

/// Writes \p Text to \p Path through a temporary file next to it, so that
/// a failed run never leaves half a report or baseline where the last one was.
llvm::Error writeAtomically(llvm::StringRef Path, llvm::StringRef Text);

} // namespace csp_tidy

#endif
