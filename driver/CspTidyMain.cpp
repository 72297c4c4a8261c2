//===--- CspTidyMain.cpp - the csp-tidy command-line driver ---------------===//
//
// clang-tidy's command line, on clang-tidy's library, with the csp module
// linked in, made for a CI gate:
//   - `csp-*` is the default check set and nothing else is on by default;
//   - the exit status says what happened: 0 clean, 1 findings, 2 the input
//     could not be analysed (no compilation database, a file that does not
//     compile, a bad option or configuration), always with a one-line error;
//   - a whole compilation database runs in parallel, one process per file
//     (Workers.h), with reports for CI (Reports.h), a baseline of accepted
//     findings (Baseline.h) and a filter to the lines a change touched
//     (GitDiff.h).
//
//===----------------------------------------------------------------------===//

#include "Baseline.h"
#include "CheckDocs.h"
#include "CommandLine.h"
#include "ExportedFixes.h"
#include "Findings.h"
#include "GitDiff.h"
#include "Includes.h"
#include "Merge.h"
#include "Reports.h"
#include "ResultCache.h"
#include "Subprocess.h"
#include "TidyFlags.h"
#include "TidyRun.h"
#include "Version.h"
#include "WriteFile.h"
#include "Workers.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Basic/Version.h"
#include "clang/Driver/Types.h"
#include "clang/Frontend/CompilerInvocation.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <set>

using namespace clang;
using namespace clang::tidy;
using namespace csp_tidy;
namespace cl = llvm::cl;

namespace {

enum ExitCode { ExitClean = 0, ExitFindings = 1, ExitCannotAnalyse = 2 };

constexpr const char *DefaultChecks = "-*,csp-*";

cl::OptionCategory &Category = driverOptions();

cl::list<std::string> SourcePaths(cl::Positional, cl::desc("<source0> [... <sourceN>]"),
                                  cl::cat(Category));
cl::opt<std::string> BuildPath("p", cl::desc("Build directory holding compile_commands.json"),
                               cl::value_desc("build-path"), cl::cat(Category));
cl::opt<std::string> Checks("checks", cl::desc(R"(Comma-separated globs of checks to run, appended
to the 'Checks' of the configuration. Default: -*,csp-*)"),
                            cl::init(""), cl::cat(Category));
cl::opt<std::string> WarningsAsErrors("warnings-as-errors",
                                      cl::desc("Globs of checks whose findings are errors"),
                                      cl::init(""), cl::cat(Category));
cl::opt<std::string> HeaderFilter("header-filter",
                                  cl::desc("Regex of headers whose findings are shown"),
                                  cl::init(""), cl::cat(Category));
cl::opt<std::string> Config("config", cl::desc("Configuration in YAML, used instead of .clang-tidy files"),
                            cl::init(""), cl::cat(Category));
cl::opt<std::string> ConfigFile("config-file",
                                cl::desc("Configuration file, used instead of .clang-tidy files"),
                                cl::init(""), cl::cat(Category));
cl::opt<bool, false, BoolParser> Fix("fix", cl::desc("Apply the suggested fixes"), cl::init(false), cl::cat(Category));
cl::opt<bool, false, BoolParser> FixNotes("fix-notes", cl::desc("Also apply fixes found in notes"), cl::init(false),
                       cl::cat(Category));
cl::opt<std::string> ExportFixes("export-fixes",
                                 cl::desc("Write the suggested fixes as YAML to this file"),
                                 cl::value_desc("filename"), cl::cat(Category));
cl::list<std::string> ArgsAfter("extra-arg", cl::desc("Extra compiler argument, appended"),
                                cl::cat(Category));
cl::list<std::string> ArgsBefore("extra-arg-before", cl::desc("Extra compiler argument, prepended"),
                                 cl::cat(Category));
cl::opt<bool, false, BoolParser> ListChecks("list-checks", cl::desc("List the enabled checks and exit"),
                         cl::init(false), cl::cat(Category));
cl::opt<std::string> Explain("explain",
                            cl::desc("Print the page of a check (csp-<check>), as in "
                                     "docs/checks/, and exit"),
                            cl::value_desc("check"), cl::cat(Category));
cl::opt<bool, false, BoolParser> DumpConfig("dump-config", cl::desc("Print the effective configuration and exit"),
                         cl::init(false), cl::cat(Category));
cl::opt<bool, false, BoolParser> Quiet("quiet", cl::desc("Print findings only: no summary, no progress"),
                    cl::init(false), cl::cat(Category));
cl::opt<bool, false, BoolParser> UseColor("use-color",
                       cl::desc("Colour diagnostics (default: when printing to a terminal); "
                                "editors that read the output want -use-color=false"),
                       cl::cat(Category));
// Prefix: -j8 as well as -j 8, as make and run-clang-tidy take it.
cl::opt<unsigned, false, JobsParser> Jobs("j", cl::desc("Files analysed at once (default: one per core)"),
                       cl::init(0), cl::Prefix, cl::cat(Category));

enum class Format { Text, JSON, SARIF, CodeClimate };
// A string, not a cl::values enum: LLVM prints an enum's parse error itself,
// bypassing the driver's one-line error.
cl::opt<std::string> FormatName("format",
                                cl::desc("Report format: text (default; clang-style), json, "
                                         "sarif (SARIF 2.1.0, for GitHub code scanning), "
                                         "codeclimate (GitLab's code quality report)"),
                                cl::value_desc("format"), cl::init("text"), cl::cat(Category));
cl::opt<std::string> OutputFile("output",
                                cl::desc("Write the report here; the findings are then also "
                                         "printed as text"),
                                cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> BaseDir("base-dir",
                             cl::desc("Directory reports and baselines name files relative "
                                      "to (default: the root of the git repository holding the "
                                      "current directory, else the current directory)"),
                             cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string> BaselineFile("baseline",
                                  cl::desc("Report and fail only on findings this baseline "
                                           "does not hold"),
                                  cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> BaselineWrite("baseline-write",
                                   cl::desc("Record the current findings as the baseline and "
                                            "exit 0"),
                                   cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> BaselinePrune("baseline-prune",
                            cl::desc("Rewrite the --baseline file without the entries that no "
                                     "longer match a finding"),
                            cl::init(false), cl::cat(Category));
cl::opt<std::string> DiffBase("diff-base",
                              cl::desc("Report only findings on lines that differ from this git "
                                       "revision; without files, analyse the changed files of "
                                       "the compilation database"),
                              cl::value_desc("revision"), cl::cat(Category));
cl::opt<bool, false, BoolParser> Staged(
    "staged",
    cl::desc("Analyse what git's index holds, as a pre-commit hook must: a file whose staged "
             "content differs from the work tree is read from the index, and --diff-base "
             "compares the revision with the index"),
    cl::init(false), cl::cat(Category));
cl::opt<std::string> DocsURL("docs-url",
                             cl::desc("Where this csp-tidy's docs/ directory is published, for "
                                      "the checks' help links in SARIF reports"),
                             cl::value_desc("url"), cl::init(CSP_TIDY_DOCS_URL), cl::cat(Category));
cl::opt<bool, false, BoolParser> Merge("merge",
                    cl::desc("Report the findings files that a build with CspClangPlugin.so "
                             "(-fplugin-arg-csp-findings=<dir>) wrote to the directories "
                             "named, instead of analysing sources"),
                    cl::init(false), cl::cat(Category));
cl::opt<std::string> CacheDir(
    "cache-dir",
    cl::desc("Keep each file's findings in this directory and replay them, without analysing "
             "the file, while nothing its analysis reads has changed (the file, its headers, "
             "its flags, .clang-tidy, csp-tidy itself); not used with -fix"),
    cl::value_desc("dir"), cl::cat(Category));
// How the driver runs itself once per file; not for users.
cl::opt<std::string> WorkerFile("worker-file", cl::Hidden, cl::cat(Category));
cl::opt<std::string> WorkerFindings("worker-findings", cl::Hidden, cl::cat(Category));
cl::opt<std::string> WorkerFixes("worker-fixes", cl::Hidden, cl::cat(Category));
cl::opt<std::string> WorkerChangedLines("worker-changed-lines", cl::Hidden, cl::cat(Category));
// The worker analyses its file for these headers (named on the command
// line): only findings in them are reported.
cl::list<std::string> WorkerReport("worker-report", cl::Hidden, cl::cat(Category));
cl::opt<std::string> WorkerStaged("worker-staged", cl::Hidden, cl::cat(Category));

// -use-color=false holds for the driver's own errors too: an editor's
// compilation buffer is a terminal, and its parser wants a plain "error:".
bool plainErrors() { return UseColor.getNumOccurrences() && !UseColor; }

int fail(const llvm::Twine &Message) {
  llvm::WithColor::error(llvm::errs(), "csp-tidy", plainErrors()) << Message << "\n";
  return ExitCannotAnalyse;
}

/// Configuration files that do not parse stop the run: analysing with a
/// silently ignored configuration would report the wrong set of findings.
std::string ConfigParseError;

const NamesAndOptions &knownChecks() {
  static const NamesAndOptions Known = getAllChecksAndOptions();
  return Known;
}

/// "did you mean" the closest of \p Known to \p Name, else \p Otherwise.
std::string hintFor(llvm::StringRef Name, const llvm::StringSet<> &Known,
                    llvm::StringRef Otherwise) {
  llvm::StringRef Best;
  unsigned BestDistance = 4; // further than this is not a typo of it
  for (const auto &Entry : Known) {
    unsigned Distance = Name.edit_distance(Entry.getKey(), true, BestDistance);
    if (Distance < BestDistance) {
      BestDistance = Distance;
      Best = Entry.getKey();
    }
  }
  return Best.empty() ? ("; " + Otherwise).str() : ("; did you mean '" + Best + "'?").str();
}

constexpr llvm::StringLiteral ListChecksHint = "'csp-tidy -list-checks -checks=*' lists them";

/// A check named in \p Globs (no wildcard) that does not exist; with
/// \p OnlyCsp, only names in the csp namespace count.
std::optional<std::string> unknownCheckIn(llvm::StringRef Globs, bool OnlyCsp) {
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Globs.split(Parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Part : Parts) {
    Part = Part.trim();
    Part.consume_front("-");
    if (Part.empty() || Part.contains('*') || (OnlyCsp && !Part.starts_with("csp-")))
      continue;
    if (!knownChecks().Names.contains(Part))
      return Part.str();
  }
  return std::nullopt;
}

/// Names in the csp namespace that no check of this build knows, in a
/// configuration read from \p Source: a typo there would silently turn a
/// check or an option off. Names of other tools' checks are left alone, as
/// one .clang-tidy often serves clang-tidy and csp-tidy both.
std::optional<std::string> unknownCspName(const ClangTidyOptions &Options,
                                          llvm::StringRef Source) {
  if (Options.Checks)
    if (auto Unknown = unknownCheckIn(*Options.Checks, /*OnlyCsp=*/true))
      return "unknown check '" + *Unknown + "' in the Checks of '" + Source.str() + "'" +
             hintFor(*Unknown, knownChecks().Names, ListChecksHint);
  for (const auto &Option : Options.CheckOptions) {
    llvm::StringRef Key = Option.getKey();
    if (Key.starts_with("csp-") && !knownChecks().Options.contains(Key))
      return ("unknown option '" + Key + "' in '" + Source + "'").str() +
             hintFor(Key, knownChecks().Options, "'csp-tidy -dump-config' lists them");
  }
  return std::nullopt;
}

/// A header filter that is not a regex matches no header: every finding in
/// a header would be hidden without a word.
std::optional<std::string> invalidHeaderFilter(const ClangTidyOptions &Options,
                                               llvm::StringRef Source) {
  for (auto [Name, Regex] : {std::pair{"HeaderFilterRegex", &Options.HeaderFilterRegex},
                             std::pair{"ExcludeHeaderFilterRegex",
                                       &Options.ExcludeHeaderFilterRegex}}) {
    std::string Why;
    if (*Regex && !llvm::Regex(**Regex).isValid(Why))
      return ("invalid " + llvm::StringRef(Name) + " '" + **Regex + "' in '" + Source +
              "': " + Why)
          .str();
  }
  return std::nullopt;
}

class StrictFileOptionsProvider : public FileOptionsProvider {
public:
  StrictFileOptionsProvider(ClangTidyGlobalOptions Global, ClangTidyOptions Defaults,
                            ClangTidyOptions Overrides)
      : FileOptionsProvider(std::move(Global), std::move(Defaults), std::move(Overrides),
                            {{".clang-tidy", parseStrictly}}) {
    // The constructor that takes handlers leaves the file system unset.
    FS = llvm::vfs::getRealFileSystem();
  }

private:
  static llvm::ErrorOr<ClangTidyOptions> parseStrictly(llvm::MemoryBufferRef Buffer) {
    auto Parsed = parseConfiguration(Buffer);
    if (!Parsed && ConfigParseError.empty())
      ConfigParseError = ("invalid configuration '" + Buffer.getBufferIdentifier() +
                          "': " + Parsed.getError().message())
                             .str();
    if (Parsed && ConfigParseError.empty())
      if (auto Unknown = unknownCspName(*Parsed, Buffer.getBufferIdentifier()))
        ConfigParseError = *Unknown;
    if (Parsed && ConfigParseError.empty())
      if (auto Invalid = invalidHeaderFilter(*Parsed, Buffer.getBufferIdentifier()))
        ConfigParseError = *Invalid;
    return Parsed;
  }
};

llvm::Expected<std::unique_ptr<ClangTidyOptionsProvider>> createOptionsProvider() {
  ClangTidyGlobalOptions Global;
  ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
  Defaults.Checks = DefaultChecks;
  Defaults.User = "csp-tidy";

  ClangTidyOptions Overrides;
  if (Checks.getNumOccurrences())
    Overrides.Checks = Checks;
  if (WarningsAsErrors.getNumOccurrences())
    Overrides.WarningsAsErrors = WarningsAsErrors;
  if (HeaderFilter.getNumOccurrences()) {
    std::string Why;
    if (!llvm::Regex(HeaderFilter).isValid(Why))
      return llvm::createStringError("invalid -header-filter '" + HeaderFilter + "': " + Why);
    Overrides.HeaderFilterRegex = HeaderFilter;
  }
  if (UseColor.getNumOccurrences())
    Overrides.UseColor = UseColor;
  if (llvm::Error E = applyTidyFlags(Global, Overrides))
    return std::move(E);

  if (Config.getNumOccurrences() && ConfigFile.getNumOccurrences())
    return llvm::createStringError("-config and -config-file cannot be used together");
  std::string ConfigText = Config;
  std::string ConfigName = "-config";
  if (ConfigFile.getNumOccurrences()) {
    auto Text = llvm::MemoryBuffer::getFile(ConfigFile);
    if (!Text)
      return llvm::createStringError("cannot read configuration file '" + ConfigFile +
                                     "': " + Text.getError().message());
    ConfigText = (*Text)->getBuffer().str();
    ConfigName = ConfigFile;
  }
  if (!ConfigText.empty() || Config.getNumOccurrences()) {
    auto Parsed = parseConfiguration(llvm::MemoryBufferRef(ConfigText, ConfigName));
    if (!Parsed)
      return llvm::createStringError("invalid configuration '" + ConfigName +
                                     "': " + Parsed.getError().message());
    if (auto Unknown = unknownCspName(*Parsed, ConfigName))
      return llvm::createStringError(*Unknown);
    if (auto Invalid = invalidHeaderFilter(*Parsed, ConfigName))
      return llvm::createStringError(*Invalid);
    return std::make_unique<ConfigOptionsProvider>(std::move(Global), std::move(Defaults),
                                                   std::move(*Parsed), std::move(Overrides));
  }
  return std::make_unique<StrictFileOptionsProvider>(std::move(Global), std::move(Defaults),
                                                     std::move(Overrides));
}

// Compiler flags come from the flags after `--`, else from `-p`, else from
// the nearest compilation database above the first source; never from a
// silent guess.

/// The flags after `--`, removed from the command line; null without `--`.
llvm::Expected<std::unique_ptr<tooling::CompilationDatabase>>
takeFlagsAfterDoubleDash(int &Argc, const char **Argv) {
  std::string Error;
  if (auto Fixed = tooling::FixedCompilationDatabase::loadFromCommandLine(Argc, Argv, Error))
    return std::move(Fixed);
  if (!Error.empty())
    return llvm::createStringError(Error);
  return nullptr;
}

/// Why the compilation database at \p Path is not one, if it is not. LLVM's
/// loader reports a file that is not JSON as "could not auto-detect" or, for
/// some syntax errors, as a database without files.
std::optional<std::string> malformedDatabase(llvm::StringRef Path) {
  auto Text = llvm::MemoryBuffer::getFile(Path);
  if (!Text)
    return ("cannot read the compilation database '" + Path + "': " + Text.getError().message())
        .str();
  if ((*Text)->getBuffer().trim().empty())
    return ("invalid compilation database '" + Path + "': the file is empty").str();
  llvm::Expected<llvm::json::Value> Parsed = llvm::json::parse((*Text)->getBuffer());
  if (!Parsed)
    return ("invalid compilation database '" + Path + "': " + llvm::toString(Parsed.takeError()))
        .str();
  if (!Parsed->getAsArray())
    return ("invalid compilation database '" + Path + "': not a JSON array of commands").str();
  return std::nullopt;
}

/// The same for the database that would be found above \p Source: the
/// nearest compile_commands.json, which LLVM would skip for the next one up
/// when it does not load.
std::optional<std::string> malformedDatabaseAbove(llvm::StringRef Source) {
  for (llvm::StringRef Dir = llvm::sys::path::parent_path(Source); !Dir.empty();
       Dir = llvm::sys::path::parent_path(Dir)) {
    llvm::SmallString<256> JSONPath(Dir);
    llvm::sys::path::append(JSONPath, "compile_commands.json");
    if (llvm::sys::fs::exists(JSONPath))
      return malformedDatabase(JSONPath);
  }
  return std::nullopt;
}

/// Why temporary files cannot be made, if they cannot: git and the workers
/// talk to the driver through them, and a failure there is no fault of the
/// repository or of the file being analysed.
std::optional<std::string> unusableTemporaryDirectory() {
  llvm::SmallString<128> Probe;
  int FD;
  if (std::error_code EC = llvm::sys::fs::createTemporaryFile("csp-tidy", "probe", FD, Probe)) {
    llvm::SmallString<128> Directory;
    llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, Directory);
    return ("cannot create temporary files in '" + Directory + "': " + EC.message() +
            "; set TMPDIR to a writable directory")
        .str();
  }
  llvm::sys::Process::SafelyCloseFileDescriptor(FD);
  llvm::sys::fs::remove(Probe);
  return std::nullopt;
}

/// Whether a file has a command of its own in the database, not one the
/// database inferred from a neighbour: a file missing from it would be
/// analysed with guessed flags.
bool inDatabase(const tooling::CompilationDatabase &DB, llvm::StringRef File) {
  for (const tooling::CompileCommand &Command : DB.getCompileCommands(File))
    if (Command.Heuristic.empty())
      return true;
  return false;
}


/// The files of \p Sources (the whole database, sorted) a diff run
/// analyses: those the change touched, and those that include a file it
/// touched that is not one of them (a header), as their preprocessor says.
std::vector<std::string> changedSources(const tooling::CompilationDatabase &DB,
                                        std::vector<std::string> Sources,
                                        const ChangedLines &Changed,
                                        const FileSystemFactory &MakeFS, unsigned Jobs) {
  llvm::StringSet<> InDatabase;
  for (const std::string &File : Sources)
    InDatabase.insert(realPath(File));
  llvm::StringSet<> Headers;
  for (const std::string &File : Changed.files())
    if (!InDatabase.contains(realPath(File)))
      Headers.insert(realPath(File));
  std::vector<std::string> Touched, Others;
  for (std::string &File : Sources)
    (Changed.touches(File) ? Touched : Others).push_back(std::move(File));
  if (Headers.empty())
    return Touched;
  std::vector<IncludeScan> Scans = scanIncludes(DB, Others, Headers, MakeFS, Jobs);
  for (size_t I = 0; I < Others.size(); ++I)
    if (Scans[I].Failed || !Scans[I].Headers.empty())
      Touched.push_back(std::move(Others[I]));
  llvm::sort(Touched);
  return Touched;
}

/// Whether \p File is named as a header is (`.h`, `.hpp`, ...), as clang's
/// driver tells them from sources.
bool isHeaderName(llvm::StringRef File) {
  llvm::StringRef Extension = llvm::sys::path::extension(File);
  return !Extension.empty() && driver::types::onlyPrecompileType(
                                   driver::types::lookupTypeForExtension(Extension.drop_front()));
}

/// \p Named with every file \p Through accepts (a header) replaced by the
/// first of \p Sources (sorted) that includes it, which then reports the
/// findings in it alone (and its own when it was named too): the files to
/// analyse, and each one's worker arguments. A header no source includes
/// is an error, or with \p OwnFileOtherwise analysed as its own file.
llvm::Expected<std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>>>
throughIncludingFiles(const tooling::CompilationDatabase &DB,
                      llvm::ArrayRef<std::string> Named,
                      llvm::function_ref<bool(const std::string &)> Through,
                      std::vector<std::string> All, bool OwnFileOtherwise,
                      const FileSystemFactory &MakeFS, unsigned Jobs) {
  llvm::StringSet<> Headers;
  for (const std::string &File : Named)
    if (Through(File))
      Headers.insert(realPath(absolutePath(File)));
  llvm::sort(All);
  std::vector<IncludeScan> Scans = scanIncludes(DB, All, Headers, MakeFS, Jobs);
  std::vector<std::string> Files;
  std::vector<std::vector<std::string>> Args;
  llvm::StringMap<size_t> Index;
  auto Add = [&](const std::string &File) -> std::vector<std::string> & {
    auto [It, Inserted] = Index.try_emplace(realPath(absolutePath(File)), Files.size());
    if (Inserted) {
      Files.push_back(File);
      Args.emplace_back();
    }
    return Args[It->second];
  };
  // A file named itself reports all its findings, also when it includes a
  // named header: its worker then reports both.
  llvm::StringSet<> Whole;
  for (const std::string &File : Named)
    if (!Through(File))
      Whole.insert(realPath(absolutePath(File)));
  for (const std::string &File : Named) {
    std::string Real = realPath(absolutePath(File));
    if (Headers.contains(Real)) {
      auto Includer = llvm::find_if(Scans, [&](const IncludeScan &S) {
        return !S.Failed && S.Headers.contains(Real);
      });
      if (Includer == Scans.end() && OwnFileOtherwise) {
        std::vector<std::string> &Own = Add(File);
        if (!Own.empty())
          Own.push_back("--worker-report=" + File);
        continue;
      }
      if (Includer == Scans.end())
        return llvm::createStringError(
            "'" + File + "' is not in the compilation database, and none of its files "
            "includes it; its flags would be guessed from other files (regenerate "
            "compile_commands.json, or pass flags after '--')");
      const std::string &Source = All[Includer - Scans.begin()];
      std::vector<std::string> &Own = Add(Source);
      if (Own.empty() && Whole.contains(realPath(Source)))
        Own.push_back("--worker-report=" + Source);
      Own.push_back("--worker-report=" + File);
    } else {
      std::vector<std::string> &Own = Add(File);
      if (!Own.empty())
        Own.push_back("--worker-report=" + File);
    }
  }
  return std::pair{std::move(Files), std::move(Args)};
}

struct FilesWithChecks {
  std::vector<std::string> Files;
  std::vector<std::string> Checks; // enabled for at least one of them, sorted
};

/// The files of \p Files that their own configuration enables a check for,
/// and those checks: a directory's .clang-tidy may turn every check off for
/// its files, which is no reason to skip the others.
FilesWithChecks filesWithChecks(ClangTidyOptionsProvider &Provider,
                                llvm::ArrayRef<std::string> Files) {
  FilesWithChecks Result;
  std::set<std::string> Checks;
  for (const std::string &File : Files) {
    std::vector<std::string> Names =
        getCheckNames(Provider.getOptions(absolutePath(File)), false);
    if (Names.empty())
      continue;
    Result.Files.push_back(File);
    Checks.insert(Names.begin(), Names.end());
  }
  Result.Checks.assign(Checks.begin(), Checks.end());
  return Result;
}

/// The staged files over nothing: pushed over the real file system, the
/// compiler and the snippets read the index's content for them.
llvm::IntrusiveRefCntPtr<llvm::vfs::InMemoryFileSystem>
stagedFileSystem(llvm::ArrayRef<std::pair<std::string, std::string>> Files) {
  auto FS = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  for (const auto &[Path, Content] : Files)
    FS->addFile(Path, 0, llvm::MemoryBuffer::getMemBufferCopy(Content, Path));
  return FS;
}

/// The form the driver hands the staged files to its workers in.
llvm::json::Value stagedToJSON(llvm::ArrayRef<std::pair<std::string, std::string>> Files) {
  llvm::json::Array List;
  for (const auto &[Path, Content] : Files)
    List.push_back(
        llvm::json::Object{{"file", bytesToJSON(Path)}, {"content", bytesToJSON(Content)}});
  return List;
}

std::optional<std::vector<std::pair<std::string, std::string>>>
stagedFromJSON(const llvm::json::Value &V) {
  const llvm::json::Array *List = V.getAsArray();
  if (!List)
    return std::nullopt;
  std::vector<std::pair<std::string, std::string>> Files;
  for (const llvm::json::Value &Entry : *List) {
    const llvm::json::Object *O = Entry.getAsObject();
    const llvm::json::Value *File = O ? O->get("file") : nullptr;
    const llvm::json::Value *Content = O ? O->get("content") : nullptr;
    std::string Path, Text;
    if (!File || !Content || !bytesFromJSON(*File, Path) || !bytesFromJSON(*Content, Text))
      return std::nullopt;
    Files.emplace_back(std::move(Path), std::move(Text));
  }
  return Files;
}

/// The configured options with every header's findings let through: a worker
/// for a change or a named header applies the header filter itself
/// (HeaderRules), so that the headers the change touched, or that were named,
/// are reported whatever the filter says.
class EveryHeaderProvider : public ClangTidyOptionsProvider {
public:
  explicit EveryHeaderProvider(std::unique_ptr<ClangTidyOptionsProvider> Inner)
      : Inner(std::move(Inner)) {}
  const ClangTidyGlobalOptions &getGlobalOptions() override { return Inner->getGlobalOptions(); }
  std::vector<OptionsSource> getRawOptions(llvm::StringRef FileName) override {
    std::vector<OptionsSource> Sources = Inner->getRawOptions(FileName);
    ClangTidyOptions Every;
    Every.HeaderFilterRegex = ".*";
    Sources.emplace_back(std::move(Every), "csp-tidy (headers filtered after the analysis)");
    return Sources;
  }

private:
  std::unique_ptr<ClangTidyOptionsProvider> Inner;
};

/// Which findings outside the analysed file a worker reports, when the
/// header filter let every header through (EveryHeaderProvider).
struct HeaderRules {
  std::string MainFile; // real path
  /// The configured -header-filter / HeaderFilterRegex; none matches nothing.
  std::optional<llvm::Regex> Filter;
  /// When not empty, only findings in these files (real paths) are reported.
  llvm::StringSet<> ReportOnly;
};

/// Analyses \p Files in this process, prints what is left after the diff
/// filter and the baseline as clang-tidy does (applying fixes when asked),
/// and returns it. False in \p Compiled when a file did not compile.
Outcome analyseHere(std::unique_ptr<ClangTidyOptionsProvider> Provider,
                    const tooling::CompilationDatabase &Compilations,
                    llvm::ArrayRef<std::string> Files, Baseline *Accepted,
                    const ChangedLines *Changed, const HeaderRules *Headers,
                    llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> StagedFS, bool PrintText,
                    bool &Compiled, std::string &ExportError) {
  auto BaseFS = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(
      llvm::vfs::getRealFileSystem());
  if (StagedFS)
    BaseFS->pushOverlay(StagedFS);
  ClangTidyContext Context(std::move(Provider));
  FunctionBodies Bodies;
  std::function<bool(llvm::StringRef)> WantBodies;
  if (Changed)
    WantBodies = [&](llvm::StringRef File) { return Changed->removesFrom(File); };
  std::vector<ClangTidyError> Errors = runClangTidyRecordingBodies(
      Context, Compilations, Files, BaseFS, Fix || FixNotes, checkProfileEnabled(),
      checkProfilePrefix(), WantBodies, Bodies);

  Outcome Result;
  Result.SuppressedByNoLint = Context.getStats().ErrorsIgnoredNOLINT;
  Result.HiddenInHeaders = Context.getStats().ErrorsIgnoredNonUserCode;
  SourceTexts Sources(BaseFS);
  std::vector<ClangTidyError> Shown;
  Compiled = true;
  // The baseline matches the file's findings all at once: an exact match
  // elsewhere in the file must not lose its entry to a looser one first.
  std::vector<Finding> Candidates;
  std::vector<size_t> CandidateErrors;
  for (size_t I = 0; I < Errors.size(); ++I) {
    ClangTidyError &E = Errors[I];
    if (isCompilerError(E)) {
      Compiled = false;
      continue;
    }
    // What a check found wrong with the configuration (a role option naming
    // what this file shows does not exist) is said, not a finding.
    if (E.DiagnosticName == "clang-tidy-config") {
      (E.DiagLevel == ClangTidyError::Error
           ? llvm::WithColor::error(llvm::errs(), "csp-tidy", plainErrors())
           : llvm::WithColor::warning(llvm::errs(), "csp-tidy", plainErrors()))
          << E.Message.Message << "\n";
      continue;
    }
    Finding F = toFinding(E, Sources);
    if (Headers) {
      std::string File = realPath(F.Where.File);
      if (!Headers->ReportOnly.empty()) {
        if (!Headers->ReportOnly.contains(File))
          continue;
      } else if (File != Headers->MainFile && !(Changed && Changed->touches(File)) &&
                 !(Headers->Filter && Headers->Filter->match(E.Message.FilePath))) {
        // As clang-tidy would have matched and counted it.
        ++Result.HiddenInHeaders;
        continue;
      }
    }
    if (Changed) {
      Bodies.fill(F);
      if (!Changed->isNew(F))
        continue;
    }
    Candidates.push_back(std::move(F));
    CandidateErrors.push_back(I);
  }
  std::vector<bool> InBaseline =
      Accepted ? Accepted->accept(Candidates) : std::vector<bool>(Candidates.size());
  std::vector<bool> Show(Errors.size());
  for (size_t I = 0; I < Errors.size(); ++I)
    Show[I] = isCompilerError(Errors[I]);
  for (size_t C = 0; C < Candidates.size(); ++C) {
    if (InBaseline[C]) {
      Result.Baselined.push_back(std::move(Candidates[C]));
      continue;
    }
    Result.Findings.push_back(std::move(Candidates[C]));
    Show[CandidateErrors[C]] = true;
  }
  for (size_t I = 0; I < Errors.size(); ++I)
    if (Show[I])
      Shown.push_back(std::move(Errors[I]));

  // Fixes are never applied to code that did not compile: the AST they were
  // computed on is not the program.
  FixBehaviour Behaviour =
      !Compiled ? FB_NoFix : FixNotes ? FB_FixNotes : Fix ? FB_Fix : FB_NoFix;
  unsigned WarningsAsErrorsCount = 0;
  if (PrintText || Behaviour != FB_NoFix) {
    handleErrors(Shown, Context, Behaviour, WarningsAsErrorsCount, BaseFS);
  } else if (!Compiled) {
    // The report owns stdout; why the file could not be analysed still
    // has to be said.
    for (const ClangTidyError &E : Shown)
      if (isCompilerError(E)) {
        Finding F = toFinding(E, Sources);
        llvm::errs() << F.Where.File << ":" << F.Where.Line << ":" << F.Where.Column
                     << ": error: " << F.Message << "\n";
      }
  }
  if (!WorkerFixes.empty() && Compiled) {
    std::string YAML;
    llvm::raw_string_ostream OS(YAML);
    exportReplacements(Files.size() == 1 ? Files.front() : "", Shown, OS);
    if (llvm::Error E = writeOutputFile(WorkerFixes, YAML))
      ExportError = llvm::toString(std::move(E));
  }
  return Result;
}

/// Each file's process matched its findings against the whole baseline, so
/// an entry of a file that is gone can have accepted the same code in two
/// files. Matched once more over the whole run, an entry accepts one finding:
/// any other is new, printed here as it was not printed with its file.
Baseline matchOverTheRun(Baseline B, std::vector<Finding> &Findings,
                         std::vector<Finding> &Baselined, bool PrintText) {
  std::vector<bool> Accepted = B.accept(Baselined);
  std::vector<Finding> Kept;
  for (size_t I = 0; I < Baselined.size(); ++I) {
    if (Accepted[I]) {
      Kept.push_back(std::move(Baselined[I]));
      continue;
    }
    const Finding &F = Baselined[I];
    if (PrintText)
      llvm::outs() << F.Where.File << ":" << F.Where.Line << ":" << F.Where.Column << ": "
                   << (F.IsError ? "error" : "warning") << ": " << F.Message << " [" << F.Check
                   << "]\n";
    Findings.push_back(std::move(Baselined[I]));
  }
  Baselined = std::move(Kept);
  sortAndDeduplicate(Findings);
  return B;
}

/// After a run over the whole database: the entries that matched nothing
/// (the finding was fixed, or its code changed), and with --baseline-prune
/// the baseline rewritten without them.
llvm::Error reportStaleEntries(const Baseline &B) {
  std::vector<const Baseline::Entry *> Stale = B.unused();
  if (Stale.empty())
    return llvm::Error::success();
  if (!Quiet || BaselinePrune)
    for (const Baseline::Entry *E : Stale)
      llvm::errs() << "csp-tidy: baseline entry matches no finding any more: " << E->File << ":"
                   << E->Line << ": " << E->Message << " [" << E->Check << "]\n";
  llvm::StringRef Entries = Stale.size() == 1 ? "entry" : "entries";
  if (BaselinePrune) {
    if (llvm::Error Error = B.writeUsed(BaselineFile))
      return Error;
    llvm::errs() << "csp-tidy: " << Stale.size() << " stale baseline " << Entries
                 << " removed from '" << BaselineFile << "'\n";
  } else if (!Quiet) {
    llvm::errs() << "csp-tidy: " << Stale.size() << " stale baseline " << Entries
                 << "; --baseline-prune removes " << (Stale.size() == 1 ? "it" : "them") << "\n";
  }
  return llvm::Error::success();
}

} // namespace

int main(int argc, const char **argv) {
  llvm::InitLLVM X(argc, argv);
  forwardInterruptsToChildren();
  llvm::InitializeAllTargetInfos(); // the driver guesses targets from flags
  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter(printVersion);

  // Workers get the user's arguments as typed, `--` and its flags included
  // (response files too: they expand them themselves).
  std::vector<std::string> UserArgs(argv + 1, argv + argc);
  llvm::BumpPtrAllocator ArgsMemory;
  llvm::SmallVector<const char *, 64> Args(argv, argv + argc);
  if (llvm::Error E = expandResponseFiles(Args, ArgsMemory))
    return fail(llvm::toString(std::move(E)));
  // What the workers read of the command line, response files expanded.
  std::vector<std::string> ExpandedArgs(Args.begin() + 1, Args.end());
  argc = Args.size();
  argv = Args.data();
  auto Fixed = takeFlagsAfterDoubleDash(argc, argv);
  if (!Fixed)
    return fail(llvm::toString(Fixed.takeError()));
  std::string ParseError;
  if (!parseCommandLine(
          argc, argv,
          "finds Go-style concurrency bugs (channels, wait groups, tasks).\n\n"
          "  Compiler flags come from -p <build-dir>, from the flags after '--', or\n"
          "  from the nearest compile_commands.json above the first source.\n"
          "  Exit status: 0 no findings, 1 findings, 2 the input could not be analysed.\n",
          ParseError))
    return fail(ParseError + "; see 'csp-tidy --help'");

  if (Explain.getNumOccurrences()) {
    if (std::optional<llvm::StringRef> Doc = checkDoc(Explain)) {
      llvm::outs() << *Doc;
      return ExitClean;
    }
    llvm::StringSet<> Documented;
    for (llvm::StringRef Name : documentedChecks())
      Documented.insert(Name);
    return fail("no csp check named '" + Explain + "'" +
                hintFor(Explain, Documented, ListChecksHint));
  }

  // Before any check is looked up: a plugin's checks are checks like ours.
  if (llvm::Error E = loadPlugins())
    return fail(llvm::toString(std::move(E)));
  auto Provider = createOptionsProvider();
  if (!Provider)
    return fail(llvm::toString(Provider.takeError()));
  std::optional<HeaderRules> Headers;
  if (!WorkerFile.empty() && (!WorkerChangedLines.empty() || !WorkerReport.empty())) {
    Headers.emplace();
    std::string Main = absolutePath(WorkerFile);
    Headers->MainFile = realPath(Main);
    std::optional<std::string> Filter = (*Provider)->getOptions(Main).HeaderFilterRegex;
    if (Filter && !Filter->empty())
      Headers->Filter.emplace(*Filter);
    for (const std::string &File : WorkerReport)
      Headers->ReportOnly.insert(realPath(absolutePath(File)));
    *Provider = std::make_unique<EveryHeaderProvider>(std::move(*Provider));
  }
  // A typo in -checks would otherwise turn a CI gate off without a word.
  if (auto Unknown = unknownCheckIn(Checks, /*OnlyCsp=*/false))
    return fail("unknown check '" + *Unknown + "'" +
                hintFor(*Unknown, knownChecks().Names, ListChecksHint));

  // -list-checks and -dump-config speak for the first file, as clang-tidy's.
  llvm::SmallString<256> AbsoluteForOptions(
      !WorkerFile.empty() ? llvm::StringRef(WorkerFile)
      : SourcePaths.empty() ? llvm::StringRef("dummy.cpp") : llvm::StringRef(SourcePaths.front()));
  llvm::sys::fs::make_absolute(AbsoluteForOptions);
  ClangTidyOptions EffectiveOptions = (*Provider)->getOptions(AbsoluteForOptions);
  if (!ConfigParseError.empty())
    return fail(ConfigParseError);
  std::vector<std::string> EnabledChecks = getCheckNames(EffectiveOptions, false);
  // What a run would refuse has been refused above; the rest is reported
  // once, by the driver, not by each worker.
  if (WorkerFile.empty()) {
    std::vector<std::string> Problems = configProblems(
        **Provider, AbsoluteForOptions, knownChecks().Names, knownChecks().Options);
    if (verifyConfigRequested()) {
      for (const std::string &Problem : Problems)
        llvm::WithColor::error(llvm::errs(), "csp-tidy", plainErrors()) << Problem << "\n";
      if (!Problems.empty())
        return ExitCannotAnalyse;
      llvm::outs() << "No config errors detected.\n";
      return ExitClean;
    }
    for (const std::string &Problem : Problems)
      llvm::WithColor::warning(llvm::errs(), "csp-tidy", plainErrors()) << Problem << "\n";
  }
  if (explainConfigRequested()) {
    explainConfig(**Provider, AbsoluteForOptions, EnabledChecks, llvm::outs());
    return ExitClean;
  }

  if (ListChecks) {
    llvm::outs() << "Enabled checks:";
    for (const std::string &Name : EnabledChecks)
      llvm::outs() << "\n    " << Name;
    llvm::outs() << "\n\n";
    return ExitClean;
  }
  if (DumpConfig) {
    // As clang-tidy does: every enabled check's options, defaults included.
    EffectiveOptions.CheckOptions =
        getCheckOptions(EffectiveOptions, /*AllowEnablingAnalyzerAlphaCheckers=*/false);
    llvm::outs() << configurationAsText(ClangTidyOptions::getDefaults().merge(
                        EffectiveOptions, 0))
                 << "\n";
    return ExitClean;
  }
  if (!BaselineFile.empty() && !BaselineWrite.empty())
    return fail("--baseline and --baseline-write cannot be used together");
  if (BaselinePrune && BaselineFile.empty())
    return fail("--baseline-prune rewrites the file --baseline names; give it");
  // A run over part of the database would take the other files' entries
  // for stale.
  bool WholeDatabase = (SourcePaths.empty() || Merge) && DiffBase.empty();
  if (BaselinePrune && WorkerFile.empty() && !WholeDatabase)
    return fail("--baseline-prune needs a run over the whole compilation database: no files, "
                "no --diff-base");
  // A baseline written from the findings on changed lines would drop every
  // other accepted finding.
  if (!BaselineWrite.empty() && !DiffBase.empty())
    return fail("--baseline-write records every finding; it cannot be used with --diff-base");
  std::optional<Format> OutputFormat = llvm::StringSwitch<std::optional<Format>>(FormatName)
                                           .Case("text", Format::Text)
                                           .Case("json", Format::JSON)
                                           .Case("sarif", Format::SARIF)
                                           .Case("codeclimate", Format::CodeClimate)
                                           .Default(std::nullopt);
  if (!OutputFormat)
    return fail("unknown --format '" + FormatName + "'; use text, json, sarif or codeclimate");
  if (!OutputFile.empty() && *OutputFormat == Format::Text)
    return fail("--output writes a report; choose it with --format=json, sarif or codeclimate");
  bool Fixing = Fix || FixNotes || !ExportFixes.empty();
  bool ReportOnStdout = OutputFormat != Format::Text && OutputFile.empty();
  if (Fixing && ReportOnStdout)
    return fail("-fix and -export-fixes print text; write the report with --output <file>");
  if (!BaseDir.empty() && !llvm::sys::fs::is_directory(BaseDir))
    return fail("--base-dir '" + BaseDir + "' is not a directory");
  bool BaseDirGiven = !BaseDir.empty();
  BaseDir = BaseDirGiven ? absolutePath(BaseDir) : defaultBaseDir();
  if (Staged && Fixing)
    return fail("--staged analyses what is staged, and -fix and -export-fixes would edit the "
                "work tree; fix there, then stage");

  // Everything the run reads or writes is checked before any file is
  // analysed: a bad baseline, revision or output path found after minutes of
  // analysis would waste them. (A worker writes none of the user's files.)
  if (WorkerFile.empty())
    for (const std::string *Path : {&OutputFile.getValue(), &BaselineWrite.getValue(),
                                    &ExportFixes.getValue()})
      if (!Path->empty())
        if (llvm::Error E = checkWritable(*Path))
          return fail(llvm::toString(std::move(E)));
  std::optional<Baseline> Accepted;
  if (!BaselineFile.empty()) {
    auto Read = Baseline::read(BaselineFile, BaseDir);
    if (!Read)
      return fail(llvm::toString(Read.takeError()));
    Accepted = std::move(*Read);
  }
  // The workers, or analyseHere, match each file against the whole
  // baseline; the run's findings are matched again against this copy.
  std::optional<Baseline> Pristine = Accepted;
  std::optional<ChangedLines> Changed;
  if (!WorkerChangedLines.empty()) {
    auto Text = llvm::MemoryBuffer::getFile(WorkerChangedLines);
    auto Parsed = Text ? llvm::json::parse((*Text)->getBuffer())
                       : llvm::Expected<llvm::json::Value>(
                             llvm::errorCodeToError(Text.getError()));
    if (!Parsed)
      return fail("cannot read the changed lines: " + llvm::toString(Parsed.takeError()));
    Changed = ChangedLines::fromJSON(*Parsed);
    if (!Changed)
      return fail("cannot read the changed lines: not in the driver's format");
  } else if (!DiffBase.empty()) {
    if (auto Why = unusableTemporaryDirectory())
      return fail(*Why);
    auto Lines = ChangedLines::against(DiffBase, BaseDir, SourcePaths, Staged);
    if (!Lines)
      return fail(llvm::toString(Lines.takeError()));
    Changed = std::move(*Lines);
  }

  // The index's content of the files it holds differently from the work
  // tree: the driver asks git, its workers read the driver's answer.
  std::vector<std::pair<std::string, std::string>> StagedFiles;
  if (!WorkerStaged.empty()) {
    auto Text = llvm::MemoryBuffer::getFile(WorkerStaged);
    auto Parsed = Text ? llvm::json::parse((*Text)->getBuffer())
                       : llvm::Expected<llvm::json::Value>(
                             llvm::errorCodeToError(Text.getError()));
    if (!Parsed)
      return fail("cannot read the staged files: " + llvm::toString(Parsed.takeError()));
    auto Read = stagedFromJSON(*Parsed);
    if (!Read)
      return fail("cannot read the staged files: not in the driver's format");
    StagedFiles = std::move(*Read);
  } else if (Staged && WorkerFile.empty()) {
    auto Read = stagedContents(BaseDir, BaseDir);
    if (!Read)
      return fail(llvm::toString(Read.takeError()));
    StagedFiles = std::move(*Read);
  }
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> StagedFS;
  if (!StagedFiles.empty())
    StagedFS = stagedFileSystem(StagedFiles);

  std::vector<std::string> Files;
  if (!WorkerFile.empty())
    Files.push_back(WorkerFile);
  else
    for (const std::string &Path : SourcePaths) {
      if (!llvm::sys::fs::exists(Path))
        return fail("no such file: '" + Path + "'");
      Files.push_back(Path);
    }
  if (Merge && (*Fixed || !BuildPath.empty() || Fixing))
    return fail("--merge reports the findings files of a build; it takes no -p, compiler "
                "flags, -fix or -export-fixes");
  if (Merge && !CacheDir.empty())
    return fail("--merge reads a build's findings files; it takes no --cache-dir");
  if (Merge && Files.empty())
    return fail("--merge needs the directories the build wrote its findings files to");
  bool FromDatabase = !*Fixed && !Merge;
  if (Files.empty() && !FromDatabase)
    return fail("no input files; usage: csp-tidy [options] <source>... [-- <flags>]");
  if (Files.empty() && BuildPath.empty())
    return fail("no input files; name files, or pass -p <build-dir> to analyse every file "
                "of its compile_commands.json");

  std::unique_ptr<tooling::CompilationDatabase> Compilations = std::move(*Fixed);
  if (!Compilations && !Merge) {
    std::string Error;
    if (!BuildPath.empty()) {
      llvm::SmallString<256> JSONPath(BuildPath);
      llvm::sys::path::append(JSONPath, "compile_commands.json");
      if (llvm::sys::fs::exists(JSONPath)) {
        if (auto Why = malformedDatabase(JSONPath))
          return fail(*Why);
        Compilations = tooling::JSONCompilationDatabase::loadFromFile(
            JSONPath, Error, tooling::JSONCommandLineSyntax::AutoDetect);
        if (!Compilations)
          return fail("invalid compilation database '" + JSONPath +
                      "': " + llvm::StringRef(Error).trim().split('\n').first);
      } else {
        Compilations = tooling::CompilationDatabase::autoDetectFromDirectory(BuildPath, Error);
      }
      if (!Compilations)
        return fail("no compilation database in '" + BuildPath +
                    "'; generate compile_commands.json there "
                    "(cmake -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)");
    } else {
      if (auto Why = malformedDatabaseAbove(absolutePath(Files.front())))
        return fail(*Why);
      Compilations = tooling::CompilationDatabase::autoDetectFromSource(absolutePath(Files.front()),
                                                                        Error);
      if (!Compilations)
        return fail("no compilation database found for '" + Files.front() +
                    "'; pass -p <build-dir> or compiler flags after '--'");
    }
  }
  // Per file analysed, when some are: its worker's own arguments.
  std::vector<std::vector<std::string>> FileArgs;
  unsigned ScanJobs = Jobs ? unsigned(Jobs) : llvm::hardware_concurrency().compute_thread_count();
  // One per scanning thread: each sets its own working directory.
  auto ScanFS = [&]() -> llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> {
    auto FS = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(
        llvm::vfs::createPhysicalFileSystem());
    if (!StagedFiles.empty())
      FS->pushOverlay(stagedFileSystem(StagedFiles));
    return FS;
  };
  if (FromDatabase && WorkerFile.empty()) {
    if (Files.empty()) {
      Files = Compilations->getAllFiles();
      if (Files.empty())
        return fail("the compilation database in '" + BuildPath +
                    "' lists no files; check the configure step that writes it");
      llvm::sort(Files);
      if (Changed)
        Files = changedSources(*Compilations, std::move(Files), *Changed, ScanFS, ScanJobs);
    } else {
      // A database that lists its files: a file it has no command for is
      // analysed through one that includes it. One that does not
      // (compile_flags.txt) gives every file its flags, a header's too, but
      // a `.h` would be parsed as C: a header is analysed through the
      // repository's sources that include it, else as its own file.
      std::vector<std::string> Sources = Compilations->getAllFiles();
      bool Listed = !Sources.empty();
      auto Through = [&](const std::string &F) {
        return Listed ? !inDatabase(*Compilations, absolutePath(F)) : isHeaderName(F);
      };
      if (llvm::any_of(Files, Through)) {
        auto Replaced = throughIncludingFiles(
            *Compilations, Files, Through, Listed ? std::move(Sources) : trackedSources(BaseDir),
            /*OwnFileOtherwise=*/!Listed, ScanFS, ScanJobs);
        if (!Replaced)
          return fail(llvm::toString(Replaced.takeError()));
        Files = std::move(Replaced->first);
        FileArgs = std::move(Replaced->second);
      }
    }
  }
  unsigned SkippedFiles = 0;
  if (!Files.empty() && !Merge) {
    auto Checked = filesWithChecks(**Provider, Files);
    if (!ConfigParseError.empty())
      return fail(ConfigParseError);
    SkippedFiles = Files.size() - Checked.Files.size();
    if (!FileArgs.empty()) {
      std::vector<std::vector<std::string>> Kept;
      for (size_t I = 0, J = 0; I < Files.size() && J < Checked.Files.size(); ++I)
        if (Files[I] == Checked.Files[J]) {
          Kept.push_back(std::move(FileArgs[I]));
          ++J;
        }
      FileArgs = std::move(Kept);
    }
    Files = std::move(Checked.Files);
    EnabledChecks = std::move(Checked.Checks);
  }
  if (EnabledChecks.empty() && allowNoChecks())
    return ExitClean;
  if (EnabledChecks.empty())
    return fail("no checks enabled; check -checks and the 'Checks' of .clang-tidy");
  auto Adjusted = std::make_unique<tooling::ArgumentsAdjustingCompilations>(std::move(Compilations));
  if (!ArgsBefore.empty())
    Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
        ArgsBefore, tooling::ArgumentInsertPosition::BEGIN));
  if (!ArgsAfter.empty())
    Adjusted->appendArgumentsAdjuster(
        tooling::getInsertArgumentAdjuster(ArgsAfter, tooling::ArgumentInsertPosition::END));
  // -quiet is quiet: clang's "N warnings generated." is printed only with
  // caret diagnostics on, which clang-tidy's own output does not use.
  if (Quiet)
    Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
        "-fno-caret-diagnostics", tooling::ArgumentInsertPosition::END));

  bool PrintText = !ReportOnStdout;
  Run Report;
  Report.BaseDir = BaseDir;
  Report.EnabledChecks = EnabledChecks;
  Report.DocsURL = DocsURL;
  std::vector<Finding> Baselined;
  unsigned SuppressedByNoLint = 0, HiddenInHeaders = 0;
  // Fixes are made one file after another, so that two files fixing a
  // header they share do not overwrite each other's edits: the second is
  // analysed with the first one's fixes in place.
  unsigned Threads = Fixing ? 1
                     : Jobs ? unsigned(Jobs)
                            : llvm::hardware_concurrency().compute_thread_count();
  bool IsWorker = !WorkerFile.empty();
  std::unique_ptr<ResultCache> Cache;
  if (Files.empty()) {
    // Nothing changed that the database compiles: nothing to report.
  } else if (Merge) {
    auto Outcomes = readFindingsFiles(Files);
    if (!Outcomes)
      return fail(llvm::toString(Outcomes.takeError()));
    std::vector<Finding> Candidates = mergeOutcomes(*Outcomes, Changed ? &*Changed : nullptr,
                                                    SuppressedByNoLint, HiddenInHeaders);
    std::vector<bool> InBaseline =
        Accepted ? Accepted->accept(Candidates) : std::vector<bool>(Candidates.size());
    for (size_t I = 0; I < Candidates.size(); ++I)
      (InBaseline[I] ? Baselined : Report.Findings).push_back(std::move(Candidates[I]));
    if (PrintText) {
      for (const Finding &F : Report.Findings)
        printFinding(llvm::outs(), F);
      // Before the summary on stderr, as the findings of a driver run are.
      llvm::outs().flush();
    }
  } else if (IsWorker) {
    bool Compiled = true;
    std::string ExportError;
    Outcome Result = analyseHere(std::move(*Provider), *Adjusted, Files,
                                 Accepted ? &*Accepted : nullptr, Changed ? &*Changed : nullptr,
                                 Headers ? &*Headers : nullptr, StagedFS, PrintText, Compiled,
                                 ExportError);
    if (!ConfigParseError.empty())
      return fail(ConfigParseError);
    if (!ExportError.empty())
      return fail(ExportError);
    if (!Compiled)
      return fail("could not analyse the file: it does not compile with the given flags");
    // A worker hands its findings back to the driver that started it.
    std::string Text;
    llvm::raw_string_ostream(Text) << llvm::json::Value(toJSON(Result));
    if (auto Error = writeOutputFile(WorkerFindings, Text))
      return fail(llvm::toString(std::move(Error)));
    return Result.Findings.empty() ? ExitClean : ExitFindings;
  } else {
    // Every file is analysed in a process of its own, a single file too: a
    // crash costs that file only, with an error line and exit 2, and the
    // fixes and findings of the others are kept.
    if (auto Why = unusableTemporaryDirectory())
      return fail(*Why);
    std::string Self = llvm::sys::fs::getMainExecutable(argv[0], (void *)&fail);
    std::vector<std::string> WorkerArgs;
    // The base directory is found once (it may take git to find it).
    if (!BaseDirGiven)
      WorkerArgs.push_back("--base-dir=" + BaseDir);
    // git runs once: the workers get its answer.
    llvm::SmallString<128> ChangedPath;
    if (Changed) {
      int FD;
      if (std::error_code EC =
              llvm::sys::fs::createTemporaryFile("csp-tidy-changed", "json", FD, ChangedPath))
        return fail("cannot create a temporary file: " + EC.message());
      llvm::sys::RemoveFileOnSignal(ChangedPath);
      llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
      OS << Changed->toJSON();
      WorkerArgs.push_back(("--worker-changed-lines=" + ChangedPath).str());
    }
    llvm::SmallString<128> StagedPath;
    if (!StagedFiles.empty()) {
      int FD;
      if (std::error_code EC =
              llvm::sys::fs::createTemporaryFile("csp-tidy-staged", "json", FD, StagedPath))
        return fail("cannot create a temporary file: " + EC.message());
      llvm::sys::RemoveFileOnSignal(StagedPath);
      llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
      OS << stagedToJSON(StagedFiles);
      WorkerArgs.push_back(("--worker-staged=" + StagedPath).str());
    }
    // Workers print into files; colour follows where this process prints.
    if (!UseColor.getNumOccurrences())
      WorkerArgs.push_back(llvm::outs().has_colors() ? "-use-color=true" : "-use-color=false");
    llvm::append_range(WorkerArgs, UserArgs);
    if (!CacheDir.empty() && (Fix || FixNotes || checkProfileEnabled())) {
      if (!Quiet)
        llvm::errs() << "csp-tidy: cache: not used: "
                     << (checkProfileEnabled() ? "the check profile measures the analysis"
                                               : "-fix edits the files it analyses")
                     << "\n";
    } else if (!CacheDir.empty()) {
      std::string RunKey;
      {
        KeyHasher Key;
        if (llvm::Error E = Key.addTool(Self))
          return fail(llvm::toString(std::move(E)));
        Key.add(absolutePath("."));
        for (const std::string &Arg : ExpandedArgs)
          Key.add(Arg);
        // The temporary files' names change from run to run; their content
        // is what the workers read.
        for (const std::string &Arg : WorkerArgs)
          Key.add(Arg == ("--worker-changed-lines=" + ChangedPath).str() ? "changed lines"
                  : Arg == ("--worker-staged=" + StagedPath).str()     ? "staged files"
                                                                         : Arg);
        if (Changed) {
          std::string Text;
          llvm::raw_string_ostream(Text) << Changed->toJSON();
          Key.add(Text);
        }
        if (!StagedFiles.empty()) {
          std::string Text;
          llvm::raw_string_ostream(Text) << stagedToJSON(StagedFiles);
          Key.add(Text);
        }
        for (const std::string *Path : {&BaselineFile.getValue(), &ConfigFile.getValue()})
          if (!Path->empty())
            Key.addFileContent(*Path);
        for (const std::string &Plugin : pluginPaths())
          Key.addFileContent(Plugin);
        // What clang's driver reads besides its arguments.
        for (const char *Variable : {"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH",
                                     "CCC_OVERRIDE_OPTIONS", "SOURCE_DATE_EPOCH"}) {
          Key.add(Variable);
          Key.add(llvm::sys::Process::GetEnv(Variable).value_or("unset"));
        }
        RunKey = Key.hex();
      }
      std::string ResourceDir =
          "-resource-dir=" + CompilerInvocation::GetResourcesPath(argv[0], (void *)&fail);
      std::vector<CachedFile> Cached;
      for (size_t I = 0; I < Files.size(); ++I) {
        CachedFile F;
        F.File = Files[I];
        if (!FileArgs.empty())
          F.Args = FileArgs[I];
        std::string Absolute = absolutePath(Files[I]);
        ClangTidyOptions Options = (*Provider)->getOptions(Absolute);
        // The command as clang-tidy's ClangTool hands it to the compiler.
        for (tooling::CompileCommand Command : Adjusted->getCompileCommands(Absolute)) {
          for (const tooling::ArgumentsAdjuster &Adjust :
               {tooling::getClangSyntaxOnlyAdjuster(), tooling::getClangStripOutputAdjuster(),
                tooling::getClangStripDependencyFileAdjuster()})
            Command.CommandLine = Adjust(Command.CommandLine, Absolute);
          auto &Line = Command.CommandLine;
          if (Options.ExtraArgsBefore)
            Line.insert(Line.begin() + (Line.empty() || llvm::StringRef(Line[0]).starts_with("-")
                                            ? 0
                                            : 1),
                        Options.ExtraArgsBefore->begin(), Options.ExtraArgsBefore->end());
          if (Options.ExtraArgs)
            Line.insert(Line.end(), Options.ExtraArgs->begin(), Options.ExtraArgs->end());
          Line = tooling::getStripPluginsAdjuster()(Line, Absolute);
          if (llvm::none_of(Line, [](llvm::StringRef A) { return A.starts_with("-resource-dir"); }))
            Line.push_back(ResourceDir);
          // clang-tidy's preprocessor defines it (code may include other
          // headers for the analyzer).
          Line.push_back("-D__clang_analyzer__");
          F.Commands.push_back(std::move(Command));
        }
        Cached.push_back(std::move(F));
      }
      auto Opened = ResultCache::open(CacheDir, std::move(RunKey), std::move(Cached), ScanFS);
      if (!Opened)
        return fail(llvm::toString(Opened.takeError()));
      Cache = std::move(*Opened);
    }
    std::vector<FileResult> Results =
        runWorkers(Self, WorkerArgs, Files, FileArgs, Threads, !Quiet && Files.size() > 1,
                   /*CollectFixes=*/!ExportFixes.empty(), Cache.get());
    for (llvm::StringRef Path : {ChangedPath.str(), StagedPath.str()})
      if (!Path.empty()) {
        llvm::sys::fs::remove(Path);
        llvm::sys::DontRemoveFileOnSignal(Path);
      }
    // Interrupted: nothing more is written, the last report stays.
    if (int Signal = interruption())
      endBySignal(Signal);
    std::vector<std::string> Fixes;
    for (FileResult &R : Results) {
      if (R.Failure) {
        Report.Failures.push_back({absolutePath(R.File), *R.Failure});
        continue;
      }
      llvm::append_range(Report.Findings, R.Result.Findings);
      llvm::append_range(Baselined, R.Result.Baselined);
      SuppressedByNoLint += R.Result.SuppressedByNoLint;
      HiddenInHeaders += R.Result.HiddenInHeaders;
      Fixes.push_back(std::move(R.Fixes));
    }
    // The fixes of the files that were analysed, even when others failed.
    if (!ExportFixes.empty() && !Fixes.empty()) {
      auto Merged = mergeExportedFixes(Fixes, Files.size() == 1 ? Files.front() : "");
      if (!Merged)
        return fail(llvm::toString(Merged.takeError()));
      if (llvm::Error E = writeOutputFile(ExportFixes, *Merged))
        return fail(llvm::toString(std::move(E)));
    }
  }
  sortAndDeduplicate(Report.Findings);
  sortAndDeduplicate(Baselined);
  std::optional<Baseline> Matched;
  if (Accepted)
    Matched = matchOverTheRun(*Pristine, Report.Findings, Baselined, PrintText);
  Report.Baselined = Baselined.size();

  std::string ReportText;
  {
    llvm::raw_string_ostream OS(ReportText);
    switch (*OutputFormat) {
    case Format::Text:
      break;
    case Format::JSON:
      writeJSON(OS, Report);
      break;
    case Format::SARIF:
      writeSARIF(OS, Report);
      break;
    case Format::CodeClimate:
      writeCodeClimate(OS, Report);
      break;
    }
  }
  if (!OutputFile.empty()) {
    if (auto Error = writeOutputFile(OutputFile, ReportText))
      return fail(llvm::toString(std::move(Error)));
  } else {
    llvm::outs() << ReportText;
  }

  if (!BaselineWrite.empty()) {
    if (!Report.Failures.empty())
      return fail("baseline not written: " + llvm::Twine(Report.Failures.size()) +
                  " file(s) could not be analysed, and their findings would be missing");
    if (auto Error = Baseline::write(BaselineWrite, Report.Findings, BaseDir))
      return fail(llvm::toString(std::move(Error)));
  }

  unsigned Findings = Report.Findings.size();
  if (Cache && !Quiet) {
    llvm::errs() << "csp-tidy: cache: " << Cache->replayed() << " of " << Files.size()
                 << (Files.size() == 1 ? " file" : " files") << " replayed from '" << CacheDir
                 << "'";
    if (unsigned Unreadable = Cache->unreadable())
      llvm::errs() << "; " << Unreadable << " unreadable "
                   << (Unreadable == 1 ? "entry" : "entries") << " written again";
    llvm::errs() << "\n";
  }
  if (!Quiet) {
    llvm::errs() << Findings << (Findings == 1 ? " finding" : " findings");
    if (SkippedFiles)
      llvm::errs() << " (" << SkippedFiles << (SkippedFiles == 1 ? " file" : " files")
                   << " skipped: no checks enabled)";
    if (Report.Baselined)
      llvm::errs() << " (" << Report.Baselined << " more accepted by the baseline)";
    if (SuppressedByNoLint)
      llvm::errs() << " (" << SuppressedByNoLint << " suppressed by NOLINT)";
    // As clang-tidy's "Suppressed N warnings (N in non-user code)", with
    // its hint: a header filter that is too narrow hides findings silently.
    if (HiddenInHeaders)
      llvm::errs() << " (" << HiddenInHeaders << " in headers not shown; "
                   << "-header-filter='.*' shows them, -system-headers those in system "
                   << "headers)";
    if (!BaselineWrite.empty())
      llvm::errs() << "; recorded in the baseline '" << BaselineWrite << "'";
    llvm::errs() << "\n";
  }
  if (Matched && WholeDatabase && Report.Failures.empty())
    if (auto Error = reportStaleEntries(*Matched))
      return fail(llvm::toString(std::move(Error)));
  // A single file's error line has said it all.
  if (!Report.Failures.empty() && Files.size() == 1)
    return ExitCannotAnalyse;
  if (!Report.Failures.empty())
    return fail(llvm::Twine(Report.Failures.size()) + " of " + llvm::Twine(Files.size()) +
                " files could not be analysed (see the errors above)");
  if (!BaselineWrite.empty())
    return ExitClean;
  return Findings ? ExitFindings : ExitClean;
}
