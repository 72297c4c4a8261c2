//===--- Baseline.h - accepted findings, so that a gate fails on new ones -===//
//
// A baseline is the list of findings a project has accepted for now:
// adopting the gate on an old code base does not wait for every old finding
// to be fixed. An entry is matched by the finding's code, not by its place
// or wording (see fingerprint() and codeHash() in Findings.h), so that it
// survives the edits code goes through: lines added above it, reindenting,
// a line edited next to it, the file renamed or moved, the check's message
// reworded by a newer csp-tidy. Each entry accepts one finding: when the
// same code is flagged twice, a baseline with one entry lets one through and
// reports the other.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_BASELINE_H
#define CSP_TIDY_DRIVER_BASELINE_H

#include "Findings.h"

#include "llvm/Support/Error.h"

namespace csp_tidy {

class Baseline {
public:
  struct Entry {
    std::string Fingerprint, CodeHash;
    // For the reader, and for the stale-entry report: the finding as it was.
    std::string Check, File, Message; // File relative to the base directory
    unsigned Line = 0;
    bool Used = false;
  };

  /// Reads a file written by write(); a clear error when it is missing or is
  /// not one. \p BaseDir is what the entries' files are relative to.
  static llvm::Expected<Baseline> read(llvm::StringRef Path, llvm::StringRef BaseDir);

  /// Writes \p Findings to \p Path through a temporary file, so that an
  /// interrupted write leaves the old baseline in place.
  static llvm::Error write(llvm::StringRef Path, const std::vector<Finding> &Findings,
                           llvm::StringRef BaseDir);

  /// Which of \p Findings are accepted, each by an entry not used before.
  /// Exact fingerprints are matched first, then the code without its
  /// neighbours; an entry matches in its own file, or in any file once its
  /// own is gone (renamed or moved).
  std::vector<bool> accept(llvm::ArrayRef<Finding> Findings);

  /// The entries no finding has used so far.
  std::vector<const Entry *> unused() const;

  /// Rewrites \p Path with the used entries only.
  llvm::Error writeUsed(llvm::StringRef Path) const;

private:
  std::vector<Entry> Entries;
  std::string BaseDir;
};

} // namespace csp_tidy

#endif
