//===--- CspFuzz.cpp - libFuzzer target: every csp check on any source ----===//
//
// The input is a C++20 translation unit, analysed by every csp check as
// clang-tidy runs them (runClangTidy, fixes computed). It sees an
// in-memory file system only: the input and stand-ins.hpp under every
// header name the lit inputs include. So no input reads a device or a file
// of the machine running it, and an input parses in milliseconds, not in
// the second the real standard headers take (those are the crash corpus's,
// test/corpus/crash_corpus.py).
//
//===----------------------------------------------------------------------===//

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace clang;
using namespace clang::tidy;

namespace {

constexpr const char *Root = "/fuzz";
constexpr const char *Input = "/fuzz/input.cpp";
constexpr const char *Include = "/fuzz/include";

const char *const HeaderNames[] = {
    "csp/csp.hpp", "boost/fiber/all.hpp", "atomic", "chrono", "condition_variable",
    "cstdio", "cstdlib", "cstdint", "cstddef", "exception", "functional", "future",
    "latch", "map", "memory", "mutex", "shared_mutex", "stdexcept", "stop_token",
    "string", "thread", "utility", "vector"};

std::string StandIns;

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  auto Buffer = llvm::MemoryBuffer::getFile(CSP_FUZZ_STAND_INS);
  if (!Buffer) {
    llvm::errs() << "csp-fuzz: error: cannot read " << CSP_FUZZ_STAND_INS << ": "
                 << Buffer.getError().message() << "\n";
    std::exit(2);
  }
  StandIns = (*Buffer)->getBuffer().str();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Code(reinterpret_cast<const char *>(Data), Size);
  // `#pragma clang __debug crash` and its siblings crash clang on purpose.
  if (Code.contains("__debug"))
    return -1;

  auto Memory = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  Memory->setCurrentWorkingDirectory(Root);
  Memory->addFile(Input, 0, llvm::MemoryBuffer::getMemBufferCopy(Code, Input));
  std::string StandInsPath = std::string(Include) + "/csp-fuzz/stand-ins.hpp";
  Memory->addFile(StandInsPath, 0, llvm::MemoryBuffer::getMemBuffer(StandIns, StandInsPath));
  for (const char *Name : HeaderNames)
    Memory->addFile(std::string(Include) + "/" + Name, 0,
                    llvm::MemoryBuffer::getMemBufferCopy("#include <csp-fuzz/stand-ins.hpp>\n"));
  auto FS = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(Memory);

  tooling::FixedCompilationDatabase Compilations(
      Root, {"-std=c++20", "-nostdinc", "-I" + std::string(Include)});
  ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
  Defaults.Checks = "-*,csp-*";
  ClangTidyContext Context(
      std::make_unique<DefaultOptionsProvider>(ClangTidyGlobalOptions(), Defaults));
  runClangTidy(Context, Compilations, std::vector<std::string>{Input}, FS,
               /*ApplyAnyFix=*/true);
  return 0;
}
