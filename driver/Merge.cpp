//===--- Merge.cpp - the findings of a build with the compiler plugin -----===//

#include "Merge.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace csp_tidy {

llvm::Expected<std::vector<Outcome>> readFindingsFiles(llvm::ArrayRef<std::string> Dirs) {
  std::vector<Outcome> Outcomes;
  for (const std::string &Dir : Dirs) {
    if (!llvm::sys::fs::is_directory(Dir))
      return llvm::createStringError("--merge '" + Dir + "' is not a directory");
    std::vector<std::string> Files;
    std::error_code EC;
    for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC; It.increment(EC))
      // The plugin's temporary files (NAME.json.tmpXXXXXX) are a compile
      // still writing, or one that was killed: not findings.
      if (llvm::sys::path::extension(It->path()) == ".json")
        Files.push_back(It->path());
    if (EC)
      return llvm::createStringError("cannot read the directory '" + Dir + "': " + EC.message());
    llvm::sort(Files);
    for (const std::string &File : Files) {
      auto Text = llvm::MemoryBuffer::getFile(File);
      if (!Text)
        return llvm::createStringError("cannot read the findings file '" + File +
                                       "': " + Text.getError().message());
      llvm::Expected<llvm::json::Value> Parsed = llvm::json::parse((*Text)->getBuffer());
      if (!Parsed)
        return llvm::createStringError("invalid findings file '" + File +
                                       "': " + llvm::toString(Parsed.takeError()));
      Outcome O;
      llvm::json::Path::Root Root;
      const llvm::json::Object *Object = Parsed->getAsObject();
      if (!Object || !Object->getString("file") || !fromJSON(*Parsed, O, Root))
        return llvm::createStringError("invalid findings file '" + File +
                                       "': not written by CspClangPlugin.so");
      Outcomes.push_back(std::move(O));
    }
  }
  return Outcomes;
}

std::vector<Finding> mergeOutcomes(std::vector<Outcome> &Outcomes, const ChangedLines *Changed,
                                   unsigned &SuppressedByNoLint, unsigned &HiddenInHeaders) {
  std::vector<Finding> Merged;
  for (Outcome &O : Outcomes) {
    for (Finding &F : O.Findings)
      if (!Changed || Changed->isNew(F))
        Merged.push_back(std::move(F));
    SuppressedByNoLint += O.SuppressedByNoLint;
    HiddenInHeaders += O.HiddenInHeaders;
  }
  sortAndDeduplicate(Merged);
  return Merged;
}

static void printLocation(llvm::raw_ostream &OS, const Location &L) {
  OS << L.File << ":" << L.Line << ":" << L.Column << ": ";
}

void printFinding(llvm::raw_ostream &OS, const Finding &F) {
  printLocation(OS, F.Where);
  OS << (F.IsError ? "error" : "warning") << ": " << F.Message << " [" << F.Check << "]\n";
  for (const Note &N : F.Notes) {
    printLocation(OS, N.Where);
    OS << "note: " << N.Message << "\n";
  }
}

} // namespace csp_tidy
