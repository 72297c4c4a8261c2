//===--- Version.cpp - which csp-tidy this is, on which LLVM -------------===//

#include "Version.h"

#include "GitRevision.inc"

#include "clang/Basic/Version.h"
#include "llvm/Config/llvm-config.h"

namespace csp_tidy {

const char *version() { return CSP_TIDY_VERSION; }

std::string versionWithRevision() {
  std::string V = CSP_TIDY_VERSION;
  if (*CSP_TIDY_GIT_REVISION)
    V += std::string(" (git ") + CSP_TIDY_GIT_REVISION + ")";
  return V;
}

void printVersion(llvm::raw_ostream &OS) {
  OS << "csp-tidy version " << versionWithRevision() << "\n"
     << "  on LLVM " << LLVM_VERSION_STRING << ", " << clang::getClangFullVersion() << "\n";
}

} // namespace csp_tidy
