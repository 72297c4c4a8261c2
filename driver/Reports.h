//===--- Reports.h - findings as JSON, SARIF 2.1.0 and Code Climate -------===//
//
// Machine-readable forms of a run for CI: the driver's own JSON, SARIF 2.1.0
// for GitHub code scanning, and the Code Climate subset that GitLab reads as
// a code quality report. Paths are made relative to a base directory (the
// repository root in CI) so that the reports do not depend on the checkout.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_REPORTS_H
#define CSP_TIDY_DRIVER_REPORTS_H

#include "Findings.h"

#include "llvm/Support/raw_ostream.h"

namespace csp_tidy {

/// A file that could not be analysed, and why.
struct Failure {
  std::string File;
  std::string Reason;
};

struct Run {
  std::vector<Finding> Findings; // sorted, without duplicates
  std::vector<Failure> Failures;
  std::vector<std::string> EnabledChecks;
  std::string BaseDir; // absolute
  unsigned Baselined = 0;
  /// Where docs/ is published, for rule help links; empty when it is not.
  std::string DocsURL;
};

void writeJSON(llvm::raw_ostream &OS, const Run &R);
void writeSARIF(llvm::raw_ostream &OS, const Run &R);
void writeCodeClimate(llvm::raw_ostream &OS, const Run &R);

} // namespace csp_tidy

#endif
