//===--- Workers.h - one process per file, N at a time, in a stable order -===//
//
// A whole compilation database is analysed by running csp-tidy once per file
// (run-clang-tidy's design): files are analysed in parallel, a file that
// crashes the analysis costs only that file, and each process's output is
// printed whole and in the order of the files, whatever order they finish in.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_WORKERS_H
#define CSP_TIDY_DRIVER_WORKERS_H

#include "Findings.h"

#include <optional>

namespace csp_tidy {

struct FileResult {
  std::string File;
  /// Set when the file could not be analysed: what to tell the user.
  std::optional<std::string> Failure;
  Outcome Result;
  /// With CollectFixes, the fixes YAML the worker exported.
  std::string Fixes;
};

/// What a worker printed and handed back for its file.
struct WorkerOutput {
  FileResult Result;
  std::string Out, Err;
};

/// Output kept from earlier runs (ResultCache.h): asked before a file's
/// worker is started, and given what each worker that analysed its file
/// returned. Called from several threads at once, each file by one.
class OutputStore {
public:
  virtual ~OutputStore() = default;
  /// The output to replay instead of running the worker of file \p Index.
  virtual std::optional<WorkerOutput> find(size_t Index) = 0;
  /// The output of the worker of file \p Index, which analysed it.
  virtual void keep(size_t Index, const WorkerOutput &Output) = 0;
};

/// Runs \p Self once per file with `--worker-file=<file>
/// --worker-findings=<tmp>` and the file's own \p FileArgs (when given, one
/// list per file) before \p Args (the user's arguments, so that
/// everything after `--` stays last), at most \p Jobs at a time. Each
/// worker's stdout and stderr are copied to ours in file order; with
/// \p Progress, stderr also gets "[done/total] file" as files finish. With
/// \p CollectFixes, each worker exports its fixes (`--worker-fixes=<tmp>`).
/// A worker that crashes is that file's failure, named by describeCrash.
/// Interrupted (Subprocess.h), it stops the workers and returns what it
/// has; the caller is to check interruption(). With \p Store, a file it
/// finds output for is not analysed: that output is used as the worker's.
std::vector<FileResult> runWorkers(llvm::StringRef Self, llvm::ArrayRef<std::string> Args,
                                   llvm::ArrayRef<std::string> Files,
                                   llvm::ArrayRef<std::vector<std::string>> FileArgs,
                                   unsigned Jobs, bool Progress, bool CollectFixes,
                                   OutputStore *Store = nullptr);

} // namespace csp_tidy

#endif
