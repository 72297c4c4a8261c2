//===--- Baseline.cpp - accepted findings, so that a gate fails on new ones ===//

#include "Baseline.h"
#include "WriteFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace csp_tidy {

// Version 1 fingerprints held the path and the message; none would match.
static constexpr int FormatVersion = 2;

llvm::Expected<Baseline> Baseline::read(llvm::StringRef Path, llvm::StringRef BaseDir) {
  auto Invalid = [&](const llvm::Twine &Why) {
    return llvm::createStringError("invalid baseline '" + Path + "': " + Why);
  };
  auto Text = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Text)
    return llvm::createStringError("cannot read baseline '" + Path +
                                   "': " + Text.getError().message());
  llvm::Expected<llvm::json::Value> Parsed = llvm::json::parse((*Text)->getBuffer());
  if (!Parsed)
    return Invalid(llvm::toString(Parsed.takeError()));
  const llvm::json::Object *Root = Parsed->getAsObject();
  if (!Root || Root->getString("tool") != "csp-tidy")
    return Invalid("not a csp-tidy baseline (write one with --baseline-write)");
  if (Root->getInteger("version") == 1)
    return Invalid("written by an older csp-tidy, whose fingerprints this one cannot match; "
                   "write it again with --baseline-write");
  if (Root->getInteger("version") != FormatVersion)
    return Invalid("unsupported version; this csp-tidy reads version " +
                   llvm::Twine(FormatVersion));
  const llvm::json::Array *Entries = Root->getArray("findings");
  if (!Entries)
    return Invalid("no 'findings' array");
  Baseline B;
  B.BaseDir = BaseDir.str();
  for (const llvm::json::Value &Value : *Entries) {
    const llvm::json::Object *E = Value.getAsObject();
    Entry Read;
    auto Field = [&](llvm::StringRef Name, std::string &To) {
      std::optional<llvm::StringRef> Text = E ? E->getString(Name) : std::nullopt;
      To = Text.value_or("").str();
      return !To.empty();
    };
    if (!Field("fingerprint", Read.Fingerprint) || !Field("codeHash", Read.CodeHash))
      return Invalid("an entry without a 'fingerprint' or 'codeHash'");
    Field("check", Read.Check);
    if (const llvm::json::Value *File = E->get("file"); File && !bytesFromJSON(*File, Read.File))
      return Invalid("an entry whose 'file' is neither a string nor {\"bytes\": hex}");
    Field("message", Read.Message);
    Read.Line = E->getInteger("line").value_or(0);
    B.Entries.push_back(std::move(Read));
  }
  return B;
}

static llvm::json::Value toJSON(const Baseline::Entry &E) {
  return llvm::json::Object{{"fingerprint", E.Fingerprint}, {"codeHash", E.CodeHash},
                            {"check", E.Check},             {"file", bytesToJSON(E.File)},
                            {"line", E.Line},               {"message", E.Message}};
}

static llvm::Error writeEntries(llvm::StringRef Path, llvm::json::Array Entries) {
  llvm::json::Value Root = llvm::json::Object{
      {"tool", "csp-tidy"}, {"version", FormatVersion}, {"findings", std::move(Entries)}};
  std::string Text;
  llvm::raw_string_ostream(Text) << llvm::formatv("{0:2}", Root) << "\n";
  return writeOutputFile(Path, Text);
}

llvm::Error Baseline::write(llvm::StringRef Path, const std::vector<Finding> &Findings,
                            llvm::StringRef BaseDir) {
  llvm::json::Array Entries;
  for (const Finding &F : Findings)
    Entries.push_back(toJSON(Entry{F.Fingerprint, F.CodeHash, F.Check,
                                   relativeTo(F.Where.File, BaseDir), F.Message, F.Where.Line}));
  return writeEntries(Path, std::move(Entries));
}

llvm::Error Baseline::writeUsed(llvm::StringRef Path) const {
  llvm::json::Array Kept;
  for (const Entry &E : Entries)
    if (E.Used)
      Kept.push_back(toJSON(E));
  return writeEntries(Path, std::move(Kept));
}

std::vector<bool> Baseline::accept(llvm::ArrayRef<Finding> Findings) {
  // An entry whose file still exists accepts findings in that file only: a
  // copy of accepted code into another file is new. Once the file is gone,
  // its entries follow the code wherever it went.
  std::vector<bool> FileGone(Entries.size());
  for (size_t I = 0; I < Entries.size(); ++I)
    FileGone[I] = !llvm::sys::fs::exists(absolutePath(Entries[I].File, BaseDir));

  std::vector<bool> Accepted(Findings.size());
  auto Pass = [&](bool Exact, bool AnyFile) {
    for (size_t F = 0; F < Findings.size(); ++F) {
      if (Accepted[F])
        continue;
      std::string File = relativeTo(Findings[F].Where.File, BaseDir);
      for (size_t I = 0; I < Entries.size(); ++I) {
        Entry &E = Entries[I];
        if (E.Used || (AnyFile ? !FileGone[I] : E.File != File))
          continue;
        if (Exact ? E.Fingerprint != Findings[F].Fingerprint
                  : E.CodeHash != Findings[F].CodeHash)
          continue;
        E.Used = Accepted[F] = true;
        break;
      }
    }
  };
  Pass(/*Exact=*/true, /*AnyFile=*/false);
  Pass(/*Exact=*/true, /*AnyFile=*/true);
  Pass(/*Exact=*/false, /*AnyFile=*/false);
  Pass(/*Exact=*/false, /*AnyFile=*/true);
  return Accepted;
}

std::vector<const Baseline::Entry *> Baseline::unused() const {
  std::vector<const Entry *> Unused;
  for (const Entry &E : Entries)
    if (!E.Used)
      Unused.push_back(&E);
  return Unused;
}

} // namespace csp_tidy
