//===--- GitDiff.cpp - the lines a change touched, for diff-only runs -----===//

#include "GitDiff.h"
#include "Findings.h"
#include "Subprocess.h"

#include "clang/Driver/Types.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <limits>

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

// Arrays, not objects keyed by path: a key must be UTF-8, a path need not.
llvm::json::Value ChangedLines::toJSON() const {
  llvm::json::Array Files, Removed;
  for (const auto &Entry : Ranges) {
    llvm::json::Array Spans;
    for (auto [First, Last] : Entry.second)
      Spans.push_back(llvm::json::Array{First, Last});
    Files.push_back(llvm::json::Object{{"file", bytesToJSON(Entry.first())},
                                       {"spans", std::move(Spans)}});
  }
  for (const auto &Entry : Removals) {
    llvm::json::Array Spans;
    for (const Removal &R : Entry.second)
      Spans.push_back(llvm::json::Array{R.First, R.Last, R.Between});
    Removed.push_back(llvm::json::Object{{"file", bytesToJSON(Entry.first())},
                                         {"spans", std::move(Spans)}});
  }
  return llvm::json::Object{{"lines", std::move(Files)}, {"removed", std::move(Removed)}};
}

std::optional<ChangedLines> ChangedLines::fromJSON(const llvm::json::Value &V) {
  const llvm::json::Object *Both = V.getAsObject();
  const llvm::json::Array *Files = Both ? Both->getArray("lines") : nullptr;
  const llvm::json::Array *Removed = Both ? Both->getArray("removed") : nullptr;
  if (!Files || !Removed)
    return std::nullopt;
  // Each entry: {"file": <path>, "spans": [[numbers or a flag]...]}.
  auto ForEachSpan = [](const llvm::json::Array &Entries, size_t Width, auto Add) {
    for (const llvm::json::Value &Entry : Entries) {
      const llvm::json::Object *O = Entry.getAsObject();
      const llvm::json::Value *FileValue = O ? O->get("file") : nullptr;
      const llvm::json::Array *Spans = O ? O->getArray("spans") : nullptr;
      std::string File;
      if (!FileValue || !Spans || !bytesFromJSON(*FileValue, File))
        return false;
      Add(File, nullptr);
      for (const llvm::json::Value &Span : *Spans) {
        const llvm::json::Array *Parts = Span.getAsArray();
        if (!Parts || Parts->size() != Width || !(*Parts)[0].getAsInteger() ||
            !(*Parts)[1].getAsInteger() || (Width == 3 && !(*Parts)[2].getAsBoolean()))
          return false;
        Add(File, Parts);
      }
    }
    return true;
  };
  ChangedLines Result;
  bool Read =
      ForEachSpan(*Files, 2,
                  [&](const std::string &File, const llvm::json::Array *Span) {
                    auto &Ranges = Result.Ranges[File];
                    if (Span)
                      Ranges.emplace_back(*(*Span)[0].getAsInteger(), *(*Span)[1].getAsInteger());
                  }) &&
      ForEachSpan(*Removed, 3, [&](const std::string &File, const llvm::json::Array *Span) {
        auto &Removals = Result.Removals[File];
        if (Span)
          Removals.push_back({unsigned(*(*Span)[0].getAsInteger()),
                              unsigned(*(*Span)[1].getAsInteger()), *(*Span)[2].getAsBoolean()});
      });
  if (!Read)
    return std::nullopt;
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

llvm::Expected<std::vector<std::pair<std::string, std::string>>>
stagedContents(llvm::StringRef Directory, llvm::StringRef SpeltRoot) {
  llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return llvm::createStringError("--staged needs git, which is not on PATH");
  auto Top = git(*Git, Directory, {"rev-parse", "--show-toplevel"});
  if (!Top)
    return llvm::createStringError("--staged needs a git repository: " +
                                   llvm::toString(Top.takeError()));
  std::string Root = llvm::StringRef(*Top).trim().str();
  // Index against work tree: the files whose staged content is not on disk.
  auto Differing = git(*Git, Root, {"diff", "-z", "--name-only", "--no-renames",
                                    "--no-relative", "--no-ext-diff", "--"});
  if (!Differing)
    return llvm::createStringError("git diff failed: " + llvm::toString(Differing.takeError()));
  std::vector<std::string> Roots{resolved(Root)};
  if (!SpeltRoot.empty() && SpeltRoot != Roots.front() && resolved(SpeltRoot) == Roots.front())
    Roots.push_back(SpeltRoot.str());
  std::vector<std::pair<std::string, std::string>> Files;
  llvm::SmallVector<llvm::StringRef, 8> Paths;
  llvm::StringRef(*Differing).split(Paths, '\0', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Path : Paths) {
    auto Blob = git(*Git, Root, {"cat-file", "blob", (":" + Path).str()});
    if (!Blob)
      return llvm::createStringError("cannot read the staged '" + Path +
                                     "': " + llvm::toString(Blob.takeError()));
    for (const std::string &Base : Roots) {
      llvm::SmallString<256> Absolute(Base);
      llvm::sys::path::append(Absolute, Path);
      Files.emplace_back(std::string(Absolute), *Blob);
    }
  }
  return Files;
}

std::vector<std::string> trackedSources(llvm::StringRef Directory) {
  llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return {};
  auto Top = git(*Git, Directory, {"rev-parse", "--show-toplevel"});
  auto Listed = Top ? git(*Git, llvm::StringRef(*Top).trim(), {"ls-files", "-z", "--full-name"})
                    : llvm::Expected<std::string>(Top.takeError());
  if (!Listed) {
    llvm::consumeError(Listed.takeError());
    return {};
  }
  std::string Root = resolved(llvm::StringRef(*Top).trim());
  llvm::SmallVector<llvm::StringRef, 64> Paths;
  llvm::StringRef(*Listed).split(Paths, '\0', -1, /*KeepEmpty=*/false);
  std::vector<std::string> Sources;
  for (llvm::StringRef Path : Paths) {
    llvm::StringRef Extension = llvm::sys::path::extension(Path);
    if (Extension.empty())
      continue;
    auto Type = clang::driver::types::lookupTypeForExtension(Extension.drop_front());
    if (Type == clang::driver::types::TY_INVALID || !clang::driver::types::isAcceptedByClang(Type) ||
        clang::driver::types::onlyPrecompileType(Type) || !clang::driver::types::isSrcFile(Type))
      continue;
    llvm::SmallString<256> Absolute(Root);
    llvm::sys::path::append(Absolute, Path);
    Sources.push_back(std::string(Absolute));
  }
  return Sources;
}

llvm::Expected<ChangedLines> ChangedLines::against(llvm::StringRef Revision,
                                                   llvm::StringRef Directory,
                                                   llvm::ArrayRef<std::string> Named,
                                                   bool Staged) {
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
  std::vector<llvm::StringRef> DiffArgs{"-c",          "core.quotePath=false", "diff",
                                        "-U0",         "--no-color",           "--no-ext-diff",
                                        "-M",          "--src-prefix=a/",      "--dst-prefix=b/",
                                        "--no-relative"};
  if (Staged)
    DiffArgs.push_back("--cached");
  DiffArgs.insert(DiffArgs.end(), {Base, "--"});
  auto Diff = git(*Git, Directory, DiffArgs);
  if (!Diff)
    return llvm::createStringError("git diff against '" + Revision +
                                   "' failed: " + llvm::toString(Diff.takeError()));
  llvm::SmallString<256> RealRoot;
  if (llvm::sys::fs::real_path(llvm::StringRef(*Root).trim(), RealRoot))
    RealRoot = llvm::StringRef(*Root).trim();
  ChangedLines Result = parse(*Diff, RealRoot);
  if (Named.empty() || Staged)
    return Result;
  // git diff leaves out files git does not track: a new file not yet added
  // is all new. Paths come NUL-separated, as they are, relative to the root.
  std::vector<llvm::StringRef> Args{"ls-files", "-z", "--others", "--full-name", "--"};
  // Files outside the repository have no history to differ from.
  std::vector<std::string> Inside;
  for (const std::string &File : Named) {
    std::string Real = resolved(absolutePath(File));
    if (llvm::StringRef(Real).starts_with((RealRoot + "/").str()))
      Inside.push_back(std::move(Real));
  }
  if (Inside.empty())
    return Result;
  Args.insert(Args.end(), Inside.begin(), Inside.end());
  auto Untracked = git(*Git, Directory, Args);
  if (!Untracked)
    return llvm::createStringError("git ls-files failed: " +
                                   llvm::toString(Untracked.takeError()));
  llvm::SmallVector<llvm::StringRef, 8> Files;
  llvm::StringRef(*Untracked).split(Files, '\0', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef File : Files) {
    llvm::SmallString<256> Path(RealRoot);
    llvm::sys::path::append(Path, File);
    Result.Ranges[Path] = {{1, std::numeric_limits<unsigned>::max()}};
  }
  return Result;
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

bool ChangedLines::isNew(const Finding &F) const {
  // Concurrency findings are not local: a change on the line of any note
  // (the spawn, the other close, the lock) makes the finding the change's,
  // and so do lines removed from the body holding one (a deleted close()).
  auto Touched = [&](const Location &L) {
    return contains(L.File, L.Line) ||
           (L.Body && removedWithin(L.File, L.Body->first, L.Body->second));
  };
  return Touched(F.Where) || llvm::any_of(F.Notes, [&](const Note &N) { return Touched(N.Where); });
}

bool ChangedLines::removesFrom(llvm::StringRef File) const {
  auto It = Removals.find(resolved(File));
  return It != Removals.end() && !It->second.empty();
}

bool ChangedLines::touches(llvm::StringRef File) const {
  auto It = Ranges.find(resolved(File));
  return (It != Ranges.end() && !It->second.empty()) || removesFrom(File);
}

std::vector<std::string> ChangedLines::files() const {
  std::vector<std::string> Files;
  for (const auto &Entry : Ranges)
    if (touches(Entry.first()))
      Files.push_back(Entry.first().str());
  llvm::sort(Files);
  return Files;
}

} // namespace csp_tidy
