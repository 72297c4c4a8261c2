//===--- Findings.cpp - diagnostics as data, for reports and baselines ----===//

#include "Findings.h"

#include "clang/Basic/LangOptions.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>
#include <tuple>

using clang::tidy::ClangTidyError;

namespace csp_tidy {

SourceTexts::Text *SourceTexts::load(llvm::StringRef File) {
  auto [It, Inserted] = Files.try_emplace(File);
  Text &T = It->second;
  if (Inserted) {
    auto Buffer = FS->getBufferForFile(File, /*FileSize=*/-1, /*RequiresNullTerminator=*/true,
                                       /*IsVolatile=*/false);
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

namespace {
/// UTF-16 code units in \p Text, which is UTF-8: one per code point, two for
/// those beyond the Basic Multilingual Plane (4-byte sequences). Bytes that
/// are not UTF-8 count one each, as the lead bytes of their sequences would.
unsigned utf16Units(llvm::StringRef Text) {
  unsigned Units = 0;
  for (unsigned char C : Text)
    if ((C & 0xC0) != 0x80)
      Units += C >= 0xF0 ? 2 : 1;
  return Units;
}
} // namespace

Location SourceTexts::locate(llvm::StringRef File, unsigned Offset, unsigned Length) {
  Location L{File.str()};
  Text *T = load(File);
  if (!T)
    return L;
  llvm::StringRef Contents = T->Buffer->getBuffer();
  Offset = std::min<size_t>(Offset, Contents.size());
  if (!Length && Offset < Contents.size()) {
    // The token at the location, as clang's raw lexer sees it: a whole
    // identifier, literal or operator, not one character.
    clang::LangOptions Lang;
    Lang.CPlusPlus = Lang.CPlusPlus11 = Lang.CPlusPlus14 = Lang.CPlusPlus17 = true;
    Lang.CPlusPlus20 = Lang.LineComment = true;
    clang::Lexer Lex(clang::SourceLocation(), Lang, Contents.begin(), Contents.begin() + Offset,
                     Contents.end());
    clang::Token Tok;
    Lex.LexFromRawLexer(Tok);
    Length = std::max(Tok.getLength(), 1u);
  }
  unsigned End = std::min<size_t>(Offset + Length, Contents.size());
  auto Place = [&](unsigned At, unsigned &Line, unsigned &Column, unsigned &Utf16) {
    auto Next = llvm::upper_bound(T->LineStarts, At);
    unsigned Index = Next - T->LineStarts.begin() - 1;
    Line = Index + 1;
    Column = At - T->LineStarts[Index] + 1;
    Utf16 = utf16Units(Contents.slice(T->LineStarts[Index], At)) + 1;
  };
  Place(Offset, L.Line, L.Column, L.Utf16Column);
  Place(End, L.EndLine, L.EndColumn, L.Utf16EndColumn);
  return L;
}

llvm::StringRef SourceTexts::line(llvm::StringRef File, unsigned Line) {
  return lineIfAny(File, Line).value_or("");
}

std::optional<llvm::StringRef> SourceTexts::lineIfAny(llvm::StringRef File, unsigned Line) {
  Text *T = load(File);
  if (!T || Line == 0 || Line > T->LineStarts.size())
    return std::nullopt;
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

namespace {
/// \p Text with whitespace collapsed, so that reindenting and reformatting
/// keep what is made of it.
std::string collapsed(llvm::StringRef Text) {
  std::string Out;
  for (char C : Text.trim()) {
    if (llvm::isSpace(C)) {
      if (!Out.empty() && Out.back() != ' ')
        Out += ' ';
    } else {
      Out += C;
    }
  }
  return Out;
}

/// The nearest line above (\p Step = -1) or below (+1) \p Line that is not
/// blank: inserting or removing blank lines does not change a neighbour.
std::string neighbour(SourceTexts &Sources, llvm::StringRef File, unsigned Line, int Step) {
  for (int L = int(Line) + Step, Tries = 0; L > 0 && Tries < 100; L += Step, ++Tries) {
    std::optional<llvm::StringRef> Text = Sources.lineIfAny(File, L);
    if (!Text)
      break;
    if (!Text->trim().empty())
      return collapsed(*Text);
  }
  return "";
}

std::string hashOf(llvm::ArrayRef<std::string> Parts) {
  llvm::SHA256 Hash;
  for (llvm::StringRef Part : Parts) {
    Hash.update(Part);
    Hash.update(llvm::ArrayRef<uint8_t>{0});
  }
  std::array<uint8_t, 32> Digest = Hash.final();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(Digest).take_front(16), /*LowerCase=*/true);
}

std::vector<std::string> codeParts(const Finding &F, SourceTexts &Sources) {
  std::vector<std::string> Parts{"csp-tidy/2", F.Check,
                                 collapsed(Sources.line(F.Where.File, F.Where.Line))};
  for (const Note &N : F.Notes)
    Parts.push_back(collapsed(Sources.line(N.Where.File, N.Where.Line)));
  return Parts;
}
} // namespace

std::string codeHash(const Finding &F, SourceTexts &Sources) {
  return hashOf(codeParts(F, Sources));
}

std::string fingerprint(const Finding &F, SourceTexts &Sources) {
  std::vector<std::string> Parts = codeParts(F, Sources);
  Parts.push_back(neighbour(Sources, F.Where.File, F.Where.Line, -1));
  Parts.push_back(neighbour(Sources, F.Where.File, F.Where.Line, +1));
  return hashOf(Parts);
}

bool isCompilerError(const ClangTidyError &E) {
  return E.DiagnosticName == "clang-diagnostic-error" ||
         (E.DiagLevel == ClangTidyError::Error && !E.IsWarningAsError &&
          llvm::StringRef(E.DiagnosticName).starts_with("clang-diagnostic-"));
}

/// Where \p M points, to the end of the diagnostic's range that holds it.
static Location locate(const clang::tooling::DiagnosticMessage &M, llvm::StringRef BuildDirectory,
                       SourceTexts &Sources) {
  unsigned Length = 0;
  for (const clang::tooling::FileByteRange &R : M.Ranges)
    if (R.FilePath == M.FilePath && R.FileOffset <= M.FileOffset &&
        M.FileOffset < R.FileOffset + R.Length) {
      Length = R.FileOffset + R.Length - M.FileOffset;
      break;
    }
  return Sources.locate(absolutePath(M.FilePath, BuildDirectory), M.FileOffset, Length);
}

Finding toFinding(const ClangTidyError &E, SourceTexts &Sources) {
  Finding F;
  F.Check = E.DiagnosticName;
  F.IsError = E.IsWarningAsError || E.DiagLevel == ClangTidyError::Error;
  F.Where = locate(E.Message, E.BuildDirectory, Sources);
  F.Message = E.Message.Message;
  for (const clang::tooling::DiagnosticMessage &N : E.Notes)
    F.Notes.push_back({locate(N, E.BuildDirectory, Sources), N.Message});
  F.Fingerprint = fingerprint(F, Sources);
  F.CodeHash = codeHash(F, Sources);
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

llvm::json::Value bytesToJSON(llvm::StringRef Path) {
  if (llvm::json::isUTF8(Path))
    return Path.str(); // a json::Value of a StringRef would not own the text
  return llvm::json::Object{{"bytes", llvm::toHex(Path, /*LowerCase=*/true)}};
}

bool bytesFromJSON(const llvm::json::Value &V, std::string &Path) {
  if (std::optional<llvm::StringRef> Text = V.getAsString()) {
    Path = Text->str();
    return true;
  }
  const llvm::json::Object *O = V.getAsObject();
  std::optional<llvm::StringRef> Hex = O ? O->getString("bytes") : std::nullopt;
  return Hex && llvm::tryGetFromHex(*Hex, Path);
}

static llvm::json::Value toJSON(const Location &L) {
  llvm::json::Object O{{"file", bytesToJSON(L.File)},
                       {"line", L.Line},
                       {"column", L.Column},
                       {"endLine", L.EndLine},
                       {"endColumn", L.EndColumn},
                       {"utf16Column", L.Utf16Column},
                       {"utf16EndColumn", L.Utf16EndColumn}};
  if (L.Body)
    O["body"] = llvm::json::Array{L.Body->first, L.Body->second};
  return O;
}

static bool fromJSON(const llvm::json::Value &V, Location &L, llvm::json::Path P) {
  llvm::json::ObjectMapper O(V, P);
  // llvm::json reads no `unsigned`.
  int64_t Line = 0, Column = 0, EndLine = 0, EndColumn = 0, Utf16Column = 0, Utf16EndColumn = 0;
  const llvm::json::Object *Fields = V.getAsObject();
  const llvm::json::Value *File = Fields ? Fields->get("file") : nullptr;
  bool Read = O && File && bytesFromJSON(*File, L.File) && O.map("line", Line) && O.map("column", Column) &&
              O.map("endLine", EndLine) && O.map("endColumn", EndColumn) &&
              O.map("utf16Column", Utf16Column) && O.map("utf16EndColumn", Utf16EndColumn);
  L.Line = Line;
  L.Column = Column;
  L.EndLine = EndLine;
  L.EndColumn = EndColumn;
  L.Utf16Column = Utf16Column;
  L.Utf16EndColumn = Utf16EndColumn;
  if (const llvm::json::Array *Body = Fields ? Fields->getArray("body") : nullptr) {
    std::optional<int64_t> First = Body->size() == 2 ? (*Body)[0].getAsInteger() : std::nullopt;
    std::optional<int64_t> Last = Body->size() == 2 ? (*Body)[1].getAsInteger() : std::nullopt;
    if (!First || !Last)
      return false;
    L.Body = {unsigned(*First), unsigned(*Last)};
  }
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
                            {"fingerprint", F.Fingerprint},
                            {"codeHash", F.CodeHash}};
}

bool fromJSON(const llvm::json::Value &V, Finding &F, llvm::json::Path P) {
  llvm::json::ObjectMapper O(V, P);
  return O && O.map("check", F.Check) && O.map("error", F.IsError) &&
         O.map("location", F.Where) && O.map("message", F.Message) &&
         O.map("notes", F.Notes) && O.map("fingerprint", F.Fingerprint) &&
         O.map("codeHash", F.CodeHash);
}

llvm::json::Value toJSON(const Outcome &O) {
  llvm::json::Array Findings, Baselined;
  for (const Finding &F : O.Findings)
    Findings.push_back(toJSON(F));
  for (const Finding &F : O.Baselined)
    Baselined.push_back(toJSON(F));
  return llvm::json::Object{{"findings", std::move(Findings)},
                            {"baselined", std::move(Baselined)},
                            {"nolint", O.SuppressedByNoLint},
                            {"hidden-in-headers", O.HiddenInHeaders}};
}

bool fromJSON(const llvm::json::Value &V, Outcome &O, llvm::json::Path P) {
  llvm::json::ObjectMapper M(V, P);
  int64_t NoLint = 0, Hidden = 0; // llvm::json reads no `unsigned`
  bool Read = M && M.map("findings", O.Findings) && M.map("baselined", O.Baselined) &&
              M.map("nolint", NoLint) && M.map("hidden-in-headers", Hidden);
  O.SuppressedByNoLint = NoLint;
  O.HiddenInHeaders = Hidden;
  return Read;
}

} // namespace csp_tidy
