#!/usr/bin/env python3
"""Checks that the docs give every check option with its real default.

usage: csp-tidy -dump-config | check_option_docs.py <doc.md>...

Reads the CheckOptions that -dump-config prints (every enabled check's
options with their defaults) and, for each option, looks for a Markdown table
row in the docs that names it (`Name`) and has a cell holding exactly its
default (`value`). Prints one line per option it cannot find, and exits 1
if there is any.
"""
import re
import sys


def dumped_options(text):
    options = {}
    for line in text.splitlines():
        m = re.match(r"^\s+csp-[\w-]+\.(\w+):\s*'?(.*?)'?\s*$", line)
        if m:
            options[m.group(1)] = m.group(2)
    return options


def documented(paths):
    rows = {}
    for path in paths:
        for line in open(path, encoding="utf-8"):
            m = re.match(r"^\|\s*`(\w+)`\s*\|", line)
            if m:
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                rows.setdefault(m.group(1), []).append(cells)
    return rows


def main(paths):
    options = dumped_options(sys.stdin.read())
    if not options:
        sys.exit("check_option_docs: no csp check options in the input")
    rows = documented(paths)
    missing = []
    for name, default in sorted(options.items()):
        if not any("`%s`" % default in cells for cells in rows.get(name, [])):
            missing.append("%s: default '%s' is not documented" % (name, default))
    for line in missing:
        print(line)
    print("%d options, %d undocumented" % (len(options), len(missing)))
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
