//===--- WriteFile.h - write a report, a baseline or fixes to a path ------===//

#ifndef CSP_TIDY_DRIVER_WRITEFILE_H
#define CSP_TIDY_DRIVER_WRITEFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace csp_tidy {

/// Why \p Path cannot be written to, checked before the analysis so that a
/// bad output path does not cost the whole run: a directory, a file that is
/// read-only (by its mode, which root would otherwise ignore), a directory
/// to create it in that does not exist or cannot be written.
llvm::Error checkWritable(llvm::StringRef Path);

/// Writes \p Text to \p Path. A regular file (a symlink's target for a
/// symlink) is replaced through a temporary file next to it, keeping its
/// mode and owner, so that a failed run never leaves half a report or
/// baseline where the last one was. A device or a FIFO (/dev/stdout, a pipe
/// to another tool) is written to as it is: replacing it would destroy it.
llvm::Error writeOutputFile(llvm::StringRef Path, llvm::StringRef Text);

} // namespace csp_tidy

#endif
