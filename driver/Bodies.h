//===--- Bodies.h - the function bodies the diff filter reasons about -----===//
//
// The diff filter takes a finding as new when the change removed lines in
// the function body holding any of its locations (a deleted close() makes
// a never-closed loop elsewhere in the function a finding). Only the AST
// knows where bodies begin and end: the driver records them in the parse
// the checks run on, and the compiler plugin in its compile, into the
// findings' locations (Location::Body), so that a diff over a driver run and
// one over a build's findings files decide alike (ChangedLines::isNew).
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_BODIES_H
#define CSP_TIDY_DRIVER_BODIES_H

#include "Findings.h"

#include "clang/AST/ASTContext.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace csp_tidy {

/// Per file (its real path): the line spans of every function and lambda
/// definition in it.
class FunctionBodies {
public:
  void add(llvm::StringRef File, unsigned First, unsigned Last);
  /// The outermost definition holding \p Line of \p File: a task's lambda
  /// and the function spawning it count as one body, since a change to
  /// either can make a finding in the other.
  std::optional<std::pair<unsigned, unsigned>> outermost(llvm::StringRef File,
                                                         unsigned Line) const;
  /// Sets the Body of \p F's location and of its notes' to the outermost
  /// recorded definition holding each.
  void fill(Finding &F) const;

private:
  llvm::StringMap<std::vector<std::pair<unsigned, unsigned>>> Spans;
};

/// Adds to \p Bodies the definitions in the files of \p Ctx's translation
/// unit that \p Want accepts (given real paths); the others are not walked.
void recordBodies(clang::ASTContext &Ctx, const std::function<bool(llvm::StringRef)> &Want,
                  FunctionBodies &Bodies);

} // namespace csp_tidy

#endif
