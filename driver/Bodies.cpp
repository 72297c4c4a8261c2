//===--- Bodies.cpp - the function bodies the diff filter reasons about ---===//

#include "Bodies.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FileSystem.h"

using namespace clang;

namespace csp_tidy {

void FunctionBodies::add(llvm::StringRef File, unsigned First, unsigned Last) {
  Spans[File].emplace_back(First, Last);
}

std::optional<std::pair<unsigned, unsigned>> FunctionBodies::outermost(llvm::StringRef File,
                                                                       unsigned Line) const {
  llvm::SmallString<256> Real;
  if (llvm::sys::fs::real_path(File, Real))
    Real = File;
  auto It = Spans.find(Real);
  if (It == Spans.end())
    return std::nullopt;
  std::optional<std::pair<unsigned, unsigned>> Best;
  for (std::pair<unsigned, unsigned> Span : It->second)
    if (Span.first <= Line && Line <= Span.second &&
        (!Best || Span.second - Span.first > Best->second - Best->first))
      Best = Span;
  return Best;
}

void FunctionBodies::fill(Finding &F) const {
  F.Where.Body = outermost(F.Where.File, F.Where.Line);
  for (Note &N : F.Notes)
    N.Where.Body = outermost(N.Where.File, N.Where.Line);
}

namespace {

class BodyVisitor : public RecursiveASTVisitor<BodyVisitor> {
public:
  BodyVisitor(SourceManager &SM, const std::function<bool(llvm::StringRef)> &Want,
              FunctionBodies &Bodies)
      : SM(SM), Want(Want), Bodies(Bodies) {}

  // Declarations in files the change left whole (the standard headers,
  // mostly) are not walked.
  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) && D->getLocation().isValid() &&
        !fileOf(SM.getExpansionLoc(D->getLocation())))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody())
      record(FD->getSourceRange());
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *L) {
    record(L->getSourceRange());
    return true;
  }

private:
  /// The real path of the file holding \p Loc when its bodies are wanted.
  const std::string *fileOf(SourceLocation Loc) {
    FileID ID = SM.getFileID(Loc);
    auto [It, Inserted] = Files.try_emplace(ID);
    if (Inserted) {
      OptionalFileEntryRef Entry = SM.getFileEntryRefForID(ID);
      if (Entry) {
        std::string Real = Entry->getFileEntry().tryGetRealPathName().str();
        if (Real.empty())
          Real = Entry->getName().str();
        if (Want(Real))
          It->second = std::move(Real);
      }
    }
    return It->second ? &*It->second : nullptr;
  }

  void record(SourceRange R) {
    if (R.isInvalid())
      return;
    SourceLocation Begin = SM.getExpansionLoc(R.getBegin()), End = SM.getExpansionLoc(R.getEnd());
    if (SM.getFileID(Begin) != SM.getFileID(End))
      return;
    if (const std::string *File = fileOf(Begin))
      Bodies.add(*File, SM.getExpansionLineNumber(Begin), SM.getExpansionLineNumber(End));
  }

  SourceManager &SM;
  const std::function<bool(llvm::StringRef)> &Want;
  FunctionBodies &Bodies;
  llvm::DenseMap<FileID, std::optional<std::string>> Files;
};

} // namespace

void recordBodies(ASTContext &Ctx, const std::function<bool(llvm::StringRef)> &Want,
                  FunctionBodies &Bodies) {
  BodyVisitor(Ctx.getSourceManager(), Want, Bodies).TraverseDecl(Ctx.getTranslationUnitDecl());
}

} // namespace csp_tidy
