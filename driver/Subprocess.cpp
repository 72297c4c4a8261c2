//===--- Subprocess.cpp - run a program and keep what it printed ---------===//

#include "Subprocess.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"

#include <atomic>
#include <csignal>
#include <optional>

#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace csp_tidy {

namespace {

// The children running now, for the interrupt handler, which can take no
// lock: a table of atomics, a slot per child (runWorkers runs at most -j at
// once; more than MaxChildren at once would go untracked).
constexpr size_t MaxChildren = 1024;
std::atomic<pid_t> Children[MaxChildren];
// Children being started: their pid may not be in the table yet.
std::atomic<int> Starting{0};
std::atomic<int> Interruption{0};
std::atomic<int> Deferring{0};

constexpr int InterruptSignals[] = {SIGHUP, SIGINT, SIGTERM, SIGUSR2};

size_t track(pid_t Pid) {
  for (size_t Slot = 0; Slot < MaxChildren; ++Slot) {
    pid_t Free = 0;
    if (Children[Slot].compare_exchange_strong(Free, Pid))
      return Slot;
  }
  return MaxChildren;
}

void onInterrupt(int Signal) {
  int Earlier = 0;
  bool First = Interruption.compare_exchange_strong(Earlier, Signal);
  // Every child started from now on is killed by its starter; let those
  // being started get their slot (not forever: this thread may be one).
  for (int Waits = 0; Starting.load() > 0 && Waits < 1000; ++Waits) {
    timespec Millisecond{0, 1000000};
    nanosleep(&Millisecond, nullptr);
  }
  for (std::atomic<pid_t> &Child : Children)
    if (pid_t Pid = Child.load())
      kill(Pid, Signal);
  // Deferred, the waiting threads reap them and wind down; else, or asked
  // a second time, the process ends here.
  if (First && Deferring.load())
    return;
  for (std::atomic<pid_t> &Child : Children)
    if (pid_t Pid = Child.load())
      waitpid(Pid, nullptr, 0);
  endBySignal(Signal);
}

} // namespace

void forwardInterruptsToChildren() {
  struct sigaction Action = {};
  Action.sa_handler = onInterrupt;
  sigemptyset(&Action.sa_mask);
  for (int Signal : InterruptSignals)
    sigaction(Signal, &Action, nullptr);
}

int interruption() { return Interruption.load(); }

DeferredInterrupts::DeferredInterrupts() { ++Deferring; }
DeferredInterrupts::~DeferredInterrupts() { --Deferring; }

void endBySignal(int Signal) {
  llvm::sys::RunInterruptHandlers(); // the temporary files
  std::signal(Signal, SIG_DFL);
  raise(Signal);
  _exit(128 + Signal);
}

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
  ++Starting;
  llvm::sys::ProcessInfo Child;
  size_t Slot = MaxChildren;
  if (!interruption()) {
    Child = llvm::sys::ExecuteNoWait(Program, Args, /*Env=*/std::nullopt, Redirects,
                                     /*MemoryLimit=*/0, &Result.Failure, &ExecutionFailed);
    if (!ExecutionFailed)
      Slot = track(Child.Pid);
  } else {
    ExecutionFailed = true;
    Result.Failure = "interrupted";
  }
  // Started after the interrupt handler killed the others: not to be left.
  if (int Signal = interruption(); Signal && !ExecutionFailed)
    kill(Child.Pid, Signal);
  --Starting;
  Result.Started = !ExecutionFailed;
  if (Result.Started) {
    llvm::sys::ProcessInfo Done =
        llvm::sys::Wait(Child, /*SecondsToWait=*/std::nullopt, &Result.Failure);
    Result.Status = Done.ReturnCode;
  }
  if (Slot < MaxChildren)
    Children[Slot] = 0;
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
