//===--- GitDiff.h - the lines a change touched, for diff-only runs -------===//
//
// Like clang-tidy-diff: in a pre-commit hook or a pull request, report only
// the findings on lines that differ from a git revision. The comparison is
// between the revision and the working tree (staged changes included), which
// needs only the revision's own commit, not the history between: it works
// in shallow clones once that commit is fetched.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_GITDIFF_H
#define CSP_TIDY_DRIVER_GITDIFF_H

#include "Findings.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>

#include <utility>
#include <string>
#include <vector>

namespace csp_tidy {

/// The root of the git repository holding the current directory, spelt as
/// the current directory is (through the same symbolic links); the current
/// directory itself outside a repository or without git.
std::string defaultBaseDir();

/// The files of the git repository holding \p Directory whose content in
/// the index differs from the work tree's, with the staged content: a
/// pre-commit hook analyses what is committed, not what is on disk. Each
/// file is named by its absolute path, once under git's resolved root and
/// once more under \p SpeltRoot when that is the same directory spelt
/// through symbolic links.
llvm::Expected<std::vector<std::pair<std::string, std::string>>>
stagedContents(llvm::StringRef Directory, llvm::StringRef SpeltRoot);

/// The C and C++ sources (by clang's reading of their names) that git's
/// index holds in the repository holding \p Directory, as absolute paths;
/// none outside a repository.
std::vector<std::string> trackedSources(llvm::StringRef Directory);

class ChangedLines {
public:
  /// The lines that differ between \p Revision and the working tree of the
  /// git repository holding \p Directory. Those of \p Named (files named on
  /// the command line) that git does not track yet are new in full.
  /// With \p Staged, between \p Revision and git's index instead (what a
  /// commit would hold), and no file is new for being untracked.
  static llvm::Expected<ChangedLines> against(llvm::StringRef Revision,
                                              llvm::StringRef Directory,
                                              llvm::ArrayRef<std::string> Named,
                                              bool Staged);

  /// Reads `git diff -U0` output; paths are made absolute under \p Root.
  static ChangedLines parse(llvm::StringRef Diff, llvm::StringRef Root);

  /// The driver hands the lines to its workers in this form, so that git
  /// runs once per run, not once per file.
  llvm::json::Value toJSON() const;
  static std::optional<ChangedLines> fromJSON(const llvm::json::Value &V);

  bool contains(llvm::StringRef File, unsigned Line) const;
  /// Whether the change removed or replaced lines of \p File between lines
  /// \p First and \p Last of its new version (both inside the span).
  bool removedWithin(llvm::StringRef File, unsigned First, unsigned Last) const;
  /// Whether \p F is new to the change: one of its locations (the
  /// warning's or a note's) is on a changed line, or the change removed or
  /// replaced lines in the body holding one (Location::Body). The driver's
  /// own runs and --merge decide with this alike.
  bool isNew(const Finding &F) const;
  /// Whether the change removed or replaced any line of \p File.
  bool removesFrom(llvm::StringRef File) const;
  /// Whether \p File has added, changed or removed lines.
  bool touches(llvm::StringRef File) const;
  /// The files with added, changed or removed lines (absolute paths).
  std::vector<std::string> files() const;

private:
  /// Per absolute path: inclusive line ranges of the new version.
  llvm::StringMap<std::vector<std::pair<unsigned, unsigned>>> Ranges;
  /// Per absolute path, where the change took lines away, in lines of the
  /// new version: the lines that replace them, or for a pure deletion the
  /// two lines it lay between (First + 1 == Last, Between set).
  struct Removal {
    unsigned First, Last;
    bool Between;
  };
  llvm::StringMap<std::vector<Removal>> Removals;
};

} // namespace csp_tidy

#endif
