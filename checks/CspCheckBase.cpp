#include "CspCheckBase.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

namespace clang::tidy::csp {

void CspCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Roles.storeOptions(Opts, Options);
}

void CspCheck::registerMatchers(ast_matchers::MatchFinder *Finder) {
  Finder->addMatcher(ast_matchers::translationUnitDecl().bind("tu"), this);
}

void CspCheck::check(const ast_matchers::MatchFinder::MatchResult &Result) {
  checkModel(Cache->get(*Result.Context, Roles));
}

bool CspCheck::reportable(const ASTContext &Ctx, SourceLocation Loc) const {
  return Loc.isValid() && !Ctx.getSourceManager().isInSystemHeader(Loc);
}

std::string displayName(const FunctionDecl *FD) {
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD)) {
    if (MD->getParent()->isLambda())
      return "lambda";
    if (!MD->getIdentifier())
      return MD->getParent()->getNameAsString() + "::" + MD->getNameAsString();
  }
  return FD->getNameAsString();
}

} // namespace clang::tidy::csp
