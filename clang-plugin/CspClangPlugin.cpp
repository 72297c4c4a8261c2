//===--- CspClangPlugin.cpp - the csp checks inside the compile -----------===//
//
// lib/CspClangPlugin.so, loaded by clang-19 with -fplugin=: the csp checks
// run on the AST the compiler has just built, so a build that loads it pays
// for the analysis only, not for a second parse. Their findings are the
// compiler's own diagnostics: warnings, or errors with -fplugin-arg-csp-werror
// (or for the checks the configuration's WarningsAsErrors names). With
// -fplugin-arg-csp-findings=DIR each translation unit also leaves a findings
// file there, which `csp-tidy --merge DIR` turns into the driver's reports.
//
// The checks are clang-tidy's: the same objects as the driver's, configured
// by the same .clang-tidy files (found from the main file), filtered by the
// same NOLINT comments and header filter, because they run under
// clang-tidy's ClangTidyContext and ClangTidyDiagnosticConsumer. What is not
// clang-tidy's is the traversal: every csp check runs once on the
// translation unit (CspCheck registers a translationUnitDecl matcher and
// nothing else), so the plugin hands the matchers that one node instead of
// letting MatchFinder walk the whole AST, which would cost more than the
// checks themselves.
//
//===----------------------------------------------------------------------===//

#include "Bodies.h"
#include "Findings.h"

#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;
using namespace clang::tidy;

namespace {

/// What the driver runs by default, so that a build and a csp-tidy run of
/// the same tree agree.
constexpr const char *DefaultChecks = "-*,csp-*";

/// A configuration that does not parse fails the compile: analysing with a
/// silently ignored .clang-tidy would report the wrong findings.
class RecordingOptionsProvider : public FileOptionsProvider {
public:
  RecordingOptionsProvider(ClangTidyOptions Defaults, std::string &ParseError)
      : FileOptionsProvider(ClangTidyGlobalOptions(), std::move(Defaults), ClangTidyOptions(),
                            {{".clang-tidy", [&ParseError](llvm::MemoryBufferRef Buffer) {
                                auto Parsed = parseConfiguration(Buffer);
                                if (!Parsed && ParseError.empty())
                                  ParseError = ("invalid configuration '" +
                                                Buffer.getBufferIdentifier() +
                                                "': " + Parsed.getError().message())
                                                   .str();
                                return Parsed;
                              }}}) {
    // The constructor that takes handlers leaves the file system unset.
    FS = llvm::vfs::getRealFileSystem();
  }
};

bool isConfigurationProblem(const ClangTidyError &E) {
  return E.DiagnosticName == "clang-tidy-config";
}

struct PluginOptions {
  bool Werror = false;
  std::string FindingsDir; // empty: no findings file
};

class CspConsumer : public ASTConsumer {
public:
  CspConsumer(CompilerInstance &CI, StringRef MainFile, PluginOptions Options)
      : CI(CI), Options(std::move(Options)) {
    ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
    Defaults.Checks = DefaultChecks;
    Defaults.User = "csp-tidy";
    Context = std::make_unique<ClangTidyContext>(
        std::make_unique<RecordingOptionsProvider>(std::move(Defaults), ConfigError));
    Collector = std::make_unique<ClangTidyDiagnosticConsumer>(*Context);
    TidyDiags = std::make_unique<DiagnosticsEngine>(
        new DiagnosticIDs, new DiagnosticOptions, Collector.get(), /*ShouldOwnClient=*/false);
    Context->setDiagnosticsEngine(TidyDiags.get());

    llvm::SmallString<256> Absolute(MainFile);
    llvm::sys::fs::make_absolute(Absolute);
    llvm::sys::path::remove_dots(Absolute, /*remove_dot_dot=*/true);
    this->MainFile = std::string(Absolute);
    Context->setSourceManager(&CI.getSourceManager());
    Context->setCurrentFile(this->MainFile);
    Context->setASTContext(&CI.getASTContext());
    llvm::SmallString<256> WorkingDir;
    if (!llvm::sys::fs::current_path(WorkingDir))
      Context->setCurrentBuildDirectory(WorkingDir);

    for (const ClangTidyModuleRegistry::entry &Entry : ClangTidyModuleRegistry::entries())
      Entry.instantiate()->addCheckFactories(Factories);
    Checks = Factories.createChecksForLanguage(Context.get());
    for (auto &Check : Checks) {
      Check->registerMatchers(&Finder);
      Check->registerPPCallbacks(CI.getSourceManager(), &CI.getPreprocessor(),
                                 &CI.getPreprocessor());
    }
  }

  void HandleTranslationUnit(ASTContext &Ctx) override {
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    if (!ConfigError.empty()) {
      Diags.Report(Diags.getCustomDiagID(DiagnosticsEngine::Error, "csp: %0")) << ConfigError;
      return;
    }
    // The AST of code that does not compile is not the program.
    if (Diags.hasErrorOccurred() || Checks.empty())
      return;
    for (auto &Check : Checks)
      Check->onStartOfTranslationUnit();
    Finder.match(*Ctx.getTranslationUnitDecl(), Ctx);
    for (auto &Check : Checks)
      Check->onEndOfTranslationUnit();

    std::vector<ClangTidyError> Errors = Collector->take();
    for (const ClangTidyError &E : Errors)
      report(E);
    if (!Options.FindingsDir.empty())
      writeFindings(Ctx, Errors);
  }

private:
  SourceLocation locationOf(StringRef Path, unsigned Offset) {
    SourceManager &SM = CI.getSourceManager();
    auto File = SM.getFileManager().getOptionalFileRef(Path);
    if (!File)
      return {};
    FileID ID = SM.translateFile(*File);
    if (ID.isInvalid())
      return {};
    return SM.getLocForStartOfFile(ID).getLocWithOffset(Offset);
  }

  /// \p Message in the compiler's diagnostics, with its ranges, so that the
  /// compiler prints it as its own. Fixes stay with `csp-tidy -fix`, which
  /// applies only the safe ones and keeps the build's sources untouched.
  void emit(unsigned ID, const tooling::DiagnosticMessage &Message, StringRef Check) {
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    auto Builder = Diags.Report(locationOf(Message.FilePath, Message.FileOffset), ID);
    Builder << Message.Message;
    if (!Check.empty())
      Builder << Check;
    for (const tooling::FileByteRange &Range : Message.Ranges) {
      SourceLocation Begin = locationOf(Range.FilePath, Range.FileOffset);
      if (Begin.isValid())
        Builder << CharSourceRange::getCharRange(Begin, Begin.getLocWithOffset(Range.Length));
    }
  }

  void report(const ClangTidyError &E) {
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    // What a check found wrong with the configuration (a role option naming
    // what this unit shows does not exist): the compiler's warning, never
    // an error and no finding, as the driver says it.
    if (isConfigurationProblem(E)) {
      Diags.Report(Diags.getCustomDiagID(DiagnosticsEngine::Warning, "csp: %0"))
          << E.Message.Message;
      return;
    }
    // Custom diagnostics bypass the compiler's -Werror and -w, so the
    // plugin applies them: the build's flags mean the same for its warnings.
    bool AsError = Options.Werror || E.IsWarningAsError ||
                   E.DiagLevel == ClangTidyError::Error || Diags.getWarningsAsErrors();
    if (!AsError && Diags.getIgnoreAllWarnings())
      return;
    emit(Diags.getCustomDiagID(AsError ? DiagnosticsEngine::Error : DiagnosticsEngine::Warning,
                               "%0 [%1]"),
         E.Message, E.DiagnosticName);
    for (const tooling::DiagnosticMessage &Note : E.Notes)
      emit(Diags.getCustomDiagID(DiagnosticsEngine::Note, "%0"), Note, "");
  }

  /// DIR/<hash>.json, one per translation unit and output (a source built
  /// twice with different flags keeps both), in the driver's worker format
  /// plus the main file. Written to a temporary file and renamed, so that a
  /// parallel build or an interrupted compile never leaves half a file.
  void writeFindings(ASTContext &Ctx, const std::vector<ClangTidyError> &Errors) {
    csp_tidy::SourceTexts Sources;
    csp_tidy::Outcome Result;
    llvm::StringSet<> Files; // real paths
    auto Add = [&](llvm::StringRef File) {
      llvm::SmallString<256> Real;
      Files.insert(llvm::sys::fs::real_path(File, Real) ? File : Real.str());
    };
    for (const ClangTidyError &E : Errors) {
      if (isConfigurationProblem(E))
        continue;
      csp_tidy::Finding F = csp_tidy::toFinding(E, Sources);
      if (Options.Werror)
        F.IsError = true;
      Add(F.Where.File);
      for (const csp_tidy::Note &N : F.Notes)
        Add(N.Where.File);
      Result.Findings.push_back(std::move(F));
    }
    // `csp-tidy --merge --diff-base` takes lines removed in the body holding
    // a location as a change to the finding, as the driver does; the change
    // is not known yet, so every location gets its body.
    csp_tidy::FunctionBodies Bodies;
    if (!Files.empty())
      csp_tidy::recordBodies(
          Ctx, [&](llvm::StringRef File) { return Files.contains(File); }, Bodies);
    for (csp_tidy::Finding &F : Result.Findings)
      Bodies.fill(F);
    Result.SuppressedByNoLint = Context->getStats().ErrorsIgnoredNOLINT;
    Result.HiddenInHeaders = Context->getStats().ErrorsIgnoredNonUserCode;
    llvm::json::Value Value = csp_tidy::toJSON(Result);
    Value.getAsObject()->try_emplace("file", MainFile);

    std::string Key = MainFile + '\0' + CI.getFrontendOpts().OutputFile;
    std::string Name = llvm::toHex(llvm::SHA256::hash(llvm::arrayRefFromStringRef(Key)),
                                   /*LowerCase=*/true)
                           .substr(0, 24) +
                       ".json";
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    unsigned Failed = Diags.getCustomDiagID(DiagnosticsEngine::Error,
                                            "csp: cannot write the findings file in '%0': %1");
    if (std::error_code EC = llvm::sys::fs::create_directories(Options.FindingsDir)) {
      Diags.Report(Failed) << Options.FindingsDir << EC.message();
      return;
    }
    llvm::SmallString<256> Temporary(Options.FindingsDir), Final(Options.FindingsDir);
    llvm::sys::path::append(Temporary, Name + ".tmp%%%%%%");
    llvm::sys::path::append(Final, Name);
    int FD;
    if (std::error_code EC = llvm::sys::fs::createUniqueFile(Temporary, FD, Temporary)) {
      Diags.Report(Failed) << Options.FindingsDir << EC.message();
      return;
    }
    {
      llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
      OS << Value;
      OS.close();
      if (OS.has_error()) {
        Diags.Report(Failed) << Options.FindingsDir << OS.error().message();
        OS.clear_error();
        llvm::sys::fs::remove(Temporary);
        return;
      }
    }
    if (std::error_code EC = llvm::sys::fs::rename(Temporary, Final)) {
      Diags.Report(Failed) << Options.FindingsDir << EC.message();
      llvm::sys::fs::remove(Temporary);
    }
  }

  CompilerInstance &CI;
  PluginOptions Options;
  std::string MainFile;
  std::string ConfigError;
  std::unique_ptr<ClangTidyContext> Context;
  std::unique_ptr<ClangTidyDiagnosticConsumer> Collector;
  std::unique_ptr<DiagnosticsEngine> TidyDiags;
  ClangTidyCheckFactories Factories;
  std::vector<std::unique_ptr<ClangTidyCheck>> Checks;
  ast_matchers::MatchFinder Finder;
};

class CspPluginAction : public PluginASTAction {
public:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef InFile) override {
    return std::make_unique<CspConsumer>(CI, InFile, Options);
  }

  bool ParseArgs(const CompilerInstance &CI, const std::vector<std::string> &Args) override {
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    for (StringRef Arg : Args) {
      if (Arg == "werror") {
        Options.Werror = true;
      } else if (Arg.starts_with("findings=") && Arg.size() > 9) {
        Options.FindingsDir = Arg.drop_front(9).str();
      } else {
        Diags.Report(Diags.getCustomDiagID(
            DiagnosticsEngine::Error,
            "csp: unknown plugin argument '%0'; use -fplugin-arg-csp-werror or "
            "-fplugin-arg-csp-findings=<dir>"))
            << Arg;
        return false;
      }
    }
    return true;
  }

  // Runs after the compiler's own consumer (code generation included), on
  // every compile that loads the plugin: -fplugin= alone is enough.
  ActionType getActionType() override { return AddAfterMainAction; }

private:
  PluginOptions Options;
};

} // namespace

static FrontendPluginRegistry::Add<CspPluginAction>
    X("csp", "runs the csp checks (Go-style concurrency bugs) on the translation unit");
