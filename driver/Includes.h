//===--- Includes.h - which files of a database include a header ----------===//
//
// A header is analysed through the translation units that include it. Which
// ones do is the preprocessor's answer, not a guess from names: each file of
// the compilation database is scanned with clang's dependency scanner (the
// preprocessor on sources reduced to their directives, as clang-scan-deps
// does), which is much faster than analysing it.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_INCLUDES_H
#define CSP_TIDY_DRIVER_INCLUDES_H

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <functional>
#include <memory>

#include <string>
#include <vector>

namespace csp_tidy {

struct IncludeScan {
  /// The scanner could not preprocess the file (it does not compile, say):
  /// what it includes is unknown.
  bool Failed = false;
  /// Those of the headers asked about that it includes, directly or not.
  llvm::StringSet<> Headers;
};

/// Makes the file system a scan reads (the staged files over the disk, say).
using FileSystemFactory = std::function<llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>()>;

/// For each of \p Sources, with its compile command in \p Database: which
/// of \p Headers (real paths) it includes, read from a file system
/// \p MakeFS makes. \p Jobs files at a time.
std::vector<IncludeScan> scanIncludes(const clang::tooling::CompilationDatabase &Database,
                                      llvm::ArrayRef<std::string> Sources,
                                      const llvm::StringSet<> &Headers,
                                      const FileSystemFactory &MakeFS, unsigned Jobs);

/// Every file the preprocessor reads for a compile command, as clang's
/// dependency scanner lists them (a `-MD` list: the source, each header it
/// includes and each one `__has_include` found), from one scan per call, so
/// that a header added where it now shadows another is seen. The scans of
/// one lister share what they have read.
class DependencyLister {
public:
  DependencyLister();
  ~DependencyLister();
  /// The files, absolute, with `.` and `..` removed as names (not through
  /// symbolic links: `/lib/gcc/../../include` is `/include`, whatever
  /// `/lib` links to); an error when the scan fails.
  llvm::Expected<std::vector<std::string>>
  files(const clang::tooling::CompileCommand &Command,
        llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS);

private:
  struct Service;
  std::unique_ptr<Service> Shared;
};

/// \p File with symbolic links resolved, as the preprocessor reports it;
/// unchanged when it does not exist.
std::string realPath(llvm::StringRef File);

} // namespace csp_tidy

#endif
