//===--- CheckDocs.h - the checks' pages, embedded in the driver ---------===//
//
// docs/checks/<name>.md for every csp check, compiled in: SARIF reports carry
// them as rule help and `csp-tidy --explain` prints them, so that what the
// tool says about a check is the page, with no browser and no docs checkout.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_CHECKDOCS_H
#define CSP_TIDY_DRIVER_CHECKDOCS_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <vector>

namespace csp_tidy {

/// The Markdown page of check \p Check ("csp-double-close"), if it has one.
std::optional<llvm::StringRef> checkDoc(llvm::StringRef Check);
/// The checks that have a page, in the order of docs/checks/.
std::vector<llvm::StringRef> documentedChecks();

} // namespace csp_tidy

#endif
