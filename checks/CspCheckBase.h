//===--- CspCheckBase.h - base of every csp check ------------------------------===//
//
// A csp check reasons about a whole translation unit (which code each task
// runs, what helpers do to their arguments), so it does not register node
// matchers: it runs once per translation unit on the shared
// ConcurrencyModel, which the first check to ask builds.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_CSPCHECKBASE_H
#define CSP_TIDY_CSPCHECKBASE_H

#include "analysis/ApiRoles.h"
#include "analysis/ConcurrencyModel.h"
#include "clang-tidy/ClangTidyCheck.h"

#include <memory>

namespace clang::tidy::csp {

/// How a diagnostic names a function: its name, `Type::operator()` for a
/// function object, `lambda` for a lambda (whose call operator has no name
/// of its own).
std::string displayName(const FunctionDecl *FD);

class CspCheck : public ClangTidyCheck {
public:
  CspCheck(StringRef Name, ClangTidyContext *Context,
           std::shared_ptr<ModelCache> Cache)
      : ClangTidyCheck(Name, Context), Roles(Options), Cache(std::move(Cache)) {}

  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) final;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) final;
  void onStartOfTranslationUnit() final { Cache->reset(); }

protected:
  /// Runs the check on the translation unit's model.
  virtual void checkModel(ConcurrencyModel &Model) = 0;

  const ApiRoles &roles() const { return Roles; }

  /// Whether a finding at \p Loc may be reported: not in a system header.
  bool reportable(const ASTContext &Ctx, SourceLocation Loc) const;

private:
  ApiRoles Roles;
  std::shared_ptr<ModelCache> Cache;
};

} // namespace clang::tidy::csp

#endif
