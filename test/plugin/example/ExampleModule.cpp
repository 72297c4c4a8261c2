//===--- ExampleModule.cpp - a clang-tidy-19 plugin that is not csp's -----===//
//
// A third-party plugin as a user would write one for clang-tidy-19, built
// only for the tests: `csp-tidy -load` must run its check alongside the csp
// checks, as `clang-tidy-19 -load` does.
//
//===----------------------------------------------------------------------===//

#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang::ast_matchers;

namespace clang::tidy::example {
namespace {

/// Flags every `goto`.
class NoGotoCheck : public ClangTidyCheck {
public:
  using ClangTidyCheck::ClangTidyCheck;
  void registerMatchers(MatchFinder *Finder) override {
    Finder->addMatcher(gotoStmt().bind("goto"), this);
  }
  void check(const MatchFinder::MatchResult &Result) override {
    diag(Result.Nodes.getNodeAs<GotoStmt>("goto")->getGotoLoc(), "goto found by a plugin");
  }
};

class ExampleModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<NoGotoCheck>("example-no-goto");
  }
};

} // namespace
} // namespace clang::tidy::example

static clang::tidy::ClangTidyModuleRegistry::Add<clang::tidy::example::ExampleModule>
    X("example-module", "a plugin for the tests of -load");
