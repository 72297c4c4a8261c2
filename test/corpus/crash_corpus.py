#!/usr/bin/env python3
"""The crash corpus: csp-tidy on inputs nobody wrote for it, one run each.

usage: crash_corpus.py <csp-tidy> <clang++> <work-dir> [-j N] [--timeout S]

- one translation unit per C++20 standard header and per Boost.Fiber header,
  the headers as user code (test/utils/make_header_corpus.py): they compile,
  so each run ends clean or with findings (exit 0 or 1);
- seeded mutants of the lit inputs (make_mutants.py), which mostly do not
  compile: exit 0, 1 or 2 (2 when clang rejects the file).

Any other exit, an internal error (a crash the driver caught in its worker),
a sanitizer's report or a run past the timeout fails the test, naming the
input (and for a mutant its lit input and edits, to regenerate it).
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "utils"))
sys.path.insert(0, HERE)
import make_header_corpus  # noqa: E402
import make_mutants  # noqa: E402

CRASH_SIGNS = ("internal error", "Stack dump:", "PLEASE submit a bug report", "LLVM ERROR",
               "AddressSanitizer", "LeakSanitizer", "runtime error:")


def header_units(clangxx, out):
    make_header_corpus.main([clangxx, out])
    with open(os.path.join(out, "compile_commands.json")) as f:
        entries = json.load(f)
    units = []
    for e in entries:
        flags = [a for a in e["arguments"][1:] if a not in ("-fsyntax-only", "-c", e["file"])]
        units.append({"file": e["file"], "flags": flags, "exits": (0, 1), "what": "header"})
    return units


def mutant_units(out):
    make_mutants.main([out])
    with open(os.path.join(out, "mutants.json")) as f:
        manifest = json.load(f)
    return [{"file": m["file"], "flags": ["-std=c++20"] + ["-I" + d for d in m["include"]],
             "exits": (0, 1, 2),
             "what": "mutant of %s (%s)" % (m["source"], "; ".join(m["edits"]))}
            for m in manifest]


def run(driver, unit, timeout):
    cmd = [driver, "-quiet", unit["file"], "--"] + unit["flags"]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        output, status = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        output, status = (e.stdout or b"").decode("utf-8", "replace"), "timeout"
    sign = next((s for s in CRASH_SIGNS if s in output), None)
    problem = None
    if status == "timeout":
        problem = "no exit within %d s" % timeout
    elif status not in unit["exits"]:
        ended = "killed by signal %d" % -status if status < 0 else "exit %d" % status
        problem = "%s, expected exit %s" % (ended, " or ".join(map(str, unit["exits"])))
    elif sign:
        problem = "exit %d with '%s' in the output" % (status, sign)
    return status, problem, output, cmd


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("driver")
    parser.add_argument("clangxx")
    parser.add_argument("work")
    parser.add_argument("-j", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=300)
    args = parser.parse_args()
    work = os.path.abspath(args.work)
    units = header_units(args.clangxx, os.path.join(work, "headers")) \
        + mutant_units(os.path.join(work, "mutants"))

    statuses, failures = {}, []
    with concurrent.futures.ThreadPoolExecutor(args.j) as pool:
        results = pool.map(lambda u: (u, run(args.driver, u, args.timeout)), units)
        for unit, (status, problem, output, cmd) in results:
            statuses[status] = statuses.get(status, 0) + 1
            if problem:
                failures.append((unit, problem, output, cmd))
    print("%d inputs; exits: %s" % (len(units), ", ".join(
        "%s: %d" % (s, n) for s, n in sorted(statuses.items(), key=str))))
    for unit, problem, output, cmd in failures:
        print("\nFAIL %s: %s\n  input: %s\n  command: %s\n%s" % (
            unit["file"], problem, unit["what"], " ".join(cmd),
            "\n".join(output.splitlines()[-40:])))
    if failures:
        print("\n%d of %d inputs failed" % (len(failures), len(units)))
        sys.exit(1)


if __name__ == "__main__":
    main()
