//===--- TidyFlags.h - clang-tidy-19's flags, with clang-tidy's meaning ---===//
//
// The flags of clang-tidy's command line that the driver hands to clang-tidy's
// library as they are (-line-filter, -system-headers, -exclude-header-filter,
// the check profile, -load) and the two that explain the configuration
// (--verify-config, --explain-config), so that scripts written for
// clang-tidy-19, such as clang-tidy-diff-19.py, drive csp-tidy unchanged.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_TIDYFLAGS_H
#define CSP_TIDY_DRIVER_TIDYFLAGS_H

#include "clang-tidy/ClangTidyOptions.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace csp_tidy {

/// The category of every option --help shows; a function so that options in
/// any file can be put in it during static initialisation.
llvm::cl::OptionCategory &driverOptions();

/// Puts -line-filter, -system-headers and -exclude-header-filter into the
/// options; an error for a -line-filter that is not clang-tidy's JSON.
llvm::Error applyTidyFlags(clang::tidy::ClangTidyGlobalOptions &Global,
                           clang::tidy::ClangTidyOptions &Overrides);

/// Loads the -load plugins, before any check is looked up, so that their
/// checks can be enabled, listed and configured like the built-in ones.
llvm::Error loadPlugins();

/// The -load plugins, as named.
std::vector<std::string> pluginPaths();

bool checkProfileEnabled();
/// Where --store-check-profile writes, empty when the profile is printed.
std::string checkProfilePrefix();
/// --allow-no-checks: no enabled check is not an error.
bool allowNoChecks();

bool verifyConfigRequested();
bool explainConfigRequested();

/// --verify-config's findings beyond what every run refuses: globs in the csp
/// namespace that match no check, and global options that look like a
/// misspelling of one the checks read. One line each, naming the source.
std::vector<std::string>
configProblems(clang::tidy::ClangTidyOptionsProvider &Provider, llvm::StringRef File,
               const llvm::StringSet<> &KnownChecks, const llvm::StringSet<> &KnownOptions);

/// A global option (no check prefix) that no check reads and that is close
/// to one that some check does: the closest, else empty.
std::string misspeltGlobalOption(llvm::StringRef Key, const llvm::StringSet<> &KnownOptions);

/// --explain-config: for each enabled check, which configuration enables it.
void explainConfig(clang::tidy::ClangTidyOptionsProvider &Provider, llvm::StringRef File,
                   const std::vector<std::string> &EnabledChecks, llvm::raw_ostream &OS);

} // namespace csp_tidy

#endif
