#!/usr/bin/env python3
"""Keeps the generated check lists in step with checks/Checks.def.

  scripts/check_manifest.py --write   # rewrite README's table and docs/checks/README.md
  scripts/check_manifest.py --check   # exit 1 if either is stale (the manifest test runs this)

The manifest is the only place a check is listed by hand; everything else
that lists checks is derived from it.
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENTRY = re.compile(r'^CSP_CHECK\((\w+), "(csp-[a-z0-9-]+)", "(.*)"\)$')
BEGIN = "<!-- checks: begin (generated from checks/Checks.def by scripts/check_manifest.py) -->"
END = "<!-- checks: end -->"


class Check:
    def __init__(self, cls, name, summary):
        self.cls, self.name, self.summary = cls, name, summary

    @property
    def short(self):
        return self.name[len("csp-"):]


def read_manifest(root=ROOT):
    """The checks of Checks.def, in its order; malformed CSP_CHECK lines are errors."""
    checks = []
    with open(os.path.join(root, "checks", "Checks.def"), encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.startswith("CSP_CHECK"):
                continue
            m = ENTRY.match(line)
            if not m:
                raise SystemExit("checks/Checks.def:%d: malformed entry: %s" % (number, line))
            checks.append(Check(*m.groups()))
    return checks


def table(checks, link_prefix):
    rows = ["| check | finds |", "|---|---|"]
    for c in checks:
        rows.append("| [%s](%s%s.md) | %s |" % (c.name, link_prefix, c.short, c.summary))
    return "\n".join(rows)


def readme_text(text, checks):
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise SystemExit("README.md: the generated check table's markers are missing")
    return text[:start] + BEGIN + "\n" + table(checks, "docs/checks/") + "\n" + text[end:]


def index_text(checks):
    return ("# The csp checks\n\n" + BEGIN + "\n" + table(checks, "") + "\n" + END + "\n\n"
            "Each page says why the pattern is a bug, what the check recognises, what\n"
            "stays silent, its options and how to silence it. The shared role options\n"
            "are in [options](../options.md).\n")


def expected(root=ROOT):
    checks = read_manifest(root)
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return {
        "README.md": readme_text(readme, checks),
        os.path.join("docs", "checks", "README.md"): index_text(checks),
    }


def main(argv):
    if argv[1:] not in (["--write"], ["--check"]):
        raise SystemExit("usage: scripts/check_manifest.py --write | --check")
    stale = []
    for path, text in expected().items():
        full = os.path.join(ROOT, path)
        current = open(full, encoding="utf-8").read() if os.path.exists(full) else None
        if current == text:
            continue
        if argv[1] == "--write":
            with open(full, "w", encoding="utf-8") as f:
                f.write(text)
            print("wrote", path)
        else:
            stale.append(path)
    if stale:
        print("stale (run scripts/check_manifest.py --write): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
