//===--- GitDiff.cpp - the lines a change touched, for diff-only runs -----===//

#include "GitDiff.h"
#include "Subprocess.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

namespace csp_tidy {

namespace {

llvm::Expected<std::string> git(llvm::StringRef Git, llvm::StringRef Directory,
                                std::vector<llvm::StringRef> Args) {
  Args.insert(Args.begin(), {"git", "-C", Directory});
  Captured Run = runCaptured(Git, Args);
  if (Run.Status != 0) {
    llvm::StringRef Why = llvm::StringRef(Run.Err).trim().split('\n').first;
    return llvm::createStringError(Why.empty() ? llvm::StringRef(Run.Failure) : Why);
  }
  return std::move(Run.Out);
}

/// Whether the git command succeeded; its output is not needed.
bool succeeds(llvm::Expected<std::string> Output) {
  if (Output)
    return true;
  llvm::consumeError(Output.takeError());
  return false;
}

} // namespace

llvm::Expected<ChangedLines> ChangedLines::against(llvm::StringRef Revision,
                                                   llvm::StringRef Directory) {
  llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return llvm::createStringError("--diff-base needs git, which is not on PATH");
  auto Root = git(*Git, Directory, {"rev-parse", "--show-toplevel"});
  if (!Root)
    return llvm::createStringError("--diff-base needs a git repository: " +
                                   llvm::toString(Root.takeError()));
  // A revision a shallow clone lacks is an error, not an empty diff: the
  // gate would otherwise pass without looking.
  std::string Base = Revision.str();
  if (!succeeds(git(*Git, Directory, {"rev-parse", "--verify", "--quiet", Base + "^{commit}"}))) {
    // HEAD before the first commit: everything staged is new, as against
    // the empty tree.
    auto EmptyTree = git(*Git, Directory, {"hash-object", "-t", "tree", "--stdin"});
    if (Revision == "HEAD" && succeeds(git(*Git, Directory, {"symbolic-ref", "--quiet", "HEAD"})) &&
        EmptyTree) {
      Base = llvm::StringRef(*EmptyTree).trim().str();
    } else {
      if (!EmptyTree)
        llvm::consumeError(EmptyTree.takeError());
      return llvm::createStringError(
          "revision '" + Revision +
          "' is not in this repository; in a shallow clone fetch it first, e.g. "
          "'git fetch --depth=1 origin <branch>' and pass --diff-base=FETCH_HEAD");
    }
  }
  auto Diff = git(*Git, Directory,
                  {"-c", "core.quotePath=false", "diff", "-U0", "--no-color", "--no-ext-diff", "--no-renames", Base, "--"});
  if (!Diff)
    return llvm::createStringError("git diff against '" + Revision +
                                   "' failed: " + llvm::toString(Diff.takeError()));
  llvm::SmallString<256> RealRoot;
  if (llvm::sys::fs::real_path(llvm::StringRef(*Root).trim(), RealRoot))
    RealRoot = llvm::StringRef(*Root).trim();
  return parse(*Diff, RealRoot);
}

ChangedLines ChangedLines::parse(llvm::StringRef Diff, llvm::StringRef Root) {
  ChangedLines Result;
  std::vector<std::pair<unsigned, unsigned>> *Current = nullptr;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  Diff.split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    if (Line.consume_front("+++ ")) {
      Current = nullptr;
      // `/dev/null` is a deleted file: nothing of it can be flagged.
      if (Line.consume_front("b/")) {
        llvm::SmallString<256> Path(Root);
        llvm::sys::path::append(Path, Line);
        Current = &Result.Ranges[Path];
      }
      continue;
    }
    // @@ -old[,n] +new[,m] @@: m lines from `new` are the change's; m = 0
    // is a pure deletion, which leaves no line to flag.
    if (!Current || !Line.consume_front("@@ -"))
      continue;
    llvm::StringRef New = Line.split(" +").second.split(' ').first;
    auto [StartText, CountText] = New.split(',');
    unsigned Start = 0, Count = 1;
    if (StartText.getAsInteger(10, Start) ||
        (!CountText.empty() && CountText.getAsInteger(10, Count)))
      continue;
    if (Count)
      Current->emplace_back(Start, Start + Count - 1);
  }
  return Result;
}

namespace {
// git names files below its resolved top level; the compiler names them as
// the compile command does, possibly through a symbolic link.
std::string resolved(llvm::StringRef File) {
  llvm::SmallString<256> Path;
  if (llvm::sys::fs::real_path(File, Path))
    return File.str();
  return std::string(Path);
}
} // namespace

bool ChangedLines::contains(llvm::StringRef File, unsigned Line) const {
  auto It = Ranges.find(resolved(File));
  if (It == Ranges.end())
    return false;
  return llvm::any_of(It->second, [&](const std::pair<unsigned, unsigned> &R) {
    return R.first <= Line && Line <= R.second;
  });
}

bool ChangedLines::touches(llvm::StringRef File) const {
  auto It = Ranges.find(resolved(File));
  return It != Ranges.end() && !It->second.empty();
}

} // namespace csp_tidy
