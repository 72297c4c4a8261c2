//===--- Crash.cpp - what a crashed worker's stack dump says --------------===//

#include "Crash.h"

#include "llvm/ADT/SmallVector.h"

namespace csp_tidy {

std::string describeCrash(llvm::StringRef Err, llvm::StringRef Signal) {
  // The dump lists what was running, outermost first ("1. <eof> parser at
  // end of file", "2. ASTMatcher: Processing 'csp-double-close' against:");
  // the check is the innermost matcher entry.
  std::string Check;
  bool InFrontEnd = false;
  llvm::SmallVector<llvm::StringRef, 32> Lines;
  Err.split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    auto [Before, After] = Line.split("ASTMatcher: Processing '");
    if (!After.empty())
      Check = After.split('\'').first.str();
    else if (Line.contains("parser at") || Line.contains("current parser token"))
      InFrontEnd = true;
  }
  std::string Why = Signal.empty() ? "" : " (" + Signal.str() + ")";
  if (!Check.empty())
    return "internal error in " + Check + Why;
  if (InFrontEnd)
    return "internal error in clang while parsing the file" + Why;
  return "internal error: csp-tidy crashed while analysing the file" + Why;
}

} // namespace csp_tidy
