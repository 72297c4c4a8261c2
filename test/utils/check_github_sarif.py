#!/usr/bin/env python3
"""Checks a SARIF log against what GitHub code scanning needs to show it in
full, beyond the 2.1.0 schema (which makes most of these optional).

The properties GitHub's "SARIF support for code scanning" page marks as
required, plus what makes an alert complete there:
  - $schema, version 2.1.0, runs; each run's tool.driver.name and results;
  - each rule: id, shortDescription.text, fullDescription.text, help.text,
    properties.precision and properties.problem.severity with GitHub's
    values, helpUri (when present) an absolute http(s) URI, and no relative
    link in help.markdown (it would be dead on GitHub);
  - each result: message.text, one location, partialFingerprints with
    primaryLocationLineHash, a ruleIndex that names its rule;
  - each region (results, related locations, code flows): startLine,
    startColumn, endLine, endColumn, ordered; the run declares columnKind;
  - every related location is linked from the message text ("[...](id)"),
    or code scanning does not show it;
  - at most 25,000 results per run.

Prints one line per problem and exits 1 when there is any.
"""
import json
import re
import sys

PRECISIONS = {"very-high", "high", "medium", "low"}
SEVERITIES = {"error", "warning", "recommendation"}
MAX_RESULTS = 25000


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        log = json.load(f)
    problems = []

    def need(cond, where, what):
        if not cond:
            problems.append("%s: %s" % (where, what))

    def text_of(obj, key):
        value = obj.get(key)
        return value.get("text") if isinstance(value, dict) else None

    def check_region(loc, where):
        phys = (loc or {}).get("physicalLocation")
        need(isinstance(phys, dict), where, "no physicalLocation")
        if not isinstance(phys, dict):
            return
        need((phys.get("artifactLocation") or {}).get("uri"), where, "no artifactLocation.uri")
        region = phys.get("region") or {}
        for key in ("startLine", "startColumn", "endLine", "endColumn"):
            need(isinstance(region.get(key), int) and region.get(key) >= 1, where,
                 "region without %s" % key)
        if all(isinstance(region.get(k), int) for k in
               ("startLine", "startColumn", "endLine", "endColumn")):
            need((region["endLine"], region["endColumn"]) >=
                 (region["startLine"], region["startColumn"]), where, "region ends before it starts")

    need(log.get("$schema"), "log", "no $schema")
    need(log.get("version") == "2.1.0", "log", "version is not 2.1.0")
    runs = log.get("runs")
    need(isinstance(runs, list) and runs, "log", "no runs")
    for r, run in enumerate(runs or []):
        where = "runs[%d]" % r
        driver = (run.get("tool") or {}).get("driver") or {}
        need(driver.get("name"), where, "no tool.driver.name")
        need(run.get("columnKind") in ("utf16CodeUnits", "unicodeCodePoints"), where,
             "no columnKind")
        rules = driver.get("rules") or []
        for i, rule in enumerate(rules):
            rw = "%s.rules[%d] (%s)" % (where, i, rule.get("id"))
            need(rule.get("id"), rw, "no id")
            need(text_of(rule, "shortDescription"), rw, "no shortDescription.text")
            need(text_of(rule, "fullDescription"), rw, "no fullDescription.text")
            need(text_of(rule, "help"), rw, "no help.text")
            props = rule.get("properties") or {}
            need(props.get("precision") in PRECISIONS, rw, "no valid properties.precision")
            need(props.get("problem.severity") in SEVERITIES, rw,
                 "no valid properties.problem.severity")
            if "helpUri" in rule:
                need(re.match(r"https?://", rule["helpUri"]), rw, "helpUri is not absolute")
            markdown = (rule.get("help") or {}).get("markdown") or ""
            for target in re.findall(r"\]\(([^)]*)\)", markdown):
                need(re.match(r"(https?://|#|mailto:)", target), rw,
                     "relative link '%s' in help.markdown" % target)
        results = run.get("results")
        need(isinstance(results, list), where, "no results")
        need(len(results or []) <= MAX_RESULTS, where,
             "%d results, more than GitHub takes" % len(results or []))
        for i, result in enumerate(results or []):
            rw = "%s.results[%d]" % (where, i)
            message = text_of(result, "message")
            need(message, rw, "no message.text")
            locations = result.get("locations") or []
            need(len(locations) == 1, rw, "not exactly one location")
            for loc in locations:
                check_region(loc, rw)
            fingerprints = result.get("partialFingerprints") or {}
            need(fingerprints.get("primaryLocationLineHash"), rw,
                 "no partialFingerprints.primaryLocationLineHash")
            if "ruleIndex" in result:
                index = result["ruleIndex"]
                need(0 <= index < len(rules) and rules[index].get("id") == result.get("ruleId"),
                     rw, "ruleIndex does not name rule '%s'" % result.get("ruleId"))
            for j, related in enumerate(result.get("relatedLocations") or []):
                check_region(related, "%s.relatedLocations[%d]" % (rw, j))
                need("](%s)" % related.get("id") in (message or ""), rw,
                     "related location %s is not linked from the message" % related.get("id"))
            for flow in result.get("codeFlows") or []:
                for thread in flow.get("threadFlows") or []:
                    need(thread.get("locations"), rw, "empty thread flow")
                    for step in thread.get("locations") or []:
                        check_region(step.get("location"), rw + ".codeFlows")

    for problem in problems:
        print(problem)
    count = sum(len(run.get("results") or []) for run in runs or [])
    print("%d results, %d problems" % (count, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
