//===--- TidyRun.h - clang-tidy's run, with the function bodies it parsed -===//
//
// The diff filter takes a finding as new when the change removed lines in
// the function body holding any of its locations (a deleted close() makes
// a never-closed loop elsewhere in the function a finding). Only the AST
// knows where bodies begin and end, and it lives only during the run: the
// run records the bodies of the files the change removed lines from, in the
// same parse as the checks.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_TIDYRUN_H
#define CSP_TIDY_DRIVER_TIDYRUN_H

#include "clang-tidy/ClangTidy.h"
#include "clang/Tooling/CompilationDatabase.h"
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

private:
  llvm::StringMap<std::vector<std::pair<unsigned, unsigned>>> Spans;
};

/// clang-tidy's runClangTidy, which also fills \p Bodies with the
/// definitions in the files \p WantBodies accepts (given real paths); an
/// empty \p WantBodies records none.
std::vector<clang::tidy::ClangTidyError>
runClangTidyRecordingBodies(clang::tidy::ClangTidyContext &Context,
                            const clang::tooling::CompilationDatabase &Compilations,
                            llvm::ArrayRef<std::string> InputFiles,
                            llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> BaseFS,
                            bool ApplyAnyFix, bool EnableCheckProfile,
                            llvm::StringRef StoreCheckProfile,
                            std::function<bool(llvm::StringRef)> WantBodies,
                            FunctionBodies &Bodies);

} // namespace csp_tidy

#endif
