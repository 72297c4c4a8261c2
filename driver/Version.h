//===--- Version.h - which csp-tidy this is, on which LLVM ---------------===//

#ifndef CSP_TIDY_DRIVER_VERSION_H
#define CSP_TIDY_DRIVER_VERSION_H

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace csp_tidy {

/// The project's version, from CMake's project(): "0.1.0".
const char *version();
/// The version with the git revision it was built from, when built from a
/// git checkout: "0.1.0 (git 0123456789ab)".
std::string versionWithRevision();
/// What --version prints: csp-tidy's version, then the LLVM it runs on.
void printVersion(llvm::raw_ostream &OS);

} // namespace csp_tidy

#endif
