//===--- TidyRun.h - clang-tidy's run, with the function bodies it parsed -===//
//
// The diff filter needs the function bodies around a finding's locations
// (Bodies.h), which only the AST knows, and the AST lives only during the
// run: the run records the bodies of the files the change removed lines
// from, in the same parse as the checks.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_TIDYRUN_H
#define CSP_TIDY_DRIVER_TIDYRUN_H

#include "Bodies.h"

#include "clang-tidy/ClangTidy.h"
#include "clang/Tooling/CompilationDatabase.h"

#include <functional>
#include <vector>

namespace csp_tidy {

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
