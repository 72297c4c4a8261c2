//===--- CspTidyMain.cpp - the csp-tidy command-line driver ---------------===//
//
// clang-tidy's command line, on clang-tidy's library, with the csp module
// linked in, made for a CI gate:
//   - `csp-*` is the default check set and nothing else is on by default;
//   - the exit status says what happened: 0 clean, 1 findings, 2 the input
//     could not be analysed (no compilation database, a file that does not
//     compile, a bad option or configuration), always with a one-line error.
//
//===----------------------------------------------------------------------===//

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Basic/Version.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

using namespace clang;
using namespace clang::tidy;
namespace cl = llvm::cl;

namespace {

enum ExitCode { ExitClean = 0, ExitFindings = 1, ExitCannotAnalyse = 2 };

constexpr const char *DefaultChecks = "-*,csp-*";

cl::OptionCategory Category("csp-tidy options");

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
cl::opt<bool> Fix("fix", cl::desc("Apply the suggested fixes"), cl::init(false), cl::cat(Category));
cl::opt<bool> FixNotes("fix-notes", cl::desc("Also apply fixes found in notes"), cl::init(false),
                       cl::cat(Category));
cl::opt<std::string> ExportFixes("export-fixes",
                                 cl::desc("Write the suggested fixes as YAML to this file"),
                                 cl::value_desc("filename"), cl::cat(Category));
cl::list<std::string> ArgsAfter("extra-arg", cl::desc("Extra compiler argument, appended"),
                                cl::cat(Category));
cl::list<std::string> ArgsBefore("extra-arg-before", cl::desc("Extra compiler argument, prepended"),
                                 cl::cat(Category));
cl::opt<bool> ListChecks("list-checks", cl::desc("List the enabled checks and exit"),
                         cl::init(false), cl::cat(Category));
cl::opt<bool> DumpConfig("dump-config", cl::desc("Print the effective configuration and exit"),
                         cl::init(false), cl::cat(Category));
cl::opt<bool> Quiet("quiet", cl::desc("Print findings only, no summary"), cl::init(false),
                    cl::cat(Category));

int fail(const llvm::Twine &Message) {
  llvm::WithColor::error(llvm::errs(), "csp-tidy") << Message << "\n";
  return ExitCannotAnalyse;
}

/// Configuration files that do not parse stop the run: analysing with a
/// silently ignored configuration would report the wrong set of findings.
std::string ConfigParseError;

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
  if (HeaderFilter.getNumOccurrences())
    Overrides.HeaderFilterRegex = HeaderFilter;

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

/// `-p`, or the search above the first source.
std::unique_ptr<tooling::CompilationDatabase> findCompilationDatabase(std::string &Error) {
  if (!BuildPath.empty())
    return tooling::CompilationDatabase::autoDetectFromDirectory(BuildPath, Error);
  llvm::SmallString<256> First(SourcePaths.front());
  llvm::sys::fs::make_absolute(First);
  return tooling::CompilationDatabase::autoDetectFromSource(First, Error);
}

/// A `-checks` entry that names one check (no wildcard) must name a real one:
/// a typo would otherwise turn a CI gate off without a word.
std::optional<std::string> unknownCheck(llvm::StringRef Globs) {
  NamesAndOptions Known = getAllChecksAndOptions();
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Globs.split(Parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Part : Parts) {
    Part = Part.trim();
    Part.consume_front("-");
    if (!Part.empty() && !Part.contains('*') && !Known.Names.contains(Part))
      return Part.str();
  }
  return std::nullopt;
}

bool isCompilerError(const ClangTidyError &E) {
  return E.DiagnosticName == "clang-diagnostic-error" ||
         (E.DiagLevel == ClangTidyError::Error && !E.IsWarningAsError &&
          llvm::StringRef(E.DiagnosticName).starts_with("clang-diagnostic-"));
}

} // namespace

int main(int argc, const char **argv) {
  llvm::InitLLVM X(argc, argv);
  llvm::InitializeAllTargetInfos(); // the driver guesses targets from flags
  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter([](llvm::raw_ostream &OS) {
    OS << "csp-tidy, on " << getClangFullVersion() << "\n";
  });

  auto Fixed = takeFlagsAfterDoubleDash(argc, argv);
  if (!Fixed)
    return fail(llvm::toString(Fixed.takeError()));
  std::string ParseErrors;
  llvm::raw_string_ostream ParseErrorStream(ParseErrors);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "finds Go-style concurrency bugs (channels, wait groups, tasks).\n\n"
          "  Compiler flags come from -p <build-dir>, from the flags after '--', or\n"
          "  from the nearest compile_commands.json above the first source.\n"
          "  Exit status: 0 no findings, 1 findings, 2 the input could not be analysed.\n",
          &ParseErrorStream)) {
    // LLVM's message names the binary and suggests --help with its full
    // path; keep the one line that says what is wrong.
    llvm::StringRef First = llvm::StringRef(ParseErrors).trim().split('\n').first;
    First = First.split(".  Try:").first;
    First.consume_front("csp-tidy: ");
    return fail(First + "; see 'csp-tidy --help'");
  }

  auto Provider = createOptionsProvider();
  if (!Provider)
    return fail(llvm::toString(Provider.takeError()));
  if (auto Unknown = unknownCheck(Checks))
    return fail("unknown check '" + *Unknown + "'; 'csp-tidy -list-checks -checks=*' lists them");

  llvm::SmallString<256> AbsoluteForOptions(
      SourcePaths.empty() ? llvm::StringRef("dummy.cpp") : llvm::StringRef(SourcePaths.front()));
  llvm::sys::fs::make_absolute(AbsoluteForOptions);
  ClangTidyOptions EffectiveOptions = (*Provider)->getOptions(AbsoluteForOptions);
  if (!ConfigParseError.empty())
    return fail(ConfigParseError);
  std::vector<std::string> EnabledChecks = getCheckNames(EffectiveOptions, false);

  if (ListChecks) {
    llvm::outs() << "Enabled checks:";
    for (const std::string &Name : EnabledChecks)
      llvm::outs() << "\n    " << Name;
    llvm::outs() << "\n\n";
    return ExitClean;
  }
  if (DumpConfig) {
    llvm::outs() << configurationAsText(ClangTidyOptions::getDefaults().merge(
                        EffectiveOptions, 0))
                 << "\n";
    return ExitClean;
  }
  if (SourcePaths.empty())
    return fail("no input files; usage: csp-tidy [options] <source>... [-- <flags>]");
  if (EnabledChecks.empty())
    return fail("no checks enabled; check -checks and the 'Checks' of .clang-tidy");
  for (const std::string &Path : SourcePaths)
    if (!llvm::sys::fs::exists(Path))
      return fail("no such file: '" + Path + "'");

  std::unique_ptr<tooling::CompilationDatabase> Compilations = std::move(*Fixed);
  if (!Compilations) {
    std::string Error;
    Compilations = findCompilationDatabase(Error);
    if (!Compilations)
      return fail(BuildPath.empty()
                      ? "no compilation database found for '" + SourcePaths.front() +
                            "'; pass -p <build-dir> or compiler flags after '--'"
                      : "no compilation database in '" + BuildPath +
                            "'; generate compile_commands.json there "
                            "(cmake -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)");
  }
  auto Adjusted = std::make_unique<tooling::ArgumentsAdjustingCompilations>(std::move(Compilations));
  if (!ArgsBefore.empty())
    Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
        ArgsBefore, tooling::ArgumentInsertPosition::BEGIN));
  if (!ArgsAfter.empty())
    Adjusted->appendArgumentsAdjuster(
        tooling::getInsertArgumentAdjuster(ArgsAfter, tooling::ArgumentInsertPosition::END));

  auto BaseFS = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(llvm::vfs::getRealFileSystem());
  ClangTidyContext Context(std::move(*Provider));
  std::vector<ClangTidyError> Errors =
      runClangTidy(Context, *Adjusted, SourcePaths, BaseFS, Fix || FixNotes);
  if (!ConfigParseError.empty())
    return fail(ConfigParseError);

  bool CompilerErrors = llvm::any_of(Errors, isCompilerError);
  unsigned Findings = llvm::count_if(Errors, [](const ClangTidyError &E) { return !isCompilerError(E); });
  // Fixes are never applied to code that did not compile: the AST they were
  // computed on is not the program.
  FixBehaviour Behaviour = CompilerErrors ? FB_NoFix : FixNotes ? FB_FixNotes : Fix ? FB_Fix : FB_NoFix;
  unsigned WarningsAsErrorsCount = 0;
  handleErrors(Errors, Context, Behaviour, WarningsAsErrorsCount, BaseFS);

  if (!ExportFixes.empty() && !CompilerErrors) {
    std::error_code EC;
    llvm::raw_fd_ostream OS(ExportFixes, EC, llvm::sys::fs::OF_None);
    if (EC)
      return fail("cannot write '" + ExportFixes + "': " + EC.message());
    exportReplacements(SourcePaths.size() == 1 ? SourcePaths.front() : "", Errors, OS);
  }

  if (CompilerErrors)
    return fail("could not analyse the input: it does not compile with the given flags "
                "(see the errors above)");
  if (!Quiet) {
    const ClangTidyStats &Stats = Context.getStats();
    llvm::errs() << Findings << (Findings == 1 ? " finding" : " findings");
    if (Stats.ErrorsIgnoredNOLINT)
      llvm::errs() << " (" << Stats.ErrorsIgnoredNOLINT << " suppressed by NOLINT)";
    llvm::errs() << "\n";
  }
  return Findings ? ExitFindings : ExitClean;
}
