#include "CspCheckBase.h"
#include "analysis/RoleNames.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

namespace clang::tidy::csp {

void CspCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Roles.storeOptions(Opts, Options);
}

void CspCheck::registerMatchers(ast_matchers::MatchFinder *Finder) {
  Finder->addMatcher(ast_matchers::translationUnitDecl().bind("tu"), this);
}

void CspCheck::check(const ast_matchers::MatchFinder::MatchResult &Result) {
  // Every check reads the role options, and checks configured alike would
  // each find the same wrong name: the first one says it.
  if (!Roles.configuredNames().empty() && Cache->firstInUnit("roles\n" + Roles.fingerprint()))
    for (const std::string &Problem : misnamedRoles(Roles, *Result.Context))
      if (Cache->firstInUnit(Problem))
        configurationDiag(Problem);
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
