//===--- TidyRun.cpp - clang-tidy's run, with the function bodies it parsed ===//

#include "TidyRun.h"

#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"

using namespace clang;
using namespace clang::tidy;

namespace csp_tidy {

namespace {

class BodyConsumer : public ASTConsumer {
public:
  BodyConsumer(const std::function<bool(llvm::StringRef)> &Want, FunctionBodies &Bodies)
      : Want(Want), Bodies(Bodies) {}
  void HandleTranslationUnit(ASTContext &Context) override {
    recordBodies(Context, Want, Bodies);
  }

private:
  const std::function<bool(llvm::StringRef)> &Want;
  FunctionBodies &Bodies;
};

/// The checks run on the translation unit's node alone, as the compiler
/// plugin runs them: each csp check registers one translationUnitDecl
/// matcher and nothing else (CspCheck), so MatchFinder's walk of the whole
/// AST, template instantiations included, would find nothing more, and on
/// template-heavy code it costs more than the checks (docs/performance.md).
class TranslationUnitChecks : public ASTConsumer {
public:
  TranslationUnitChecks(std::vector<std::unique_ptr<ClangTidyCheck>> Checks,
                        CompilerInstance &Compiler)
      : Checks(std::move(Checks)) {
    for (auto &Check : this->Checks) {
      Check->registerMatchers(&Finder);
      Check->registerPPCallbacks(Compiler.getSourceManager(), &Compiler.getPreprocessor(),
                                 &Compiler.getPreprocessor());
    }
  }
  void HandleTranslationUnit(ASTContext &Context) override {
    for (auto &Check : Checks)
      Check->onStartOfTranslationUnit();
    Finder.match(*Context.getTranslationUnitDecl(), Context);
    for (auto &Check : Checks)
      Check->onEndOfTranslationUnit();
  }

private:
  std::vector<std::unique_ptr<ClangTidyCheck>> Checks;
  ast_matchers::MatchFinder Finder;
};

/// Whether every check the configuration of the current file enables is a
/// csp check: another may match any node (and the static analyzer and the
/// check profile need clang-tidy's own consumer).
bool onlyCspChecks(ClangTidyContext &Context) {
  if (Context.getEnableProfiling())
    return false;
  return llvm::all_of(
      getCheckNames(Context.getOptions(), Context.canEnableAnalyzerAlphaCheckers()),
      [](llvm::StringRef Name) { return Name.starts_with("csp-"); });
}

} // namespace

// As clang-tidy-19's runClangTidy, with the body consumer next to the checks.
std::vector<ClangTidyError>
runClangTidyRecordingBodies(ClangTidyContext &Context,
                            const tooling::CompilationDatabase &Compilations,
                            llvm::ArrayRef<std::string> InputFiles,
                            llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> BaseFS,
                            bool ApplyAnyFix, bool EnableCheckProfile,
                            llvm::StringRef StoreCheckProfile,
                            std::function<bool(llvm::StringRef)> WantBodies,
                            FunctionBodies &Bodies) {
  tooling::ClangTool Tool(Compilations, InputFiles,
                          std::make_shared<PCHContainerOperations>(), BaseFS);
  tooling::ArgumentsAdjuster PerFileExtraArgumentsInserter =
      [&Context](const tooling::CommandLineArguments &Args, llvm::StringRef Filename) {
        ClangTidyOptions Opts = Context.getOptionsForFile(Filename);
        tooling::CommandLineArguments AdjustedArgs = Args;
        if (Opts.ExtraArgsBefore) {
          auto I = AdjustedArgs.begin();
          if (I != AdjustedArgs.end() && !llvm::StringRef(*I).starts_with("-"))
            ++I; // the compiler's name
          AdjustedArgs.insert(I, Opts.ExtraArgsBefore->begin(), Opts.ExtraArgsBefore->end());
        }
        if (Opts.ExtraArgs)
          AdjustedArgs.insert(AdjustedArgs.end(), Opts.ExtraArgs->begin(),
                              Opts.ExtraArgs->end());
        return AdjustedArgs;
      };
  Tool.appendArgumentsAdjuster(PerFileExtraArgumentsInserter);
  Tool.appendArgumentsAdjuster(tooling::getStripPluginsAdjuster());
  Context.setEnableProfiling(EnableCheckProfile);
  Context.setProfileStoragePrefix(StoreCheckProfile);

  ClangTidyDiagnosticConsumer DiagConsumer(Context, nullptr, true, ApplyAnyFix);
  DiagnosticsEngine DE(new DiagnosticIDs(), new DiagnosticOptions(), &DiagConsumer,
                       /*ShouldOwnClient=*/false);
  Context.setDiagnosticsEngine(&DE);
  Tool.setDiagnosticConsumer(&DiagConsumer);

  class Action : public ASTFrontendAction {
  public:
    Action(ClangTidyContext &Context, ClangTidyASTConsumerFactory &Factory,
           const ClangTidyCheckFactories &CheckFactories,
           const std::function<bool(llvm::StringRef)> &Want, FunctionBodies &Bodies)
        : Context(Context), Factory(Factory), CheckFactories(CheckFactories), Want(Want),
          Bodies(Bodies) {}
    std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &Compiler,
                                                   llvm::StringRef File) override {
      std::unique_ptr<ASTConsumer> Checks = checksFor(Compiler, File);
      if (!Want)
        return Checks;
      std::vector<std::unique_ptr<ASTConsumer>> Consumers;
      Consumers.push_back(std::move(Checks));
      Consumers.push_back(std::make_unique<BodyConsumer>(Want, Bodies));
      return std::make_unique<MultiplexConsumer>(std::move(Consumers));
    }

  private:
    /// The context set up as clang-tidy's factory sets it up.
    std::unique_ptr<ASTConsumer> checksFor(CompilerInstance &Compiler, llvm::StringRef File) {
      Context.setCurrentFile(File);
      if (!onlyCspChecks(Context))
        return Factory.createASTConsumer(Compiler, File);
      Context.setSourceManager(&Compiler.getSourceManager());
      Context.setASTContext(&Compiler.getASTContext());
      auto WorkingDir = Compiler.getSourceManager()
                            .getFileManager()
                            .getVirtualFileSystem()
                            .getCurrentWorkingDirectory();
      if (WorkingDir)
        Context.setCurrentBuildDirectory(*WorkingDir);
      return std::make_unique<TranslationUnitChecks>(
          CheckFactories.createChecksForLanguage(&Context), Compiler);
    }

    ClangTidyContext &Context;
    ClangTidyASTConsumerFactory &Factory;
    const ClangTidyCheckFactories &CheckFactories;
    const std::function<bool(llvm::StringRef)> &Want;
    FunctionBodies &Bodies;
  };
  class ActionFactory : public tooling::FrontendActionFactory {
  public:
    ActionFactory(ClangTidyContext &Context,
                  llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> BaseFS,
                  const std::function<bool(llvm::StringRef)> &Want, FunctionBodies &Bodies)
        : Context(Context), ConsumerFactory(Context, std::move(BaseFS)), Want(Want),
          Bodies(Bodies) {
      for (const ClangTidyModuleRegistry::entry &Entry : ClangTidyModuleRegistry::entries())
        Entry.instantiate()->addCheckFactories(CheckFactories);
    }
    std::unique_ptr<FrontendAction> create() override {
      return std::make_unique<Action>(Context, ConsumerFactory, CheckFactories, Want, Bodies);
    }
    bool runInvocation(std::shared_ptr<CompilerInvocation> Invocation, FileManager *Files,
                       std::shared_ptr<PCHContainerOperations> PCHContainerOps,
                       DiagnosticConsumer *DiagConsumer) override {
      // clang-tidy defines __clang_analyzer__, as code guarding for it expects.
      Invocation->getPreprocessorOpts().SetUpStaticAnalyzer = true;
      return FrontendActionFactory::runInvocation(Invocation, Files, PCHContainerOps,
                                                  DiagConsumer);
    }

  private:
    ClangTidyContext &Context;
    ClangTidyASTConsumerFactory ConsumerFactory;
    ClangTidyCheckFactories CheckFactories;
    const std::function<bool(llvm::StringRef)> &Want;
    FunctionBodies &Bodies;
  };

  ActionFactory Factory(Context, std::move(BaseFS), WantBodies, Bodies);
  Tool.run(&Factory);
  return DiagConsumer.take();
}

} // namespace csp_tidy
