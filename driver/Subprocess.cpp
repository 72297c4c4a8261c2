//===--- Subprocess.cpp - run a program and keep what it printed ---------===//

#include "Subprocess.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"

#include <optional>

namespace csp_tidy {

Captured runCaptured(llvm::StringRef Program, llvm::ArrayRef<llvm::StringRef> Args) {
  Captured Result;
  llvm::SmallString<128> OutPath, ErrPath;
  if (std::error_code EC = llvm::sys::fs::createTemporaryFile("csp-tidy", "out", OutPath)) {
    Result.Failure = "cannot create a temporary file: " + EC.message();
    return Result;
  }
  if (std::error_code EC = llvm::sys::fs::createTemporaryFile("csp-tidy", "err", ErrPath)) {
    llvm::sys::fs::remove(OutPath);
    Result.Failure = "cannot create a temporary file: " + EC.message();
    return Result;
  }
  // An interrupted run leaves no temporary files behind.
  llvm::sys::RemoveFileOnSignal(OutPath);
  llvm::sys::RemoveFileOnSignal(ErrPath);
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""), OutPath.str(),
                                                ErrPath.str()};
  bool ExecutionFailed = false;
  Result.Status = llvm::sys::ExecuteAndWait(Program, Args, /*Env=*/std::nullopt, Redirects,
                                            /*SecondsToWait=*/0, /*MemoryLimit=*/0,
                                            &Result.Failure, &ExecutionFailed);
  Result.Started = !ExecutionFailed;
  if (auto Out = llvm::MemoryBuffer::getFile(OutPath))
    Result.Out = (*Out)->getBuffer().str();
  if (auto Err = llvm::MemoryBuffer::getFile(ErrPath))
    Result.Err = (*Err)->getBuffer().str();
  for (llvm::StringRef Path : {OutPath.str(), ErrPath.str()}) {
    llvm::sys::fs::remove(Path);
    llvm::sys::DontRemoveFileOnSignal(Path);
  }
  return Result;
}

} // namespace csp_tidy
