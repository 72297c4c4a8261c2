#!/usr/bin/env python3
"""Real code, no network: csp-tidy on every Boost.Fiber, Boost.Thread and
Asio example that Debian's libboost1.74-doc ships, against the findings kept
in test/corpus/boost-examples/.

usage: boost_examples.py <csp-tidy> <clang++> [examples-dir]

Fails on a finding that expected.txt (true findings) and known-false.txt
(false alarms waiting for a fix, each naming its cause) do not hold, on an
expected finding that is gone, on a file that no longer parses without being
listed in skipped.txt, on a stale skipped.txt entry, and on any exit but 0
or 1 (a crash). known-false.txt entries are reported, not failed on, so the
list shows what is left to fix; one that no longer fires fails, so it is
emptied as the causes are fixed.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "boost-examples")
DEFAULT_EXAMPLES = "/usr/share/doc/libboost1.74-doc/examples/libs"
# The examples of the three libraries csp-tidy has something to say about.
ROOTS = ("asio/example", "fiber/examples", "thread/example")
FLAGS = ["-std=c++20", "-pthread", "-w", "-fsyntax-only"]
# Boost 1.74's Fiber/Asio scheduler names its constructor's parameter
# io_ctx_, like the member it initialises from a non-existent io_ctx, so no
# compiler takes it (Boost 1.75 renamed the parameter). The examples that
# include it get the corrected copy first; its include guard then skips the
# original.
ROUND_ROBIN = "fiber/examples/asio/round_robin.hpp"
ROUND_ROBIN_FIX = ("round_robin( std::shared_ptr< boost::asio::io_context > const& io_ctx_)",
                   "round_robin( std::shared_ptr< boost::asio::io_context > const& io_ctx)")


def entries(name):
    """(key, rest) per line of a list file: the first word is the key."""
    out = {}
    with open(os.path.join(HERE, name)) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, why = line.partition(" ")
            if not why.strip():
                sys.exit("%s:%d: '%s' has no reason" % (name, n, key))
            out[key] = why.strip()
    return out


def sources(examples):
    found = []
    for root in ROOTS:
        for d, _, files in os.walk(os.path.join(examples, root)):
            for f in files:
                if f.endswith((".cpp", ".cu")):
                    found.append(os.path.relpath(os.path.join(d, f), examples))
    return sorted(found)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    csp_tidy, clangxx = argv[0], argv[1]
    examples = argv[2] if len(argv) > 2 else DEFAULT_EXAMPLES
    if not os.path.isdir(os.path.join(examples, "fiber")):
        sys.exit("boost-examples: no examples under %s: install libboost1.74-doc "
                 "(scripts/setup.sh does)" % examples)
    expected = entries("expected.txt")
    known_false = entries("known-false.txt")
    skipped = entries("skipped.txt")
    all_files = sources(examples)
    problems = ["skipped.txt: %s is not an example any more" % f
                for f in skipped if f not in all_files]
    extra = {}
    units = [f for f in all_files if f not in skipped]

    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(examples, ROUND_ROBIN)) as f:
            text = f.read()
        if ROUND_ROBIN_FIX[0] not in text:
            problems.append("%s no longer has the constructor to correct: drop ROUND_ROBIN_FIX"
                            % ROUND_ROBIN)
        fixed = os.path.join(tmp, "round_robin.hpp")
        with open(fixed, "w") as f:
            f.write(text.replace(*ROUND_ROBIN_FIX))
        for f in units:
            with open(os.path.join(examples, f), errors="replace") as src:
                if "round_robin.hpp\"" in src.read():
                    extra[f] = extra.get(f, []) + [
                        "-include", fixed, "-I" + os.path.dirname(os.path.join(examples, ROUND_ROBIN))]
        db = [{"directory": os.path.dirname(os.path.join(examples, f)),
               "file": os.path.join(examples, f),
               "arguments": [clangxx] + FLAGS + extra.get(f, []) + [os.path.join(examples, f)]}
              for f in units]
        with open(os.path.join(tmp, "compile_commands.json"), "w") as out:
            json.dump(db, out)
        start = time.monotonic()
        run = subprocess.run([csp_tidy, "-p", tmp, "-j", "2", "-quiet", "--format=json",
                              "--config-file=" + os.path.join(HERE, "clang-tidy.yaml"),
                              "--base-dir=" + examples] + [e["file"] for e in db],
                             capture_output=True, text=True)
        seconds = time.monotonic() - start
    if run.returncode not in (0, 1, 2):
        problems.append("csp-tidy exited %d (a crash)" % run.returncode)
    try:
        report = json.loads(run.stdout)
    except ValueError:
        print(run.stdout + run.stderr)
        sys.exit("boost-examples: csp-tidy printed no JSON report (exit %d)" % run.returncode)
    if run.returncode == 2 or report.get("failures"):
        problems.append("csp-tidy could not analyse every file (exit %d): a crash, or a "
                        "file that stopped parsing (list it in skipped.txt with the reason)"
                        % run.returncode)
        problems += ["  " + json.dumps(f) for f in report.get("failures", [])]
        problems += ["  " + l for l in run.stderr.splitlines()
                     if "error" in l and "clang-diagnostic" not in l][:20]

    seen = {}
    for f in report["findings"]:
        path = os.path.relpath(os.path.join(examples, f["file"]), examples)
        key = "%s:%d:%s" % (path, f["line"], f["check"])
        seen[key] = f["message"]
    for key, message in sorted(seen.items()):
        if key in known_false:
            print("known false alarm: %s (%s)" % (key, known_false[key]))
        elif key not in expected:
            problems.append("unexpected finding: %s: %s" % (key, message))
    problems += ["missing expected finding: %s (%s)" % (k, w)
                 for k, w in sorted(expected.items()) if k not in seen]
    problems += ["known-false.txt: %s no longer fires: remove it" % k
                 for k in sorted(known_false) if k not in seen]
    print("boost-examples: %d files analysed, %d skipped, %d findings (%d expected, "
          "%d known false), %.0f s" % (len(units), len(skipped), len(seen),
                                       sum(k in expected for k in seen),
                                       sum(k in known_false for k in seen), seconds))
    for p in problems:
        print("boost-examples: error: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
