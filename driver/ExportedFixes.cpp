//===--- ExportedFixes.cpp - one -export-fixes file from many workers -----===//

#include "ExportedFixes.h"

#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/raw_ostream.h"

#include <set>
#include <tuple>

namespace csp_tidy {

llvm::Expected<std::string> mergeExportedFixes(llvm::ArrayRef<std::string> Exported,
                                               llvm::StringRef MainSourceFile) {
  clang::tooling::TranslationUnitDiagnostics Merged;
  Merged.MainSourceFile = MainSourceFile.str();
  // Two files including a header both report its finding.
  std::set<std::tuple<std::string, std::string, std::string, unsigned>> Seen;
  for (const std::string &Text : Exported) {
    if (Text.empty())
      continue; // a file without fixes to export
    clang::tooling::TranslationUnitDiagnostics One;
    llvm::yaml::Input In(Text);
    In >> One;
    if (In.error())
      return llvm::createStringError("a worker exported fixes that do not parse: " +
                                     In.error().message());
    for (clang::tooling::Diagnostic &D : One.Diagnostics)
      if (Seen.insert({D.DiagnosticName, D.Message.Message, D.Message.FilePath,
                       D.Message.FileOffset})
              .second)
        Merged.Diagnostics.push_back(std::move(D));
  }
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  llvm::yaml::Output YAML(OS);
  YAML << Merged;
  return Out;
}

} // namespace csp_tidy
