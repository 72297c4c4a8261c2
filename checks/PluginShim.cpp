// The file users pass to `clang-tidy -load`.
//
// A clang-tidy plugin is not self-contained: it resolves ClangTidyCheck,
// the AST and the matchers from the host process by symbol name. Those names
// are the same in every LLVM release while the layouts behind them change, so
// checks compiled for LLVM 19 loaded into clang-tidy 18 would not fail to
// load: they would corrupt memory. This shim depends on nothing from LLVM,
// asks the host which clang it is, and loads the real checks
// (CspTidyChecks.so, next to this file) only on a matching major version.
#include <dlfcn.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

// clang::getClangFullVersion(); the mangled name has been stable for many
// releases, which is exactly what makes it usable as a probe.
constexpr const char *VersionSymbol = "_ZN5clang19getClangFullVersionB5cxx11Ev";

int hostClangMajor(std::string &FullVersion) {
  using VersionFn = std::string (*)();
  auto *Fn = reinterpret_cast<VersionFn>(dlsym(RTLD_DEFAULT, VersionSymbol));
  if (!Fn)
    return -1;
  FullVersion = Fn();
  std::size_t At = FullVersion.find("version ");
  if (At == std::string::npos)
    return -1;
  return std::atoi(FullVersion.c_str() + At + 8);
}

/// The directory of this file once symbolic links are resolved: the checks
/// are installed next to the shim, not next to a link to it that a user or
/// a package put elsewhere.
std::string directoryOfThisLibrary() {
  Dl_info Info;
  if (!dladdr(reinterpret_cast<void *>(&directoryOfThisLibrary), &Info) ||
      !Info.dli_fname)
    return ".";
  char Real[PATH_MAX];
  std::string Path = realpath(Info.dli_fname, Real) ? Real : Info.dli_fname;
  std::size_t Slash = Path.rfind('/');
  return Slash == std::string::npos ? "." : Path.substr(0, Slash);
}

struct LoadChecks {
  LoadChecks() {
    std::string FullVersion;
    int Major = hostClangMajor(FullVersion);
    if (Major != CSP_LLVM_MAJOR) {
      std::fprintf(
          stderr,
          "error: CspTidyModule.so was built for clang-tidy %d but was loaded "
          "into %s; use clang-tidy-%d or rebuild csp-tidy against this LLVM. "
          "No csp checks are registered.\n",
          CSP_LLVM_MAJOR,
          Major < 0 ? "a program that is not clang-tidy"
                    : ("clang-tidy " + std::to_string(Major)).c_str(),
          CSP_LLVM_MAJOR);
      return;
    }
    std::string Checks = directoryOfThisLibrary() + "/" CSP_CHECKS_LIBRARY;
    // RTLD_NOW: a missing host symbol is reported here, by name, instead of
    // aborting the host in the middle of an analysis.
    if (!dlopen(Checks.c_str(), RTLD_NOW | RTLD_GLOBAL))
      std::fprintf(stderr, "error: cannot load the csp checks: %s\n", dlerror());
  }
} Loader;

} // namespace
