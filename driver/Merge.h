//===--- Merge.h - the findings of a build with the compiler plugin -------===//
//
// A build that loads CspClangPlugin.so with -fplugin-arg-csp-findings=DIR
// leaves one findings file per translation unit in DIR. `csp-tidy --merge
// DIR...` reads them instead of analysing anything, and reports them as a
// run of the driver would: the same deduplication of headers' findings,
// baseline, diff filter, formats and exit status.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_MERGE_H
#define CSP_TIDY_DRIVER_MERGE_H

#include "Findings.h"
#include "GitDiff.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace csp_tidy {

/// Every findings file (`*.json`) in \p Dirs, in the order of their names,
/// one outcome per translation unit. A directory that cannot be read, or a
/// file that is not a findings file, is an error naming it.
llvm::Expected<std::vector<Outcome>> readFindingsFiles(llvm::ArrayRef<std::string> Dirs);

/// The findings of \p Outcomes, sorted, each finding of a header once, and
/// with \p Changed only those new to the change (ChangedLines::isNew, from
/// the bodies the plugin recorded), as the driver's diff filter keeps them.
/// The NOLINT and header counts are added to \p SuppressedByNoLint and
/// \p HiddenInHeaders.
std::vector<Finding> mergeOutcomes(std::vector<Outcome> &Outcomes, const ChangedLines *Changed,
                                   unsigned &SuppressedByNoLint, unsigned &HiddenInHeaders);

/// \p F as the driver prints a finding without its source: the location,
/// the level, the message and the check, then one line per note.
void printFinding(llvm::raw_ostream &OS, const Finding &F);

} // namespace csp_tidy

#endif
