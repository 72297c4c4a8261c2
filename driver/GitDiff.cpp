//===--- GitDiff.cpp - the lines a change touched, for diff-only runs -----===//

#include "GitDiff.h"
#include "Findings.h"
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

std::string defaultBaseDir() {
  std::string Current = absolutePath(".");
  llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return Current;
  auto Top = git(*Git, Current, {"rev-parse", "--show-toplevel"});
  if (!Top) {
    llvm::consumeError(Top.takeError());
    return Current;
  }
  // git prints the root with symbolic links resolved; compilers and users
  // name files through them. Strip from the current directory as many
  // components as it has below the root.
  llvm::StringRef Root = llvm::StringRef(*Top).trim();
  llvm::SmallString<256> Real;
  if (llvm::sys::fs::real_path(Current, Real))
    return Root.str();
  llvm::StringRef Below = Real;
  if (!Below.consume_front(Root))
    return Root.str();
  llvm::SmallString<256> Base(Current);
  for (auto It = llvm::sys::path::begin(Below), End = llvm::sys::path::end(Below); It != End;
       ++It)
    if (*It != "/")
      llvm::sys::path::remove_filename(Base);
  return std::string(Base);
}

llvm::json::Value ChangedLines::toJSON() const {
  llvm::json::Object Files, Removed;
  for (const auto &Entry : Ranges) {
    llvm::json::Array Spans;
    for (auto [First, Last] : Entry.second)
      Spans.push_back(llvm::json::Array{First, Last});
    Files[Entry.first()] = std::move(Spans);
  }
  for (const auto &Entry : Removals) {
    llvm::json::Array Spans;
    for (const Removal &R : Entry.second)
      Spans.push_back(llvm::json::Array{R.First, R.Last, R.Between});
    Removed[Entry.first()] = std::move(Spans);
  }
  return llvm::json::Object{{"lines", std::move(Files)}, {"removed", std::move(Removed)}};
}

std::optional<ChangedLines> ChangedLines::fromJSON(const llvm::json::Value &V) {
  const llvm::json::Object *Both = V.getAsObject();
  const llvm::json::Object *Files = Both ? Both->getObject("lines") : nullptr;
  const llvm::json::Object *Removed = Both ? Both->getObject("removed") : nullptr;
  if (!Files || !Removed)
    return std::nullopt;
  ChangedLines Result;
  for (const auto &[File, Spans] : *Files) {
    auto &Ranges = Result.Ranges[File.str()];
    const llvm::json::Array *List = Spans.getAsArray();
    if (!List)
      return std::nullopt;
    for (const llvm::json::Value &Span : *List) {
      const llvm::json::Array *Pair = Span.getAsArray();
      if (!Pair || Pair->size() != 2 || !(*Pair)[0].getAsInteger() || !(*Pair)[1].getAsInteger())
        return std::nullopt;
      Ranges.emplace_back(*(*Pair)[0].getAsInteger(), *(*Pair)[1].getAsInteger());
    }
  }
  for (const auto &[File, Spans] : *Removed) {
    auto &Removals = Result.Removals[File.str()];
    const llvm::json::Array *List = Spans.getAsArray();
    if (!List)
      return std::nullopt;
    for (const llvm::json::Value &Span : *List) {
      const llvm::json::Array *Triple = Span.getAsArray();
      if (!Triple || Triple->size() != 3 || !(*Triple)[0].getAsInteger() ||
          !(*Triple)[1].getAsInteger() || !(*Triple)[2].getAsBoolean())
        return std::nullopt;
      Removals.push_back({unsigned(*(*Triple)[0].getAsInteger()),
                          unsigned(*(*Triple)[1].getAsInteger()), *(*Triple)[2].getAsBoolean()});
    }
  }
  return Result;
}

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
  // Fixed prefixes and repository-relative paths whatever the user's git
  // configuration says (diff.noprefix, diff.mnemonicPrefix, diff.relative).
  // Renames are renames (-M): a moved file's unchanged lines are not new.
  auto Diff = git(*Git, Directory,
                  {"-c", "core.quotePath=false", "diff", "-U0", "--no-color", "--no-ext-diff",
                   "-M", "--src-prefix=a/", "--dst-prefix=b/", "--no-relative", Base,
                   "--"});
  if (!Diff)
    return llvm::createStringError("git diff against '" + Revision +
                                   "' failed: " + llvm::toString(Diff.takeError()));
  llvm::SmallString<256> RealRoot;
  if (llvm::sys::fs::real_path(llvm::StringRef(*Root).trim(), RealRoot))
    RealRoot = llvm::StringRef(*Root).trim();
  return parse(*Diff, RealRoot);
}

namespace {
/// The path of a `+++ ` line: `b/dir/file`, which git ends with a tab when
/// it contains a space, or C-quoted (`"b/dir/t\\"q.cpp"`) when it contains
/// characters that need escaping.
std::string diffPath(llvm::StringRef Text) {
  if (!Text.consume_front("\"")) {
    Text = Text.split('\t').first;
    return Text.str();
  }
  std::string Path;
  for (size_t I = 0; I < Text.size() && Text[I] != '"'; ++I) {
    char C = Text[I];
    if (C != '\\' || I + 1 == Text.size()) {
      Path += C;
      continue;
    }
    char E = Text[++I];
    if (E >= '0' && E <= '7' && I + 2 < Text.size()) { // \ooo: one byte
      Path += char(((E - '0') << 6) | ((Text[I + 1] - '0') << 3) | (Text[I + 2] - '0'));
      I += 2;
      continue;
    }
    switch (E) {
    case 'n': Path += '\n'; break;
    case 't': Path += '\t'; break;
    case 'a': Path += '\a'; break;
    case 'b': Path += '\b'; break;
    case 'f': Path += '\f'; break;
    case 'r': Path += '\r'; break;
    case 'v': Path += '\v'; break;
    default: Path += E; // \\ and \"
    }
  }
  return Path;
}
} // namespace

ChangedLines ChangedLines::parse(llvm::StringRef Diff, llvm::StringRef Root) {
  ChangedLines Result;
  std::vector<std::pair<unsigned, unsigned>> *Current = nullptr;
  std::vector<Removal> *CurrentRemovals = nullptr;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  Diff.split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    if (Line.consume_front("+++ ")) {
      Current = nullptr;
      // `/dev/null` is a deleted file: nothing of it can be flagged.
      std::string Path = diffPath(Line);
      llvm::StringRef Relative(Path);
      if (Relative.consume_front("b/")) {
        llvm::SmallString<256> Absolute(Root);
        llvm::sys::path::append(Absolute, Relative);
        Current = &Result.Ranges[Absolute];
        CurrentRemovals = &Result.Removals[Absolute];
      }
      continue;
    }
    // @@ -old[,n] +new[,m] @@: m lines from `new` are the change's; m = 0
    // is a pure deletion after line `new`, which leaves no line to flag but
    // can make one a finding (a removed close()); n > 0 took lines away.
    if (!Current || !Line.consume_front("@@ -"))
      continue;
    auto [OldSpan, Rest] = Line.split(" +");
    llvm::StringRef New = Rest.split(' ').first;
    auto Span = [](llvm::StringRef Text, unsigned &Start, unsigned &Count) {
      auto [StartText, CountText] = Text.split(',');
      Count = 1;
      return !StartText.getAsInteger(10, Start) &&
             (CountText.empty() || !CountText.getAsInteger(10, Count));
    };
    unsigned OldStart = 0, OldCount = 0, Start = 0, Count = 0;
    if (!Span(OldSpan, OldStart, OldCount) || !Span(New, Start, Count))
      continue;
    if (Count)
      Current->emplace_back(Start, Start + Count - 1);
    if (OldCount)
      CurrentRemovals->push_back(Count ? Removal{Start, Start + Count - 1, false}
                                       : Removal{Start, Start + 1, true});
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

bool ChangedLines::removedWithin(llvm::StringRef File, unsigned First, unsigned Last) const {
  auto It = Removals.find(resolved(File));
  if (It == Removals.end())
    return false;
  return llvm::any_of(It->second, [&](const Removal &R) {
    return R.Between ? First <= R.First && R.Last <= Last : R.First <= Last && First <= R.Last;
  });
}

bool ChangedLines::removesFrom(llvm::StringRef File) const {
  auto It = Removals.find(resolved(File));
  return It != Removals.end() && !It->second.empty();
}

bool ChangedLines::touches(llvm::StringRef File) const {
  auto It = Ranges.find(resolved(File));
  return (It != Ranges.end() && !It->second.empty()) || removesFrom(File);
}

} // namespace csp_tidy
