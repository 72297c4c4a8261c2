//===--- WriteFile.cpp - replace a file only with a complete new version --===//

#include "WriteFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

namespace csp_tidy {

llvm::Error writeAtomically(llvm::StringRef Path, llvm::StringRef Text) {
  llvm::SmallString<256> Model(Path), Temporary;
  Model += ".%%%%%%.tmp";
  int FD;
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(Model, FD, Temporary))
    return llvm::createStringError("cannot write '" + Path + "': " + EC.message());
  llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
  OS << Text;
  OS.close();
  if (OS.has_error()) {
    std::string Message = OS.error().message();
    OS.clear_error();
    llvm::sys::fs::remove(Temporary);
    return llvm::createStringError("cannot write '" + Path + "': " + Message);
  }
  if (std::error_code EC = llvm::sys::fs::rename(Temporary, Path)) {
    llvm::sys::fs::remove(Temporary);
    return llvm::createStringError("cannot write '" + Path + "': " + EC.message());
  }
  return llvm::Error::success();
}

} // namespace csp_tidy
