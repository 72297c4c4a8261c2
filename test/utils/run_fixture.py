#!/usr/bin/env python3
"""Runs a program for a lit test and reports how it ended.

  run_fixture.py [--timeout SECONDS] [--env NAME=VALUE]... [--stderr FILE]
                 program [args...]

Prints the program's stdout and stderr (merged, in order; stderr goes to FILE
instead with --stderr), then a last line
`exit: <status>`, or `exit: timeout` when it had to be killed, and exits 0
itself so that the whole report can be piped into FileCheck.
"""

import argparse
import os
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--stderr", metavar="FILE")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if not args.command:
        sys.exit("run_fixture: no program given")
    env = dict(os.environ)
    for assignment in args.env:
        name, _, value = assignment.partition("=")
        env[name] = value
    stderr = open(args.stderr, "wb") if args.stderr else subprocess.STDOUT
    try:
        result = subprocess.run(args.command, stdout=subprocess.PIPE,
                                stderr=stderr, env=env,
                                timeout=args.timeout)
        output, status = result.stdout, str(result.returncode)
    except subprocess.TimeoutExpired as e:
        output, status = e.stdout or b"", "timeout"
    sys.stdout.write(output.decode("utf-8", "replace"))
    if output and not output.endswith(b"\n"):
        sys.stdout.write("\n")
    sys.stdout.write("exit: %s\n" % status)


if __name__ == "__main__":
    main()
