#!/usr/bin/env python3
"""Precision on public code: csp-tidy over checkouts of the repositories
described in test/corpus/<repo>/, each against its list of true findings.

Each test/corpus/<repo>/ holding a `commit` file describes one repository:
  commit        'owner/name <40-hex commit>': what was analysed
  units         the translation units, glob patterns relative to the checkout
  flags         the compiler flags, one a line ({src} is the checkout)
  .clang-tidy   that library's API by role (docs/options.md)
  expected.txt  the true findings, 'path:line:check why' a line
  setup         optional shell commands run in the checkout first, making
                what the library's build generates (a config header)
The checkouts are not in this repository: <checkouts>/<repo> is the
repository at that commit (`git archive <commit> | tar -x -C <checkouts>/<repo>`).

  bench/corpus.py <checkouts> [--build build] [-j 2] [repo...]

Prints, per repository: findings, expected ones found, unexpected ones (false
alarms, listed below the table), expected ones missing, and crashes (files
csp-tidy stopped on with an internal error). Files that do not compile are
counted apart. Exits 1 when any repository has a false alarm, a miss or a
crash.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "test", "corpus")


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]


def expected_of(path):
    out = {}
    for line in read_lines(path):
        key, _, why = line.partition(" ")
        if not why.strip():
            sys.exit("corpus: %s: '%s' has no reason" % (path, key))
        out[key] = why.strip()
    return out


def analyse(repo, src, build, jobs):
    desc = os.path.join(CORPUS, repo)
    if os.path.exists(os.path.join(desc, "setup")):
        subprocess.run(["sh", "-e", os.path.join(desc, "setup")], cwd=src, check=True)
    flags = [l.replace("{src}", src) for l in read_lines(os.path.join(desc, "flags"))]
    units = sorted({os.path.normpath(f) for pattern in read_lines(os.path.join(desc, "units"))
                    for f in glob.glob(os.path.join(src, pattern), recursive=True)})
    if not units:
        sys.exit("corpus: %s: no translation unit matches %s/units in %s" % (repo, desc, src))
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "compile_commands.json"), "w") as out:
            json.dump([{"directory": src, "file": u,
                        "arguments": ["clang++-19"] + flags + ["-fsyntax-only", u]}
                       for u in units], out)
        start = time.monotonic()
        run = subprocess.run([os.path.join(build, "bin", "csp-tidy"), "-p", tmp,
                              "-j", str(jobs), "-quiet", "--format=json",
                              "--config-file=" + os.path.join(desc, ".clang-tidy"),
                              "--base-dir=" + src] + units,
                             capture_output=True, text=True)
        seconds = time.monotonic() - start
    try:
        report = json.loads(run.stdout)
    except ValueError:
        report = {"findings": [], "failures": [{"file": "*", "reason": "exit %d, no report: %s"
                                                % (run.returncode, run.stderr[-300:])}]}
    found = {}
    for f in report["findings"]:
        found.setdefault("%s:%d:%s" % (f["file"], f["line"], f["check"]), f["message"])
    crashes = [f for f in report["failures"] if "could not analyse" not in f["reason"]]
    unparsed = [f for f in report["failures"] if "could not analyse" in f["reason"]]
    if run.returncode not in (0, 1, 2):
        crashes.append({"file": "*", "reason": "csp-tidy exited %d" % run.returncode})
    return units, found, crashes, unparsed, seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkouts")
    ap.add_argument("repos", nargs="*")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("-j", type=int, default=2)
    args = ap.parse_intermixed_args()
    repos = args.repos or sorted(d for d in os.listdir(CORPUS)
                                 if os.path.exists(os.path.join(CORPUS, d, "commit")))
    rows, details, bad = [], [], False
    for repo in repos:
        src = os.path.abspath(os.path.join(args.checkouts, repo))
        if not os.path.isdir(src):
            sys.exit("corpus: no checkout of %s at %s (see %s/commit)"
                     % (repo, src, os.path.join(CORPUS, repo)))
        expected = expected_of(os.path.join(CORPUS, repo, "expected.txt"))
        units, found, crashes, unparsed, seconds = analyse(repo, src, args.build, args.j)
        hit = [k for k in found if k in expected]
        false = sorted(k for k in found if k not in expected)
        missing = sorted(k for k in expected if k not in found)
        rows.append((repo, len(units), len(unparsed), len(found), len(hit), len(expected),
                     len(false), len(missing), len(crashes), seconds))
        details += ["%s: false alarm: %s: %s" % (repo, k, found[k]) for k in false]
        details += ["%s: missing: %s (%s)" % (repo, k, expected[k]) for k in missing]
        details += ["%s: crash: %s: %s" % (repo, c["file"], c["reason"]) for c in crashes]
        details += ["%s: does not compile: %s" % (repo, u["file"]) for u in unparsed]
        bad = bad or bool(false or missing or crashes)
    head = ("repository", "units", "no-parse", "findings", "expected", "of", "false",
            "missing", "crashes", "seconds")
    print("%-16s %5s %8s %8s %8s %3s %5s %7s %7s %7s" % head)
    for r in rows:
        print("%-16s %5d %8d %8d %8d %3d %5d %7d %7d %7.0f" % r)
    total = [sum(r[i] for r in rows) for i in range(1, len(head))]
    print("%-16s %5d %8d %8d %8d %3d %5d %7d %7d %7.0f" % tuple(["total"] + total))
    for d in details:
        print(d)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
