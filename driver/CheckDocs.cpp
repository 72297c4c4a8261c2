//===--- CheckDocs.cpp - the checks' pages, embedded in the driver -------===//

#include "CheckDocs.h"

namespace csp_tidy {
namespace {

struct CheckDoc {
  const char *Check;
  const char *Markdown;
};

// Written by driver/CMakeLists.txt from docs/checks/*.md.
const CheckDoc CheckDocs[] = {
#include "CheckDocs.inc"
};

} // namespace

std::optional<llvm::StringRef> checkDoc(llvm::StringRef Check) {
  for (const CheckDoc &D : CheckDocs)
    if (Check == D.Check)
      return llvm::StringRef(D.Markdown);
  return std::nullopt;
}

std::vector<llvm::StringRef> documentedChecks() {
  std::vector<llvm::StringRef> Names;
  for (const CheckDoc &D : CheckDocs)
    Names.push_back(D.Check);
  return Names;
}

} // namespace csp_tidy
