//===--- CommandLine.h - the command line, and what is wrong with it ------===//
//
// LLVM's option parser prints most of its complaints itself ("for the -j
// option: ..."), past the stream it is given; the driver says what is wrong
// in one `csp-tidy: error:` line, so the parser's output is captured here.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_DRIVER_COMMANDLINE_H
#define CSP_TIDY_DRIVER_COMMANDLINE_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <string>

namespace csp_tidy {

/// Replaces each `@file` in \p Args by the arguments it holds (GNU quoting,
/// nested files too), as clang-tidy does before it looks for `--`.
llvm::Error expandResponseFiles(llvm::SmallVectorImpl<const char *> &Args,
                                llvm::BumpPtrAllocator &Alloc);

/// cl::ParseCommandLineOptions; on failure, \p Error is the parser's first
/// complaint as one line ("-j: 'abc' is not a number of files ...").
bool parseCommandLine(int Argc, const char *const *Argv, llvm::StringRef Overview,
                      std::string &Error);

/// A bool option's values: the parser's own message for `-quiet=maybe` is
/// "invalid value for boolean argument! Try 0 or 1".
class BoolParser : public llvm::cl::parser<bool> {
public:
  using llvm::cl::parser<bool>::parser;
  bool parse(llvm::cl::Option &O, llvm::StringRef ArgName, llvm::StringRef Arg, bool &Value);
};

/// A count of files at once, 0 meaning "one per core".
class JobsParser : public llvm::cl::parser<unsigned> {
public:
  using llvm::cl::parser<unsigned>::parser;
  bool parse(llvm::cl::Option &O, llvm::StringRef ArgName, llvm::StringRef Arg,
             unsigned &Value);
};

} // namespace csp_tidy

#endif
