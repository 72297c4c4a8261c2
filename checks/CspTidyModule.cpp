//===--- CspTidyModule.cpp - the csp clang-tidy module --------------------===//

#include "CheckHeaders.inc" // generated from Checks.def
#include "CspCheckBase.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"

namespace clang::tidy::csp {
namespace {

class CspModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    // One cache per module instance: every csp check of a run shares the
    // analysis of the translation unit being checked.
    auto Cache = std::make_shared<ModelCache>();
#define CSP_CHECK(Class, Name, Summary) add<Class>(Factories, Name, Cache);
#include "Checks.def"
#undef CSP_CHECK
  }

private:
  template <typename CheckType>
  static void add(ClangTidyCheckFactories &Factories, StringRef Name,
                  const std::shared_ptr<ModelCache> &Cache) {
    Factories.registerCheckFactory(
        Name, [Cache](StringRef Name, ClangTidyContext *Context) {
          return std::make_unique<CheckType>(Name, Context, Cache);
        });
  }
};

} // namespace

static ClangTidyModuleRegistry::Add<CspModule>
    X("csp-module", "Checks for Go-style concurrency bugs (channels, wait "
                    "groups, tasks).");

} // namespace clang::tidy::csp
