//===--- Baseline.cpp - accepted findings, so that a gate fails on new ones ===//

#include "Baseline.h"
#include "WriteFile.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace csp_tidy {

static constexpr int FormatVersion = 1;

llvm::Expected<Baseline> Baseline::read(llvm::StringRef Path) {
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
  if (Root->getInteger("version") != FormatVersion)
    return Invalid("unsupported version; this csp-tidy reads version " +
                   llvm::Twine(FormatVersion));
  const llvm::json::Array *Entries = Root->getArray("findings");
  if (!Entries)
    return Invalid("no 'findings' array");
  Baseline B;
  for (const llvm::json::Value &Entry : *Entries) {
    const llvm::json::Object *E = Entry.getAsObject();
    std::optional<llvm::StringRef> Fingerprint = E ? E->getString("fingerprint") : std::nullopt;
    if (!Fingerprint || Fingerprint->empty())
      return Invalid("an entry without a 'fingerprint'");
    ++B.Remaining[*Fingerprint];
  }
  return B;
}

llvm::Error Baseline::write(llvm::StringRef Path, const std::vector<Finding> &Findings,
                            llvm::StringRef BaseDir) {
  // Line and message are for the reader of a review; only the fingerprint
  // is matched.
  llvm::json::Array Entries;
  for (const Finding &F : Findings)
    Entries.push_back(llvm::json::Object{{"fingerprint", F.Fingerprint},
                                         {"check", F.Check},
                                         {"file", relativeTo(F.Where.File, BaseDir)},
                                         {"line", F.Where.Line},
                                         {"message", F.Message}});
  llvm::json::Value Root = llvm::json::Object{
      {"tool", "csp-tidy"}, {"version", FormatVersion}, {"findings", std::move(Entries)}};

  std::string Text;
  llvm::raw_string_ostream(Text) << llvm::formatv("{0:2}", Root) << "\n";
  return writeOutputFile(Path, Text);
}

bool Baseline::accepts(const Finding &F) {
  auto It = Remaining.find(F.Fingerprint);
  if (It == Remaining.end() || It->second == 0)
    return false;
  --It->second;
  return true;
}

} // namespace csp_tidy
