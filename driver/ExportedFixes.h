//===--- ExportedFixes.h - one -export-fixes file from many workers -------===//

#ifndef CSP_TIDY_DRIVER_EXPORTEDFIXES_H
#define CSP_TIDY_DRIVER_EXPORTEDFIXES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace csp_tidy {

/// One clang-tidy fixes YAML (clang-apply-replacements' input) from the
/// ones each file's worker exported: their diagnostics, a header's once.
/// \p MainSourceFile names the file of a single-file run, as clang-tidy's.
llvm::Expected<std::string> mergeExportedFixes(llvm::ArrayRef<std::string> Exported,
                                               llvm::StringRef MainSourceFile);

} // namespace csp_tidy

#endif
