//===--- Baseline.h - accepted findings, so that a gate fails on new ones -===//
//
// A baseline is the list of findings a project has accepted for now, by
// fingerprint: adopting the gate on an old code base does not wait for every
// old finding to be fixed, and a finding that moves because of an edit above
// it stays accepted. Each entry accepts one finding: when the same line is
// flagged twice, a baseline with one entry lets one through and reports the
// other.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_BASELINE_H
#define CSP_TIDY_DRIVER_BASELINE_H

#include "Findings.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

namespace csp_tidy {

class Baseline {
public:
  /// Reads a file written by write(); a clear error when it is missing or is
  /// not one.
  static llvm::Expected<Baseline> read(llvm::StringRef Path);

  /// Writes \p Findings to \p Path through a temporary file, so that an
  /// interrupted write leaves the old baseline in place.
  static llvm::Error write(llvm::StringRef Path, const std::vector<Finding> &Findings,
                           llvm::StringRef BaseDir);

  /// Whether \p F is accepted; each entry accepts one finding.
  bool accepts(const Finding &F);

private:
  llvm::StringMap<unsigned> Remaining;
};

} // namespace csp_tidy

#endif
