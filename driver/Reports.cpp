//===--- Reports.cpp - findings as JSON, SARIF 2.1.0 and Code Climate -----===//

#include "Reports.h"
#include "CheckDocs.h"
#include "Version.h"

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

/// Columns in UTF-16 code units (the run's columnKind, what GitHub counts),
/// with the end of the flagged code: code scanning underlines the region and
/// guesses, differently, when the end is missing.
Object physicalLocation(const Location &L, llvm::StringRef BaseDir) {
  unsigned StartLine = std::max(L.Line, 1u), StartColumn = std::max(L.Utf16Column, 1u);
  unsigned EndLine = std::max(L.EndLine, StartLine);
  unsigned EndColumn = EndLine == StartLine ? std::max(L.Utf16EndColumn, StartColumn)
                                            : std::max(L.Utf16EndColumn, 1u);
  return Object{{"artifactLocation", artifactLocation(L.File, BaseDir)},
                {"region", Object{{"startLine", StartLine},
                                  {"startColumn", StartColumn},
                                  {"endLine", EndLine},
                                  {"endColumn", EndColumn}}}};
}

/// Text for a SARIF message that holds embedded links: literal brackets and
/// backslashes are escaped, so only the links are links (SARIF 3.11.6).
std::string escapedForLinks(llvm::StringRef Text) {
  std::string Out;
  for (char C : Text) {
    if (C == '[' || C == ']' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return Out;
}

/// Markdown links relative to docs/checks/ (`[libraries.md](../libraries.md)`)
/// are dead once the page is a rule's help on GitHub: they point to
/// \p DocsURL's copy of the page, or become plain text naming the file in
/// docs/ when there is none.
std::string withAbsoluteLinks(llvm::StringRef Markdown, llvm::StringRef DocsURL) {
  std::string Out;
  while (!Markdown.empty()) {
    size_t Open = Markdown.find("](");
    size_t Close = Open == llvm::StringRef::npos ? Open : Markdown.find(')', Open);
    size_t TextStart = Open == llvm::StringRef::npos ? Open : Markdown.rfind('[', Open);
    if (Close == llvm::StringRef::npos || TextStart == llvm::StringRef::npos) {
      Out += Markdown;
      break;
    }
    llvm::StringRef Text = Markdown.slice(TextStart + 1, Open);
    llvm::StringRef Target = Markdown.slice(Open + 2, Close);
    Out += Markdown.take_front(TextStart);
    if (Target.contains("://") || Target.starts_with("#") || Target.starts_with("mailto:")) {
      Out += Markdown.slice(TextStart, Close + 1);
    } else {
      // Relative to docs/checks/: resolve to a path below docs/.
      llvm::SmallString<128> Path("checks/");
      Path += Target;
      llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true, llvm::sys::path::Style::posix);
      // The link's text is often the file's name: then the path alone.
      if (DocsURL.empty() && llvm::sys::path::filename(Text) == llvm::sys::path::filename(Path))
        Out += ("docs/" + Path).str();
      else if (DocsURL.empty())
        Out += (Text + " (docs/" + Path + ")").str();
      else
        Out += ("[" + Text + "](" + DocsURL.rtrim('/') + "/" + Path + ")").str();
    }
    Markdown = Markdown.drop_front(Close + 1);
  }
  return Out;
}

/// clang-tidy's documentation names its pages after the check's module
/// and name.
std::string clangTidyPage(llvm::StringRef Check) {
  auto [Module, Name] = Check.split('-');
  if (Check.starts_with("clang-analyzer-"))
    std::tie(Module, Name) = std::make_pair(Check.take_front(14), Check.drop_front(15));
  return ("https://clang.llvm.org/extra/clang-tidy/checks/" + Module + "/" + Name + ".html").str();
}

Object rule(llvm::StringRef Check, llvm::StringRef DocsURL) {
  // Precision as code scanning ranks it: the compiler's own diagnostics are
  // exact, the csp checks are built to stay silent when unsure (every page
  // has a "What stays silent" section), others vary.
  llvm::StringRef Precision = "medium";
  std::string Summary, Help, HelpMarkdown, HelpUri;
  Array Tags;
  if (std::optional<llvm::StringRef> Doc = checkDoc(Check)) {
    Precision = "high";
    Summary = summaryOf(*Doc);
    HelpMarkdown = withAbsoluteLinks(*Doc, DocsURL);
    Help = HelpMarkdown;
    if (!DocsURL.empty())
      HelpUri = (DocsURL.rtrim('/') + "/checks/" + Check.drop_front(4) + ".md").str();
    Tags = Array{"concurrency", "correctness"};
  } else if (llvm::StringRef Flag = Check; Flag.consume_front("clang-diagnostic-")) {
    Precision = "very-high";
    Summary = ("the compiler's warning -W" + Flag).str();
    // The reference's anchors are the flag in lower case.
    HelpUri = "https://clang.llvm.org/docs/DiagnosticsReference.html";
    if (llvm::all_of(Flag, [](char C) { return llvm::isAlnum(C) || C == '-'; }))
      HelpUri += "#w" + Flag.lower();
    Help = "A warning of clang's, -W" + Flag.str() + ": see " + HelpUri;
    Tags = Array{"compiler"};
  } else {
    Summary = ("clang-tidy check " + Check).str();
    HelpUri = clangTidyPage(Check);
    Help = "The clang-tidy check " + Check.str() + ": see " + HelpUri;
    Tags = Array{"clang-tidy"};
  }
  if (HelpMarkdown.empty())
    HelpMarkdown = Help;
  Object R{{"id", Check},
           {"shortDescription", Object{{"text", Summary}}},
           {"fullDescription", Object{{"text", Summary}}},
           {"help", Object{{"text", Help}, {"markdown", HelpMarkdown}}},
           {"defaultConfiguration", Object{{"level", "warning"}}},
           {"properties", Object{{"tags", std::move(Tags)},
                                 {"precision", Precision},
                                 {"problem.severity", "warning"}}}};
  if (!HelpUri.empty())
    R["helpUri"] = HelpUri;
  return R;
}

} // namespace

void writeJSON(llvm::raw_ostream &OS, const Run &R) {
  Array Findings;
  for (const Finding &F : R.Findings) {
    Array Notes;
    for (const Note &N : F.Notes)
      Notes.push_back(Object{{"file", bytesToJSON(relativeTo(N.Where.File, R.BaseDir))},
                             {"line", N.Where.Line},
                             {"column", N.Where.Column},
                             {"message", N.Message}});
    Findings.push_back(Object{{"check", F.Check},
                              {"severity", F.IsError ? "error" : "warning"},
                              {"file", bytesToJSON(relativeTo(F.Where.File, R.BaseDir))},
                              {"line", F.Where.Line},
                              {"column", F.Where.Column},
                              {"message", F.Message},
                              {"notes", std::move(Notes)},
                              {"fingerprint", F.Fingerprint}});
  }
  Array Failures;
  for (const Failure &F : R.Failures)
    Failures.push_back(
        Object{{"file", bytesToJSON(relativeTo(F.File, R.BaseDir))}, {"reason", F.Reason}});
  OS << llvm::formatv("{0:2}", Value(Object{{"version", 1},
                                            {"tool", "csp-tidy"},
                                            {"findings", std::move(Findings)},
                                            {"baselined", R.Baselined},
                                            {"failures", std::move(Failures)}}))
     << "\n";
}

/// Checks whose notes are steps the program takes before the warning (the
/// first close, then the second): SARIF tells them as a code flow, which
/// code scanning shows as a path. Other checks' notes are places the
/// warning relates to, not steps.
static bool explainsAPath(llvm::StringRef Check) {
  return Check == "csp-double-close" || Check.starts_with("clang-analyzer-");
}

/// GitHub code scanning rejects a run with more results than this.
constexpr size_t MaxResults = 25000;

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
    Rules.push_back(rule(Id, R.DocsURL));
  }

  // Over GitHub's limit, errors are kept before warnings, each in file order.
  size_t Errors = llvm::count_if(R.Findings, [](const Finding &F) { return F.IsError; });
  size_t WarningRoom = Errors < MaxResults ? MaxResults - Errors : 0;
  size_t ErrorsKept = 0, WarningsKept = 0;
  std::vector<const Finding *> Kept;
  for (const Finding &F : R.Findings)
    if (F.IsError ? ErrorsKept++ < MaxResults : WarningsKept++ < WarningRoom)
      Kept.push_back(&F);
  size_t LeftOut = R.Findings.size() - Kept.size();

  // GitHub asks for fingerprints that differ between results; findings with
  // the same fingerprint are told apart by their order, as GitHub's own
  // line hashes are.
  llvm::StringMap<unsigned> Seen;
  Array Results;
  for (const Finding *FP : Kept) {
    const Finding &F = *FP;
    // Notes are related locations, linked from the message so that code
    // scanning shows them on the alert: "...; [the task is started here](1)".
    // The static analyzer ends its path with a note that repeats the
    // warning; it adds nothing to the alert.
    std::vector<const Note *> Notes;
    for (const Note &N : F.Notes)
      if (N.Message != F.Message || N.Where.File != F.Where.File ||
          N.Where.Line != F.Where.Line || N.Where.Column != F.Where.Column)
        Notes.push_back(&N);
    std::string Text = escapedForLinks(F.Message);
    Array Related;
    for (const Note *NP : Notes) {
      const Note &N = *NP;
      unsigned Id = Related.size() + 1;
      Text += "; [" + escapedForLinks(N.Message) + "](" + std::to_string(Id) + ")";
      Related.push_back(Object{{"id", Id},
                               {"physicalLocation", physicalLocation(N.Where, R.BaseDir)},
                               {"message", Object{{"text", N.Message}}}});
    }
    unsigned Occurrence = ++Seen[F.Fingerprint];
    auto Primary = [&] { return Object{{"physicalLocation", physicalLocation(F.Where, R.BaseDir)}}; };
    Object Result{{"ruleId", F.Check},
                  {"ruleIndex", RuleIndex[F.Check]},
                  {"level", F.IsError ? "error" : "warning"},
                  {"message", Object{{"text", Text}}},
                  {"locations", Array{Primary()}},
                  {"partialFingerprints",
                   Object{{"primaryLocationLineHash",
                           F.Fingerprint + ":" + std::to_string(Occurrence)},
                          {"cspTidyFingerprint/v2",
                           F.Fingerprint + ":" + std::to_string(Occurrence)}}}};
    if (explainsAPath(F.Check) && !Notes.empty()) {
      Array Steps;
      for (const Note *N : Notes)
        Steps.push_back(Object{
            {"location", Object{{"physicalLocation", physicalLocation(N->Where, R.BaseDir)},
                                {"message", Object{{"text", N->Message}}}}}});
      Object Last = Primary();
      Last["message"] = Object{{"text", F.Message}};
      Steps.push_back(Object{{"location", std::move(Last)}});
      Result["codeFlows"] = Array{Object{{"threadFlows", Array{Object{{"locations", std::move(Steps)}}}}}};
    }
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
  if (LeftOut)
    Notifications.push_back(Object{
        {"level", "warning"},
        {"message",
         Object{{"text", llvm::formatv("{0} of {1} results left out: GitHub code scanning "
                                       "takes at most {2} per run; the json format has them all",
                                       LeftOut, R.Findings.size(), MaxResults)
                             .str()}}}});

  std::string Base = uriPath(llvm::sys::path::convert_to_slash(R.BaseDir));
  if (!llvm::StringRef(Base).ends_with("/"))
    Base += '/';
  Object Invocation{{"executionSuccessful", R.Failures.empty()}};
  if (!Notifications.empty())
    Invocation["toolExecutionNotifications"] = std::move(Notifications);

  Object Driver{{"name", "csp-tidy"},
                {"fullName", "csp-tidy " + versionWithRevision() + ", on " +
                                 clang::getClangFullVersion()},
                {"version", version()},
                {"semanticVersion", version()},
                {"informationUri", "https://clang.llvm.org/extra/clang-tidy/"},
                {"rules", std::move(Rules)}};
  Object SarifRun{{"tool", Object{{"driver", std::move(Driver)}}},
                  {"originalUriBaseIds", Object{{"%SRCROOT%", Object{{"uri", "file://" + Base}}}}},
                  {"columnKind", "utf16CodeUnits"},
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
