//===--- Reports.cpp - findings as JSON, SARIF 2.1.0 and Code Climate -----===//

#include "Reports.h"

#include "clang/Basic/Version.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <map>
#include <tuple>

namespace csp_tidy {
namespace {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

struct CheckDoc {
  const char *Check;
  const char *Markdown;
};

// docs/checks/<name>.md for every csp check, embedded by the build.
const CheckDoc CheckDocs[] = {
#include "CheckDocs.inc"
};

const CheckDoc *docFor(llvm::StringRef Check) {
  for (const CheckDoc &D : CheckDocs)
    if (Check == D.Check)
      return &D;
  return nullptr;
}

/// The first paragraph after a page's title: what the check finds, in one
/// sentence or two.
std::string summaryOf(llvm::StringRef Markdown) {
  llvm::SmallVector<llvm::StringRef, 64> Lines;
  Markdown.split(Lines, '\n');
  std::string Summary;
  bool InParagraph = false;
  for (llvm::StringRef Line : llvm::ArrayRef(Lines).drop_front()) {
    Line = Line.trim();
    if (Line.empty()) {
      if (InParagraph)
        break;
      continue;
    }
    InParagraph = true;
    if (!Summary.empty())
      Summary += ' ';
    Summary += Line;
  }
  return Summary;
}

/// Percent-encodes what may not appear in a URI path segment.
std::string uriPath(llvm::StringRef Path) {
  std::string Out;
  for (unsigned char C : Path) {
    if (llvm::isAlnum(C) || llvm::StringRef("-._~/").contains(C))
      Out += C;
    else
      Out += "%" + llvm::utohexstr(C, /*LowerCase=*/false, /*Width=*/2);
  }
  return Out;
}

/// A finding's file as SARIF wants it: relative to %SRCROOT% when it lies
/// below the base directory, an absolute file URI otherwise.
Object artifactLocation(llvm::StringRef File, llvm::StringRef BaseDir) {
  std::string Relative = relativeTo(File, BaseDir);
  if (llvm::sys::path::is_absolute(Relative))
    return Object{{"uri", "file://" + uriPath(Relative)}};
  return Object{{"uri", uriPath(Relative)}, {"uriBaseId", "%SRCROOT%"}};
}

Object physicalLocation(const Location &L, llvm::StringRef BaseDir) {
  Object Region{{"startLine", std::max(L.Line, 1u)}};
  if (L.Column)
    Region["startColumn"] = L.Column;
  return Object{{"artifactLocation", artifactLocation(L.File, BaseDir)},
                {"region", std::move(Region)}};
}

Object rule(llvm::StringRef Check) {
  Object R{{"id", Check}, {"defaultConfiguration", Object{{"level", "warning"}}}};
  if (const CheckDoc *Doc = docFor(Check)) {
    std::string Summary = summaryOf(Doc->Markdown);
    R["shortDescription"] = Object{{"text", Summary}};
    R["fullDescription"] = Object{{"text", Summary}};
    R["help"] = Object{{"text", Doc->Markdown}, {"markdown", Doc->Markdown}};
    R["properties"] = Object{{"tags", Array{"concurrency", "correctness"}}};
  } else if (Check.starts_with("clang-diagnostic-")) {
    R["shortDescription"] = Object{{"text", "a diagnostic of the compiler"}};
  } else {
    // Another clang-tidy check the configuration enabled: clang-tidy's
    // documentation names its pages after the check's module and name.
    auto [Module, Name] = Check.split('-');
    if (Check.starts_with("clang-analyzer-"))
      std::tie(Module, Name) = std::make_pair(Check.take_front(14), Check.drop_front(15));
    R["shortDescription"] = Object{{"text", ("clang-tidy check " + Check).str()}};
    R["helpUri"] = ("https://clang.llvm.org/extra/clang-tidy/checks/" + Module + "/" + Name +
                    ".html")
                       .str();
  }
  return R;
}

} // namespace

void writeJSON(llvm::raw_ostream &OS, const Run &R) {
  Array Findings;
  for (const Finding &F : R.Findings) {
    Array Notes;
    for (const Note &N : F.Notes)
      Notes.push_back(Object{{"file", relativeTo(N.Where.File, R.BaseDir)},
                             {"line", N.Where.Line},
                             {"column", N.Where.Column},
                             {"message", N.Message}});
    Findings.push_back(Object{{"check", F.Check},
                              {"severity", F.IsError ? "error" : "warning"},
                              {"file", relativeTo(F.Where.File, R.BaseDir)},
                              {"line", F.Where.Line},
                              {"column", F.Where.Column},
                              {"message", F.Message},
                              {"notes", std::move(Notes)},
                              {"fingerprint", F.Fingerprint}});
  }
  Array Failures;
  for (const Failure &F : R.Failures)
    Failures.push_back(Object{{"file", relativeTo(F.File, R.BaseDir)}, {"reason", F.Reason}});
  OS << llvm::formatv("{0:2}", Value(Object{{"version", 1},
                                            {"tool", "csp-tidy"},
                                            {"findings", std::move(Findings)},
                                            {"baselined", R.Baselined},
                                            {"failures", std::move(Failures)}}))
     << "\n";
}

void writeSARIF(llvm::raw_ostream &OS, const Run &R) {
  // Rules: every enabled check, so that code scanning can show a rule that
  // has no result yet, plus any other name a result carries.
  std::vector<std::string> RuleIds = R.EnabledChecks;
  for (const Finding &F : R.Findings)
    if (!llvm::is_contained(RuleIds, F.Check))
      RuleIds.push_back(F.Check);
  llvm::sort(RuleIds);
  llvm::StringMap<unsigned> RuleIndex;
  Array Rules;
  for (const std::string &Id : RuleIds) {
    RuleIndex[Id] = Rules.size();
    Rules.push_back(rule(Id));
  }

  // GitHub asks for fingerprints that differ between results; findings with
  // the same fingerprint are told apart by their order, as GitHub's own
  // line hashes are.
  llvm::StringMap<unsigned> Seen;
  Array Results;
  for (const Finding &F : R.Findings) {
    Array Related;
    for (const Note &N : F.Notes)
      Related.push_back(Object{{"id", Related.size()},
                               {"physicalLocation", physicalLocation(N.Where, R.BaseDir)},
                               {"message", Object{{"text", N.Message}}}});
    Object Result{{"ruleId", F.Check},
                  {"ruleIndex", RuleIndex[F.Check]},
                  {"level", F.IsError ? "error" : "warning"},
                  {"message", Object{{"text", F.Message}}},
                  {"locations",
                   Array{Object{{"physicalLocation", physicalLocation(F.Where, R.BaseDir)}}}},
                  {"partialFingerprints",
                   Object{{"cspTidyFingerprint/v1",
                           F.Fingerprint + ":" + std::to_string(++Seen[F.Fingerprint])}}}};
    if (!Related.empty())
      Result["relatedLocations"] = std::move(Related);
    Results.push_back(std::move(Result));
  }

  Array Notifications;
  for (const Failure &F : R.Failures)
    Notifications.push_back(Object{
        {"level", "error"},
        {"message", Object{{"text", F.Reason}}},
        {"locations", Array{Object{{"physicalLocation",
                                    Object{{"artifactLocation",
                                            artifactLocation(F.File, R.BaseDir)}}}}}}});

  std::string Base = uriPath(llvm::sys::path::convert_to_slash(R.BaseDir));
  if (!llvm::StringRef(Base).ends_with("/"))
    Base += '/';
  Object Invocation{{"executionSuccessful", R.Failures.empty()}};
  if (!Notifications.empty())
    Invocation["toolExecutionNotifications"] = std::move(Notifications);

  Object Driver{{"name", "csp-tidy"},
                {"fullName", "csp-tidy, on " + clang::getClangFullVersion()},
                {"version", CLANG_VERSION_STRING},
                {"informationUri", "https://clang.llvm.org/extra/clang-tidy/"},
                {"rules", std::move(Rules)}};
  Object SarifRun{{"tool", Object{{"driver", std::move(Driver)}}},
                  {"originalUriBaseIds", Object{{"%SRCROOT%", Object{{"uri", "file://" + Base}}}}},
                  {"invocations", Array{std::move(Invocation)}},
                  {"results", std::move(Results)}};
  OS << llvm::formatv(
            "{0:2}",
            Value(Object{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                         {"version", "2.1.0"},
                         {"runs", Array{std::move(SarifRun)}}}))
     << "\n";
}

void writeCodeClimate(llvm::raw_ostream &OS, const Run &R) {
  // GitLab's code quality report: an array of Code Climate issues; GitLab
  // reads description, check_name, fingerprint, severity and the location.
  llvm::StringMap<unsigned> Seen;
  Array Issues;
  for (const Finding &F : R.Findings)
    Issues.push_back(Object{
        {"type", "issue"},
        {"check_name", F.Check},
        {"description", F.Message},
        {"categories", Array{"Bug Risk"}},
        {"severity", F.IsError ? "critical" : "major"},
        {"fingerprint", F.Fingerprint + ":" + std::to_string(++Seen[F.Fingerprint])},
        {"location", Object{{"path", relativeTo(F.Where.File, R.BaseDir)},
                            {"lines", Object{{"begin", F.Where.Line}}}}}});
  OS << llvm::formatv("{0:2}", Value(std::move(Issues))) << "\n";
}

} // namespace csp_tidy
