//===--- TidyFlags.cpp - clang-tidy-19's flags, with clang-tidy's meaning -===//

#include "TidyFlags.h"

#include <optional>

#include "clang-tidy/GlobList.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace csp_tidy {

namespace cl = llvm::cl;
using namespace clang::tidy;

cl::OptionCategory &driverOptions() {
  static cl::OptionCategory Category("csp-tidy options");
  return Category;
}

namespace {

// Descriptions are clang-tidy-19's, shortened.
cl::opt<std::string> LineFilter(
    "line-filter",
    cl::desc("Report findings only on these lines of these files, as JSON:\n"
             "  [{\"name\":\"file1.cpp\",\"lines\":[[1,3],[5,7]]},{\"name\":\"file2.h\"}]\n"
             "(what clang-tidy-diff-19.py passes)"),
    cl::value_desc("json"), cl::cat(driverOptions()));
cl::opt<bool> SystemHeaders("system-headers", cl::desc("Also report findings in system headers"),
                            cl::cat(driverOptions()));
cl::opt<std::string> ExcludeHeaderFilter(
    "exclude-header-filter",
    cl::desc("Regex of headers whose findings are not shown, applied after -header-filter"),
    cl::value_desc("regex"), cl::cat(driverOptions()));
cl::opt<bool> EnableCheckProfile("enable-check-profile",
                                 cl::desc("Print the time each check takes, per file"),
                                 cl::cat(driverOptions()));
cl::opt<std::string> StoreCheckProfile(
    "store-check-profile",
    cl::desc("With --enable-check-profile, write each file's profile as JSON under this "
             "directory instead of printing it"),
    cl::value_desc("prefix"), cl::cat(driverOptions()));
cl::list<std::string> Load("load", cl::desc("Load a clang-tidy-19 plugin with more checks"),
                           cl::value_desc("plugin"), cl::cat(driverOptions()));
cl::opt<bool> AllowNoChecks("allow-no-checks",
                            cl::desc("Exit 0, not 2, when the configuration enables no check"),
                            cl::cat(driverOptions()));
cl::opt<bool> VerifyConfig("verify-config",
                           cl::desc("Check the configuration (checks, options) and exit"),
                           cl::cat(driverOptions()));
cl::opt<bool> ExplainConfig("explain-config",
                            cl::desc("Say which configuration enables each check, and exit"),
                            cl::cat(driverOptions()));

/// What is wrong with a -line-filter, checked here because clang-tidy's
/// parser prints YAML errors of its own before it fails.
std::optional<std::string> lineFilterProblem(llvm::StringRef Text) {
  llvm::Expected<llvm::json::Value> Parsed = llvm::json::parse(Text);
  if (!Parsed)
    return "not JSON (" + llvm::toString(Parsed.takeError()) + ")";
  const llvm::json::Array *Files = Parsed->getAsArray();
  if (!Files)
    return std::string("not a list of files");
  for (const llvm::json::Value &File : *Files) {
    const llvm::json::Object *Entry = File.getAsObject();
    if (!Entry)
      return std::string("an entry is not an object");
    std::optional<llvm::StringRef> Name = Entry->getString("name");
    if (!Name)
      return std::string("an entry has no \"name\"");
    const llvm::json::Value *Lines = Entry->get("lines");
    if (!Lines)
      continue;
    const llvm::json::Array *Ranges = Lines->getAsArray();
    auto IsRange = [](const llvm::json::Value &R) {
      const llvm::json::Array *Pair = R.getAsArray();
      return Pair && Pair->size() == 2 && (*Pair)[0].getAsInteger() &&
             (*Pair)[1].getAsInteger();
    };
    if (!Ranges || !llvm::all_of(*Ranges, IsRange))
      return "the lines of '" + Name->str() + "' are not [first,last] pairs";
  }
  return std::nullopt;
}

} // namespace

llvm::Error applyTidyFlags(ClangTidyGlobalOptions &Global, ClangTidyOptions &Overrides) {
  if (LineFilter.getNumOccurrences()) {
    std::optional<std::string> Problem = lineFilterProblem(LineFilter);
    if (!Problem && parseLineFilter(LineFilter, Global))
      Problem = "not in clang-tidy's form";
    if (Problem)
      return llvm::createStringError("invalid -line-filter: " + *Problem +
                                     "; expected [{\"name\":\"file.cpp\",\"lines\":[[1,3]]}]");
  }
  if (SystemHeaders.getNumOccurrences())
    Overrides.SystemHeaders = SystemHeaders;
  if (ExcludeHeaderFilter.getNumOccurrences())
    Overrides.ExcludeHeaderFilterRegex = ExcludeHeaderFilter;
  return llvm::Error::success();
}

llvm::Error loadPlugins() {
  for (const std::string &Plugin : Load) {
    std::string Error;
    if (llvm::sys::DynamicLibrary::LoadLibraryPermanently(Plugin.c_str(), &Error))
      return llvm::createStringError("cannot load plugin '" + Plugin + "': " + Error);
  }
  return llvm::Error::success();
}

std::vector<std::string> pluginPaths() { return {Load.begin(), Load.end()}; }

bool checkProfileEnabled() { return EnableCheckProfile; }
std::string checkProfilePrefix() { return StoreCheckProfile; }
bool allowNoChecks() { return AllowNoChecks; }
bool verifyConfigRequested() { return VerifyConfig; }
bool explainConfigRequested() { return ExplainConfig; }

std::string misspeltGlobalOption(llvm::StringRef Key, const llvm::StringSet<> &KnownOptions) {
  if (Key.contains('.'))
    return "";
  llvm::StringSet<> Globals; // the option names, without their check
  for (const auto &Option : KnownOptions)
    Globals.insert(llvm::StringRef(Option.getKey()).rsplit('.').second);
  if (Globals.contains(Key))
    return "";
  llvm::StringRef Best;
  unsigned BestDistance = 3; // further than this is some other tool's option
  for (const auto &Entry : Globals) {
    unsigned Distance = Key.edit_distance(Entry.getKey(), true, BestDistance);
    if (Distance < BestDistance) {
      BestDistance = Distance;
      Best = Entry.getKey();
    }
  }
  return Best.str();
}

namespace {

/// A configuration source as the messages name it; clang-tidy's own name
/// for the built-in defaults would say "clang-tidy binary".
std::string describe(llvm::StringRef Source) {
  if (Source == ClangTidyOptionsProvider::OptionsSourceTypeDefaultBinary)
    return "csp-tidy's defaults";
  if (Source.starts_with("command-line option"))
    return "the " + Source.str();
  return "'" + Source.str() + "'";
}

} // namespace

std::vector<std::string> configProblems(ClangTidyOptionsProvider &Provider, llvm::StringRef File,
                                        const llvm::StringSet<> &KnownChecks,
                                        const llvm::StringSet<> &KnownOptions) {
  std::vector<std::string> Problems;
  for (const auto &[Options, Source] : Provider.getRawOptions(File)) {
    if (Options.Checks) {
      llvm::SmallVector<llvm::StringRef, 8> Parts;
      llvm::StringRef(*Options.Checks).split(Parts, ',', -1, /*KeepEmpty=*/false);
      for (llvm::StringRef Part : Parts) {
        Part = Part.trim();
        llvm::StringRef Glob = Part;
        Glob.consume_front("-");
        // Other tools' globs are theirs to verify: one .clang-tidy serves all.
        if (!Glob.starts_with("csp-") || !Glob.contains('*'))
          continue;
        GlobList Matcher(Glob);
        if (llvm::none_of(KnownChecks, [&](const auto &C) { return Matcher.contains(C.getKey()); }))
          Problems.push_back("check glob '" + Part.str() + "' in " + describe(Source) +
                             " matches no check");
      }
    }
    for (const auto &Option : Options.CheckOptions) {
      std::string Closest = misspeltGlobalOption(Option.getKey(), KnownOptions);
      if (!Closest.empty())
        Problems.push_back("unknown option '" + Option.getKey().str() + "' in " +
                           describe(Source) + "; did you mean '" + Closest + "'?");
    }
  }
  return Problems;
}

void explainConfig(ClangTidyOptionsProvider &Provider, llvm::StringRef File,
                   const std::vector<std::string> &EnabledChecks, llvm::raw_ostream &OS) {
  // As clang-tidy: the last source that names the check decides.
  std::vector<ClangTidyOptionsProvider::OptionsSource> Raw = Provider.getRawOptions(File);
  for (const std::string &Check : EnabledChecks)
    for (const auto &[Options, Source] : llvm::reverse(Raw))
      if (Options.Checks && GlobList(*Options.Checks).contains(Check)) {
        OS << "'" << Check << "' is enabled in " << describe(Source) << ".\n";
        break;
      }
}

} // namespace csp_tidy
