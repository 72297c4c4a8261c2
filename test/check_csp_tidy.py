#!/usr/bin/env python3
"""Runs csp checks on a lit test file and verifies what they report.

In the spirit of clang-tidy's check_clang_tidy.py, with two differences:
every file is checked through both ways of running csp-tidy (the plugin in
the stock clang-tidy and the csp-tidy driver), and a file without
CHECK-MESSAGES must produce no diagnostic at all.

Usage (from a RUN line; lit substitutes the tool paths):
  %check_csp_tidy %s <checks> %t [-- <clang-tidy args>] [-- <compiler args>]

The file may contain
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: <message> [<check>]
  // CHECK-MESSAGES: :[[@LINE-5]]:3: note: <message>
  // CHECK-FIXES: <a line of the fixed file>
CHECK-MESSAGES lines match whole output lines (with the file's path removed
from the front); any warning, error or note without its CHECK-MESSAGES line
fails the test. CHECK-FIXES lines match whole lines of the file after -fix;
without CHECK-FIXES, -fix must leave the file unchanged.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

CHECK_LINE = re.compile(r"//\s*CHECK-(MESSAGES|FIXES)[A-Z-]*:[^\r\n]*")
APPLIED_NOTE = re.compile(
    r"(note: FIX-IT applied suggested code changes|"
    r"clang-tidy applied \d+ of \d+ suggested fixes)")
DIAGNOSTIC = re.compile(r"(warning|error|note):")


def fail(message):
    sys.exit("check_csp_tidy: " + message)


def run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def file_check(filecheck, input_file, check_file, prefix, extra=()):
    result = run([filecheck, "--input-file=" + input_file, check_file,
                  "--check-prefix=" + prefix, "--match-full-lines",
                  "--dump-input=fail", *extra])
    if result.returncode != 0:
        fail("FileCheck failed for %s:\n%s%s" %
             (prefix, result.stdout, result.stderr))


def split_args(rest):
    """[-- tidy args] [-- compiler args], the way clang-tidy's script does."""
    if rest and rest[0] == "--":
        rest = rest[1:]
    if "--" in rest:
        i = rest.index("--")
        return rest[:i], rest[i + 1:]
    return rest, []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clang-tidy", required=True)
    parser.add_argument("--plugin", required=True)
    # A sanitized build's checks cannot be loaded into the stock clang-tidy,
    # which has no sanitizer runtime: the driver alone is run.
    parser.add_argument("--driver-only", action="store_true")
    parser.add_argument("--driver", required=True)
    parser.add_argument("--filecheck", required=True)
    parser.add_argument("--std", default="c++20")
    parser.add_argument("--include", action="append", default=[])
    parser.add_argument("input")
    parser.add_argument("checks")
    parser.add_argument("temp")
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    tidy_args, compiler_args = split_args(args.rest)

    with open(args.input, encoding="utf-8") as f:
        original = f.read()
    has_messages = "CHECK-MESSAGES" in original
    has_fixes = "CHECK-FIXES" in original
    # Same line numbers, no check comments left for the tool to see.
    cleaned = CHECK_LINE.sub("//", original)

    compiler = ["-std=" + args.std] + ["-I" + d for d in args.include] \
        + compiler_args
    tools = {
        "plugin": [args.clang_tidy, "-load", os.path.abspath(args.plugin)],
        "driver": [os.path.abspath(args.driver)],
    }
    if args.driver_only:
        del tools["plugin"]
    fixed_outputs = {}
    for name, tool in tools.items():
        work_dir = "%s.%s" % (args.temp, name)
        shutil.rmtree(work_dir, ignore_errors=True)
        os.makedirs(work_dir)
        source = os.path.join(work_dir, os.path.basename(args.input))
        with open(source, "w", encoding="utf-8") as f:
            f.write(cleaned)
        cmd = tool + ["-checks=-*," + args.checks, "-fix", "-quiet",
                      *tidy_args, source, "--", *compiler]
        result = run(cmd, cwd=work_dir)
        output = "\n".join(
            line.replace(source, "") for line in result.stdout.splitlines()
            if not APPLIED_NOTE.search(line))
        reported = [line for line in output.splitlines()
                    if re.match(r"^:\d+:\d+: warning:", line)]
        if "error:" in output or "error:" in result.stderr:
            fail("%s: the file does not compile or the tool failed:\n%s\n%s"
                 % (name, output, result.stderr))

        expected_status = {"plugin": 0, "driver": 1 if reported else 0}[name]
        if result.returncode != expected_status:
            fail("%s exited with %d, expected %d:\n%s\n%s" %
                 (name, result.returncode, expected_status, output,
                  result.stderr))

        messages = source + ".msg"
        with open(messages, "w", encoding="utf-8") as f:
            f.write(output + "\n")
        if has_messages:
            file_check(args.filecheck, messages, args.input, "CHECK-MESSAGES",
                       ["--implicit-check-not={{warning|error|note}}:"])
        elif any(DIAGNOSTIC.search(line) for line in output.splitlines()):
            fail("%s: unexpected diagnostics:\n%s" % (name, output))

        with open(source, encoding="utf-8") as f:
            fixed_outputs[name] = f.read()
        if has_fixes:
            file_check(args.filecheck, source, args.input, "CHECK-FIXES")
        elif fixed_outputs[name] != cleaned:
            fail("%s: -fix changed the file but it has no CHECK-FIXES" % name)

    if not args.driver_only and fixed_outputs["plugin"] != fixed_outputs["driver"]:
        fail("the plugin and the driver fixed the file differently")


if __name__ == "__main__":
    main()
