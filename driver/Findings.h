//===--- Findings.h - diagnostics as data, for reports and baselines ------===//
//
// clang-tidy hands the driver `ClangTidyError`s: file offsets into buffers
// of one run. Reports (JSON, SARIF, Code Climate), baselines and the diff
// filter need something that outlives the run and survives edits: a finding
// with its line and column, and a fingerprint that does not change when
// unrelated edits move it to another line.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_FINDINGS_H
#define CSP_TIDY_DRIVER_FINDINGS_H

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace csp_tidy {

struct Location {
  std::string File; // absolute
  unsigned Line = 0;
  unsigned Column = 0; // in bytes, as clang counts
  /// Where the flagged code ends (the diagnostic's range, else the token at
  /// the location): the column just past it, in bytes.
  unsigned EndLine = 0;
  unsigned EndColumn = 0;
  /// Column and EndColumn in UTF-16 code units, as GitHub counts them.
  unsigned Utf16Column = 0;
  unsigned Utf16EndColumn = 0;
  /// The first and last lines of the outermost function or lambda
  /// definition holding the location, when the analysis recorded it
  /// (Bodies.h): lines a change removes there make the finding the change's.
  std::optional<std::pair<unsigned, unsigned>> Body;
};

struct Note {
  Location Where;
  std::string Message;
};

struct Finding {
  std::string Check;
  bool IsError = false; // an error, or a warning promoted by -warnings-as-errors
  Location Where;
  std::string Message;
  std::vector<Note> Notes;
  /// Identifies the finding across edits that move it; see fingerprint().
  std::string Fingerprint;
  /// The same without the neighbouring lines; see codeHash().
  std::string CodeHash;
};

/// Source files read once per run, to turn offsets into lines and to read
/// the text a fingerprint is made of.
class SourceTexts {
public:
  explicit SourceTexts(llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS =
                           llvm::vfs::getRealFileSystem())
      : FS(std::move(FS)) {}
  /// Line and column (1-based, columns in bytes like clang's) of \p Offset,
  /// with the end of the code that starts there: \p Length bytes, or the
  /// token at \p Offset when \p Length is 0.
  Location locate(llvm::StringRef File, unsigned Offset, unsigned Length = 0);
  /// The text of line \p Line of \p File, without its line break; empty when
  /// the file cannot be read.
  llvm::StringRef line(llvm::StringRef File, unsigned Line);
  /// The same, or nothing past the end of the file.
  std::optional<llvm::StringRef> lineIfAny(llvm::StringRef File, unsigned Line);

private:
  struct Text {
    std::unique_ptr<llvm::MemoryBuffer> Buffer;
    std::vector<unsigned> LineStarts;
  };
  Text *load(llvm::StringRef File);
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS;
  llvm::StringMap<Text> Files;
};

/// \p File made absolute (relative to \p Directory, or to the current
/// directory when that is empty), with `.` and `..` removed.
std::string absolutePath(llvm::StringRef File, llvm::StringRef Directory = "");

/// \p Path relative to \p BaseDir when it lies below it, else unchanged.
std::string relativeTo(llvm::StringRef Path, llvm::StringRef BaseDir);

/// A hash of the check, the code of the flagged line and of its neighbours
/// above and below, and the code of the notes' lines, each with whitespace
/// collapsed. Line numbers, the file's path and the message stay out of it:
/// moving, reindenting, renaming the file or rewording a check's message
/// keep it; editing the flagged code or what it relates to changes it.
std::string fingerprint(const Finding &F, SourceTexts &Sources);

/// The same without the neighbouring lines: what a baseline falls back to
/// when a line next to an accepted finding was edited.
std::string codeHash(const Finding &F, SourceTexts &Sources);

/// The finding a clang-tidy diagnostic reports.
Finding toFinding(const clang::tidy::ClangTidyError &E, SourceTexts &Sources);

/// Whether \p E is the compiler's, meaning the file could not be analysed.
bool isCompilerError(const clang::tidy::ClangTidyError &E);

/// Sorts by file, line, column, check and message, and drops the copies a
/// header's finding gets from each file that includes it.
void sortAndDeduplicate(std::vector<Finding> &Findings);

/// A path (or a file's text) in the driver's JSON: a string when it is
/// UTF-8, else its bytes in hex (`{"bytes": "..."}`), since JSON strings
/// cannot hold other bytes and a file name on Linux can.
llvm::json::Value bytesToJSON(llvm::StringRef Bytes);
bool bytesFromJSON(const llvm::json::Value &V, std::string &Bytes);

/// The driver's own JSON form of findings, with absolute paths: what a
/// worker process hands back to the driver that started it.
llvm::json::Value toJSON(const Finding &F);
bool fromJSON(const llvm::json::Value &V, Finding &F, llvm::json::Path P);

/// What the driver learns from analysing a file: in a worker, or from the
/// findings file a compile with the compiler plugin writes.
struct Outcome {
  std::vector<Finding> Findings; // after the diff filter and the baseline
  /// Those the baseline accepted: kept, not counted, so that a finding in
  /// a header, which every file including it reports, counts once.
  std::vector<Finding> Baselined;
  unsigned SuppressedByNoLint = 0;
  /// Findings in headers that -header-filter does not show (or
  /// -exclude-header-filter hides, or system headers), counted once per
  /// file that includes them, as clang-tidy counts them.
  unsigned HiddenInHeaders = 0;
};

llvm::json::Value toJSON(const Outcome &O);
bool fromJSON(const llvm::json::Value &V, Outcome &O, llvm::json::Path P);

} // namespace csp_tidy

#endif
