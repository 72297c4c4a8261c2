//===--- TidyRun.cpp - clang-tidy's run, with the function bodies it parsed ===//

#include "TidyRun.h"

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyModule.h"
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
    Action(ClangTidyASTConsumerFactory &Factory,
           const std::function<bool(llvm::StringRef)> &Want, FunctionBodies &Bodies)
        : Factory(Factory), Want(Want), Bodies(Bodies) {}
    std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &Compiler,
                                                   llvm::StringRef File) override {
      std::unique_ptr<ASTConsumer> Checks = Factory.createASTConsumer(Compiler, File);
      if (!Want)
        return Checks;
      std::vector<std::unique_ptr<ASTConsumer>> Consumers;
      Consumers.push_back(std::move(Checks));
      Consumers.push_back(std::make_unique<BodyConsumer>(Want, Bodies));
      return std::make_unique<MultiplexConsumer>(std::move(Consumers));
    }

  private:
    ClangTidyASTConsumerFactory &Factory;
    const std::function<bool(llvm::StringRef)> &Want;
    FunctionBodies &Bodies;
  };
  class ActionFactory : public tooling::FrontendActionFactory {
  public:
    ActionFactory(ClangTidyContext &Context,
                  llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> BaseFS,
                  const std::function<bool(llvm::StringRef)> &Want, FunctionBodies &Bodies)
        : ConsumerFactory(Context, std::move(BaseFS)), Want(Want), Bodies(Bodies) {}
    std::unique_ptr<FrontendAction> create() override {
      return std::make_unique<Action>(ConsumerFactory, Want, Bodies);
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
    ClangTidyASTConsumerFactory ConsumerFactory;
    const std::function<bool(llvm::StringRef)> &Want;
    FunctionBodies &Bodies;
  };

  ActionFactory Factory(Context, std::move(BaseFS), WantBodies, Bodies);
  Tool.run(&Factory);
  return DiagConsumer.take();
}

} // namespace csp_tidy
