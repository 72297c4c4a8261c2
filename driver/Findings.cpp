//===--- Findings.cpp - diagnostics as data, for reports and baselines ----===//

#include "Findings.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>
#include <tuple>

using clang::tidy::ClangTidyError;

namespace csp_tidy {

SourceTexts::Text *SourceTexts::load(llvm::StringRef File) {
  auto [It, Inserted] = Files.try_emplace(File);
  Text &T = It->second;
  if (Inserted) {
    auto Buffer = llvm::MemoryBuffer::getFile(File, /*IsText=*/true);
    if (Buffer) {
      T.Buffer = std::move(*Buffer);
      llvm::StringRef Contents = T.Buffer->getBuffer();
      T.LineStarts.push_back(0);
      for (size_t I = 0; I < Contents.size(); ++I)
        if (Contents[I] == '\n')
          T.LineStarts.push_back(I + 1);
    }
  }
  return T.Buffer ? &T : nullptr;
}

Location SourceTexts::locate(llvm::StringRef File, unsigned Offset) {
  Location L{File.str(), 0, 0};
  if (Text *T = load(File)) {
    auto Next = llvm::upper_bound(T->LineStarts, Offset);
    unsigned Index = Next - T->LineStarts.begin() - 1;
    L.Line = Index + 1;
    L.Column = Offset - T->LineStarts[Index] + 1;
  }
  return L;
}

llvm::StringRef SourceTexts::line(llvm::StringRef File, unsigned Line) {
  Text *T = load(File);
  if (!T || Line == 0 || Line > T->LineStarts.size())
    return {};
  llvm::StringRef Contents = T->Buffer->getBuffer();
  unsigned Begin = T->LineStarts[Line - 1];
  unsigned End = Line < T->LineStarts.size() ? T->LineStarts[Line] : Contents.size();
  return Contents.slice(Begin, End).rtrim("\r\n");
}

std::string absolutePath(llvm::StringRef File, llvm::StringRef Directory) {
  llvm::SmallString<256> Path(File);
  if (!Path.empty() && llvm::sys::path::is_relative(Path)) {
    if (Directory.empty()) {
      llvm::sys::fs::make_absolute(Path);
    } else {
      Path = Directory;
      llvm::sys::path::append(Path, File);
    }
  }
  llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  return std::string(Path);
}

std::string relativeTo(llvm::StringRef Path, llvm::StringRef BaseDir) {
  llvm::SmallString<256> Base(BaseDir);
  llvm::sys::path::remove_dots(Base, /*remove_dot_dot=*/true);
  llvm::SmallString<256> Native(Path);
  llvm::sys::path::remove_dots(Native, /*remove_dot_dot=*/true);
  llvm::StringRef Rest = Native;
  if (!Base.empty() && Rest.consume_front(Base) &&
      (Rest.empty() || llvm::sys::path::is_separator(Rest.front()) ||
       llvm::sys::path::is_separator(Base.back())))
    return llvm::sys::path::convert_to_slash(Rest.ltrim('/'));
  return std::string(Native);
}

std::string fingerprint(const Finding &F, llvm::StringRef LineText, llvm::StringRef BaseDir) {
  // Whitespace changes (reindenting, reformatting) keep the fingerprint.
  std::string Collapsed;
  for (char C : LineText.trim()) {
    if (llvm::isSpace(C)) {
      if (!Collapsed.empty() && Collapsed.back() != ' ')
        Collapsed += ' ';
    } else {
      Collapsed += C;
    }
  }
  std::string File = relativeTo(F.Where.File, BaseDir);
  llvm::SHA256 Hash;
  for (llvm::StringRef Part : {llvm::StringRef("csp-tidy/1"), llvm::StringRef(F.Check),
                               llvm::StringRef(File), llvm::StringRef(Collapsed),
                               llvm::StringRef(F.Message)}) {
    Hash.update(Part);
    Hash.update(llvm::ArrayRef<uint8_t>{0});
  }
  std::array<uint8_t, 32> Digest = Hash.final();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(Digest).take_front(16), /*LowerCase=*/true);
}

bool isCompilerError(const ClangTidyError &E) {
  return E.DiagnosticName == "clang-diagnostic-error" ||
         (E.DiagLevel == ClangTidyError::Error && !E.IsWarningAsError &&
          llvm::StringRef(E.DiagnosticName).starts_with("clang-diagnostic-"));
}

Finding toFinding(const ClangTidyError &E, SourceTexts &Sources, llvm::StringRef BaseDir) {
  Finding F;
  F.Check = E.DiagnosticName;
  F.IsError = E.IsWarningAsError || E.DiagLevel == ClangTidyError::Error;
  F.Where = Sources.locate(absolutePath(E.Message.FilePath, E.BuildDirectory),
                           E.Message.FileOffset);
  F.Message = E.Message.Message;
  for (const clang::tooling::DiagnosticMessage &N : E.Notes)
    F.Notes.push_back(
        {Sources.locate(absolutePath(N.FilePath, E.BuildDirectory), N.FileOffset), N.Message});
  F.Fingerprint = fingerprint(F, Sources.line(F.Where.File, F.Where.Line), BaseDir);
  return F;
}

static auto key(const Finding &F) {
  return std::tie(F.Where.File, F.Where.Line, F.Where.Column, F.Check, F.Message);
}

void sortAndDeduplicate(std::vector<Finding> &Findings) {
  llvm::sort(Findings, [](const Finding &A, const Finding &B) { return key(A) < key(B); });
  Findings.erase(std::unique(Findings.begin(), Findings.end(),
                             [](const Finding &A, const Finding &B) { return key(A) == key(B); }),
                 Findings.end());
}

static llvm::json::Value toJSON(const Location &L) {
  return llvm::json::Object{{"file", L.File}, {"line", L.Line}, {"column", L.Column}};
}

static bool fromJSON(const llvm::json::Value &V, Location &L, llvm::json::Path P) {
  llvm::json::ObjectMapper O(V, P);
  int64_t Line = 0, Column = 0; // llvm::json reads no `unsigned`
  bool Read = O && O.map("file", L.File) && O.map("line", Line) && O.map("column", Column);
  L.Line = Line;
  L.Column = Column;
  return Read;
}

static bool fromJSON(const llvm::json::Value &V, Note &N, llvm::json::Path P) {
  llvm::json::ObjectMapper O(V, P);
  return O && O.map("location", N.Where) && O.map("message", N.Message);
}

llvm::json::Value toJSON(const Finding &F) {
  llvm::json::Array Notes;
  for (const Note &N : F.Notes)
    Notes.push_back(llvm::json::Object{{"location", toJSON(N.Where)}, {"message", N.Message}});
  return llvm::json::Object{{"check", F.Check},
                            {"error", F.IsError},
                            {"location", toJSON(F.Where)},
                            {"message", F.Message},
                            {"notes", std::move(Notes)},
                            {"fingerprint", F.Fingerprint}};
}

bool fromJSON(const llvm::json::Value &V, Finding &F, llvm::json::Path P) {
  llvm::json::ObjectMapper O(V, P);
  return O && O.map("check", F.Check) && O.map("error", F.IsError) &&
         O.map("location", F.Where) && O.map("message", F.Message) &&
         O.map("notes", F.Notes) && O.map("fingerprint", F.Fingerprint);
}

} // namespace csp_tidy
