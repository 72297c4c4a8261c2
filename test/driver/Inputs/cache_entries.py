#!/usr/bin/env python3
"""Looks at and damages csp-tidy's --cache-dir entries, for cache.test.

  cache_entries.py count DIR     prints "N entries" (temporary files apart)
  cache_entries.py damage DIR    cuts the first entry (sorted) in half, changes
                                 one byte of the findings of another and leaves
                                 a half-written temporary file beside them
  cache_entries.py race OUT1 OUT2 -- COMMAND...
                                 runs COMMAND twice at once, stdout to OUT1 and
                                 OUT2, and prints each one's exit status
"""
import glob
import os
import subprocess
import sys


def entries(directory):
    return sorted(p for p in glob.glob(os.path.join(directory, "*", "*"))
                  if not p.endswith(".tmp"))


def race(first, second, command):
    runs = []
    for out in (first, second):
        with open(out, "wb") as f:
            runs.append(subprocess.Popen(command, stdout=f, stderr=subprocess.DEVNULL))
    for run in runs:
        print("exit: %d" % run.wait())


def main(command, directory, *rest):
    if command == "race":
        race(directory, rest[0], list(rest[2:]))
        return
    found = entries(directory)
    if command == "count":
        print("%d entries" % len(found))
        return
    with open(found[0], "rb") as f:
        data = f.read()
    with open(found[0], "wb") as f:
        f.write(data[:len(data) // 2])
    second = next(p for p in found[1:] if b'"line":' in open(p, "rb").read())
    with open(second, "rb") as f:
        data = f.read()
    # A digit of a line or column number: still JSON, no longer the entry.
    at = data.index(b'"line":') + len(b'"line":')
    digit = data[at:at + 1]
    data = data[:at] + (b"8" if digit != b"8" else b"9") + data[at + 1:]
    with open(second, "wb") as f:
        f.write(data)
    with open(second + ".a1b2c3.tmp", "wb") as f:
        f.write(data[:10])


if __name__ == "__main__":
    main(*sys.argv[1:])
