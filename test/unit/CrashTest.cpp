// Unit tests of how the driver names what crashed a worker, from the stack
// dump LLVM prints: a check cannot be made to crash from a test input.
#include "Crash.h"

#include "gtest/gtest.h"

namespace csp_tidy {
namespace {

TEST(DescribeCrash, NamesTheInnermostCheck) {
  const char *Dump = "Stack dump:\n"
                     "0.\tProgram arguments: csp-tidy --worker-file=a.cpp\n"
                     "1.\t<eof> parser at end of file\n"
                     "2.\tASTMatcher: Processing 'csp-double-close' against:\n"
                     "\tTranslationUnitDecl : <<invalid sloc>>\n"
                     "Segmentation fault (core dumped)\n";
  EXPECT_EQ(describeCrash(Dump, "Segmentation fault"),
            "internal error in csp-double-close (Segmentation fault)");
}

TEST(DescribeCrash, ParserWithoutCheck) {
  const char *Dump = "Stack dump:\n"
                     "0.\tProgram arguments: csp-tidy --worker-file=a.cpp\n"
                     "1.\ta.cpp:1:15: current parser token 'crash'\n";
  EXPECT_EQ(describeCrash(Dump, ""), "internal error in clang while parsing the file");
}

TEST(DescribeCrash, NoDump) {
  EXPECT_EQ(describeCrash("", "Killed"),
            "internal error: csp-tidy crashed while analysing the file (Killed)");
}

} // namespace
} // namespace csp_tidy
