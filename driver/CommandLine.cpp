//===--- CommandLine.cpp - the command line, and what is wrong with it ----===//

#include "CommandLine.h"

#include "llvm/Support/raw_ostream.h"

#include <sys/mman.h>
#include <unistd.h>

namespace csp_tidy {

llvm::Error expandResponseFiles(llvm::SmallVectorImpl<const char *> &Args,
                                llvm::BumpPtrAllocator &Alloc) {
  llvm::cl::ExpansionContext Expander(Alloc, llvm::cl::TokenizeGNUCommandLine);
  return Expander.expandResponseFiles(Args);
}

namespace {

/// Everything written to file descriptor 2 while it lives. A memory file,
/// not a pipe: nothing reads while the parser writes, so a pipe could fill.
class CapturedStderr {
public:
  CapturedStderr() {
    llvm::errs().flush();
    Memory = memfd_create("csp-tidy-options", MFD_CLOEXEC);
    Saved = Memory < 0 ? -1 : dup(STDERR_FILENO);
    if (Saved >= 0)
      dup2(Memory, STDERR_FILENO);
  }
  /// Restores stderr and returns what was written to it.
  std::string release() {
    std::string Text;
    if (Saved < 0)
      return Text;
    llvm::errs().flush();
    dup2(Saved, STDERR_FILENO);
    close(Saved);
    Saved = -1;
    lseek(Memory, 0, SEEK_SET);
    char Buffer[4096];
    for (ssize_t N; (N = read(Memory, Buffer, sizeof Buffer)) > 0;)
      Text.append(Buffer, N);
    close(Memory);
    return Text;
  }
  ~CapturedStderr() { release(); }

private:
  int Memory = -1, Saved = -1;
};

/// The first complaint in the parser's output, in the driver's words:
/// "csp-tidy: for the --format option: requires a value!" becomes
/// "--format: requires a value".
std::string firstComplaint(llvm::StringRef Output) {
  llvm::StringRef Line;
  for (llvm::StringRef Rest = Output; Line.empty() && !Rest.empty();)
    std::tie(Line, Rest) = Rest.split('\n');
  Line = Line.trim();
  Line.consume_front("csp-tidy: ");
  Line = Line.split(".  Try:").first; // --help with the binary's full path
  if (Line.consume_front("for the ")) {
    auto [Option, Message] = Line.split(" option: ");
    return (Option + ": " + Message.rtrim('!')).str();
  }
  return Line.rtrim('!').str();
}

} // namespace

bool parseCommandLine(int Argc, const char *const *Argv, llvm::StringRef Overview,
                      std::string &Error) {
  std::string Given;
  llvm::raw_string_ostream GivenStream(Given);
  CapturedStderr Printed;
  if (llvm::cl::ParseCommandLineOptions(Argc, Argv, Overview, &GivenStream))
    return true;
  std::string Complaint = firstComplaint(Given);
  if (Complaint.empty())
    Complaint = firstComplaint(Printed.release());
  Error = Complaint.empty() ? "invalid command line" : Complaint;
  return false;
}

bool BoolParser::parse(llvm::cl::Option &O, llvm::StringRef ArgName, llvm::StringRef Arg,
                       bool &Value) {
  if (Arg.empty() || Arg == "true" || Arg == "TRUE" || Arg == "True" || Arg == "1") {
    Value = true;
    return false;
  }
  if (Arg == "false" || Arg == "FALSE" || Arg == "False" || Arg == "0") {
    Value = false;
    return false;
  }
  return O.error("'" + Arg + "' is neither true nor false", ArgName);
}

bool JobsParser::parse(llvm::cl::Option &O, llvm::StringRef ArgName, llvm::StringRef Arg,
                       unsigned &Value) {
  if (Arg.getAsInteger(10, Value))
    return O.error("'" + Arg + "' is not a number of files; use -j N with N >= 1", ArgName);
  return false;
}

} // namespace csp_tidy
