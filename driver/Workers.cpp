//===--- Workers.cpp - one process per file, N at a time, in a stable order ===//

#include "Workers.h"
#include "Crash.h"
#include "Subprocess.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <mutex>
#include <thread>

namespace csp_tidy {

namespace {

/// The last "error: ..." line a worker printed: its own account of why it
/// could not analyse the file.
std::string lastError(llvm::StringRef Err) {
  llvm::SmallVector<llvm::StringRef, 16> Lines;
  Err.split(Lines, '\n');
  for (llvm::StringRef Line : llvm::reverse(Lines)) {
    auto [Before, After] = Line.split("error: ");
    if (!After.empty() && Before.ends_with("csp-tidy: "))
      return After.trim().str();
  }
  return "";
}

WorkerOutput runOne(llvm::StringRef Self, llvm::ArrayRef<std::string> Args,
                const std::string &File, llvm::ArrayRef<std::string> FileArgs,
                bool CollectFixes) {
  WorkerOutput Done;
  FileResult &R = Done.Result;
  R.File = File;
  llvm::SmallString<128> FindingsPath;
  if (std::error_code EC =
          llvm::sys::fs::createTemporaryFile("csp-tidy-worker", "json", FindingsPath)) {
    R.Failure = "cannot create a temporary file: " + EC.message();
    return Done;
  }
  llvm::sys::RemoveFileOnSignal(FindingsPath);
  llvm::SmallString<128> FixesPath;
  if (CollectFixes) {
    if (std::error_code EC =
            llvm::sys::fs::createTemporaryFile("csp-tidy-fixes", "yaml", FixesPath)) {
      llvm::sys::fs::remove(FindingsPath);
      llvm::sys::DontRemoveFileOnSignal(FindingsPath);
      R.Failure = "cannot create a temporary file: " + EC.message();
      return Done;
    }
    llvm::sys::RemoveFileOnSignal(FixesPath);
  }
  std::string FileArg = "--worker-file=" + File;
  std::string FindingsArg = ("--worker-findings=" + FindingsPath).str();
  std::string FixesArg = ("--worker-fixes=" + FixesPath).str();
  std::vector<llvm::StringRef> Argv{Self, FileArg, FindingsArg};
  if (CollectFixes)
    Argv.push_back(FixesArg);
  Argv.insert(Argv.end(), FileArgs.begin(), FileArgs.end());
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  Captured Run = runCaptured(Self, Argv);
  Done.Out = std::move(Run.Out);
  Done.Err = std::move(Run.Err);

  if (Run.Status == 0 || Run.Status == 1) {
    auto Text = llvm::MemoryBuffer::getFile(FindingsPath);
    llvm::json::Path::Root Root;
    bool Read = false;
    if (Text) {
      llvm::Expected<llvm::json::Value> Parsed = llvm::json::parse((*Text)->getBuffer());
      if (Parsed)
        Read = fromJSON(*Parsed, R.Result, Root);
      else
        llvm::consumeError(Parsed.takeError());
    }
    if (!Read)
      R.Failure = "the analysis of this file returned no readable findings";
    if (CollectFixes)
      if (auto Fixes = llvm::MemoryBuffer::getFile(FixesPath))
        R.Fixes = (*Fixes)->getBuffer().str();
  } else if (Run.Status == 2) {
    std::string Why = lastError(Done.Err);
    R.Failure = Why.empty() ? "could not analyse the file" : Why;
    // Said again below with the file's name.
    std::string Rest;
    llvm::SmallVector<llvm::StringRef, 16> Lines;
    llvm::StringRef(Done.Err).split(Lines, '\n', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef Line : Lines)
      if (!Line.starts_with("csp-tidy: error: "))
        (Rest += Line) += '\n';
    Done.Err = std::move(Rest);
  } else {
    R.Failure = Run.Started ? describeCrash(Done.Err, Run.Failure)
                            : "could not start csp-tidy: " + Run.Failure;
  }
  for (llvm::StringRef Path : {FindingsPath.str(), FixesPath.str()})
    if (!Path.empty()) {
      llvm::sys::fs::remove(Path);
      llvm::sys::DontRemoveFileOnSignal(Path);
    }
  return Done;
}

} // namespace

std::vector<FileResult> runWorkers(llvm::StringRef Self, llvm::ArrayRef<std::string> Args,
                                   llvm::ArrayRef<std::string> Files,
                                   llvm::ArrayRef<std::vector<std::string>> FileArgs,
                                   unsigned Jobs, bool Progress, bool CollectFixes,
                                   OutputStore *Store) {
  std::vector<std::optional<WorkerOutput>> Slots(Files.size());
  std::atomic<size_t> NextToStart{0};
  std::mutex Lock;
  size_t NextToPrint = 0, Done = 0;

  // A file's output is printed once every earlier file's has been, so the
  // output is the same however the files are scheduled.
  // An interrupt stops the workers; each thread then winds down, removing
  // its temporary files, and the caller ends the process by the signal.
  DeferredInterrupts Deferred;
  auto Work = [&] {
    for (size_t I = NextToStart++; I < Files.size() && !interruption(); I = NextToStart++) {
      std::optional<WorkerOutput> F;
      if (Store)
        F = Store->find(I);
      if (!F) {
        F = runOne(Self, Args, Files[I],
                   FileArgs.empty() ? llvm::ArrayRef<std::string>()
                                    : llvm::ArrayRef<std::string>(FileArgs[I]),
                   CollectFixes);
        // A failure is not kept: a crash may not happen again, and a file
        // that does not compile is quick to find out about.
        if (Store && !F->Result.Failure && !interruption())
          Store->keep(I, *F);
      }
      std::lock_guard<std::mutex> Guard(Lock);
      if (interruption())
        return; // the file did not fail: it was stopped
      Slots[I] = std::move(F);
      ++Done;
      for (; NextToPrint < Files.size() && Slots[NextToPrint]; ++NextToPrint) {
        llvm::outs() << Slots[NextToPrint]->Out;
        llvm::outs().flush();
        llvm::errs() << Slots[NextToPrint]->Err;
        if (Slots[NextToPrint]->Result.Failure)
          llvm::errs() << "csp-tidy: error: " << Files[NextToPrint] << ": "
                       << *Slots[NextToPrint]->Result.Failure << "\n";
      }
      if (Progress)
        llvm::errs() << "[" << Done << "/" << Files.size() << "] " << Files[I] << "\n";
    }
  };
  std::vector<std::thread> Threads;
  for (unsigned T = 0; T < std::max(1u, std::min<unsigned>(Jobs, Files.size())); ++T)
    Threads.emplace_back(Work);
  for (std::thread &T : Threads)
    T.join();

  std::vector<FileResult> Results;
  for (std::optional<WorkerOutput> &Slot : Slots)
    if (Slot)
      Results.push_back(std::move(Slot->Result));
  return Results;
}

} // namespace csp_tidy
