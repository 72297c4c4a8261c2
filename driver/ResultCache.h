//===--- ResultCache.h - each file's findings, kept between runs ----------===//
//
// --cache-dir: a CI job that runs csp-tidy again over mostly unchanged code
// replays the output of every file whose inputs are all as they were,
// without parsing it. A file's key is a hash of everything its worker reads:
// the tool (its binary, the libraries it runs on, its version), the command
// line, the file's compile commands, the content of every file the
// preprocessor opens for it, every .clang-tidy above any of those files, and
// the baseline, changed lines and staged content the worker is given. The
// files are listed by clang's dependency scanner, run again on every run, so
// that a header added where it now shadows another is seen. A hit replays
// what the worker printed and handed back, byte for byte; an entry that is
// not whole, or not for this key, is a miss and is written again.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_RESULTCACHE_H
#define CSP_TIDY_DRIVER_RESULTCACHE_H

#include "Includes.h"
#include "Workers.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/Error.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace csp_tidy {

/// A hash of a sequence of fields, each kept apart from the next (by its
/// length), so that no two different sequences read the same.
class KeyHasher {
public:
  void add(llvm::StringRef Field);
  /// The content of \p Path, or that it cannot be read.
  void addFileContent(llvm::StringRef Path);
  /// What identifies this csp-tidy: its version, the content of its binary
  /// \p Self, and the path, size and modification time of each shared
  /// library it has loaded (LLVM's, clang's, -load plugins).
  llvm::Error addTool(llvm::StringRef Self);
  std::string hex();

private:
  llvm::BLAKE3 Hash;
};

/// What one file's worker reads besides the run's common inputs.
struct CachedFile {
  std::string File;
  /// Its own worker arguments (Workers.h).
  std::vector<std::string> Args;
  /// Its compile commands as the worker's compiler runs them (the
  /// configuration's ExtraArgs, the resource directory, clang-tidy's
  /// macros), for the dependency scan; hashed as they are.
  std::vector<clang::tooling::CompileCommand> Commands;
};

class ResultCache : public OutputStore {
public:
  /// The cache in \p Dir, created when missing; an error when it cannot be
  /// made or written to. \p RunKey holds the inputs every worker of the
  /// run shares; \p MakeFS makes the file system the compiler reads.
  static llvm::Expected<std::unique_ptr<ResultCache>>
  open(llvm::StringRef Dir, std::string RunKey, std::vector<CachedFile> Files,
       FileSystemFactory MakeFS);

  std::optional<WorkerOutput> find(size_t Index) override;
  void keep(size_t Index, const WorkerOutput &Output) override;

  unsigned replayed() const { return Replayed; }
  /// Entries found but not whole or not for their key: written again.
  unsigned unreadable() const { return Unreadable; }

private:
  ResultCache(std::string Dir, std::string RunKey, std::vector<CachedFile> Files,
              FileSystemFactory MakeFS);
  /// The key of file \p Index; none when its dependencies cannot be listed
  /// (it is then analysed and not kept).
  std::optional<std::string> keyOf(size_t Index);
  std::string entryPath(llvm::StringRef Key) const;
  /// The BLAKE3 of \p Path's content, read once per run.
  std::optional<std::string> contentHash(llvm::StringRef Path, llvm::vfs::FileSystem &FS);
  /// The content of \p Directory's .clang-tidy, hashed, or "none".
  std::string configIn(llvm::StringRef Directory);

  class RecordingFileSystem;

  std::string Dir, RunKey;
  std::vector<CachedFile> Files;
  FileSystemFactory MakeFS;
  DependencyLister Lister;
  std::vector<std::optional<std::string>> Keys;
  std::mutex Lock; // for the maps below
  llvm::StringMap<std::optional<std::string>> Contents;
  llvm::StringMap<std::string> Configs;
  /// Per name the dependency scanner gives a file, the paths it was opened by.
  llvm::StringMap<std::set<std::string>> Opened;
  std::atomic<unsigned> Replayed{0}, Unreadable{0};
  std::atomic<bool> WarnedWrite{false};
};

} // namespace csp_tidy

#endif
