//===--- WriteFile.cpp - write a report, a baseline or fixes to a path ----===//

#include "WriteFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <unistd.h>

namespace csp_tidy {

namespace fs = llvm::sys::fs;

namespace {

llvm::Error cannotWrite(llvm::StringRef Path, const llvm::Twine &Why) {
  return llvm::createStringError("cannot write '" + Path + "': " + Why);
}

bool readOnly(llvm::StringRef Path, const fs::file_status &Status) {
  return (Status.permissions() & fs::all_write) == 0 ||
         fs::access(Path, fs::AccessMode::Write);
}

/// Writes \p Text to the open \p FD, closing it.
std::error_code writeAndClose(int FD, llvm::StringRef Text) {
  llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
  OS << Text;
  OS.close();
  std::error_code EC = OS.error();
  OS.clear_error();
  return EC;
}

} // namespace

llvm::Error checkWritable(llvm::StringRef Path) {
  fs::file_status Status;
  if (!fs::status(Path, Status)) {
    if (Status.type() == fs::file_type::directory_file)
      return cannotWrite(Path, "it is a directory");
    if (Status.type() == fs::file_type::regular_file && readOnly(Path, Status))
      return cannotWrite(Path, "it is read-only");
    return llvm::Error::success();
  }
  llvm::SmallString<256> Directory(llvm::sys::path::parent_path(Path));
  if (Directory.empty())
    Directory = ".";
  if (!fs::is_directory(Directory))
    return cannotWrite(Path, "directory '" + Directory + "' does not exist");
  if (fs::access(Directory, fs::AccessMode::Write))
    return cannotWrite(Path, "directory '" + Directory + "' is not writable");
  return llvm::Error::success();
}

llvm::Error writeOutputFile(llvm::StringRef Path, llvm::StringRef Text) {
  if (llvm::Error E = checkWritable(Path))
    return E;
  fs::file_status Status;
  bool Exists = !fs::status(Path, Status);
  if (Exists && Status.type() != fs::file_type::regular_file) {
    int FD;
    if (std::error_code EC = fs::openFileForWrite(Path, FD, fs::CD_OpenExisting))
      return cannotWrite(Path, EC.message());
    if (std::error_code EC = writeAndClose(FD, Text))
      return cannotWrite(Path, EC.message());
    return llvm::Error::success();
  }

  // A symlink stays one: its target is what gets replaced.
  llvm::SmallString<256> Target(Path);
  if (Exists && fs::real_path(Path, Target))
    Target = Path;
  llvm::SmallString<256> Model(Target), Temporary;
  Model += ".%%%%%%.tmp";
  int FD;
  if (std::error_code EC = fs::createUniqueFile(Model, FD, Temporary))
    return cannotWrite(Path, EC.message());
  llvm::sys::RemoveFileOnSignal(Temporary); // an interrupted run leaves none
  if (Exists) {
    fs::setPermissions(FD, Status.permissions());
    // Only root can give the file back to another owner; anyone else
    // keeps owning what they write.
    (void)fchown(FD, Status.getUser(), Status.getGroup());
  }
  std::error_code EC = writeAndClose(FD, Text);
  if (!EC)
    EC = fs::rename(Temporary, Target);
  if (EC)
    fs::remove(Temporary);
  llvm::sys::DontRemoveFileOnSignal(Temporary);
  if (EC)
    return cannotWrite(Path, EC.message());
  return llvm::Error::success();
}

} // namespace csp_tidy
