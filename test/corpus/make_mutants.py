#!/usr/bin/env python3
"""Writes seeded mutants of the lit inputs, for the crash corpus.

usage: make_mutants.py <out-dir> [count]

Each mutant is one lit input (test/checks/*.cpp, test/fixtures/*/*.cpp,
taken in turn) with one to three edits: a line deleted, duplicated or
swapped with another, a token deleted or duplicated, or two adjacent tokens
swapped. The seed is fixed, so the same sources give the same mutants on
every machine and every run, and a failure names a file anyone can
regenerate. Most mutants no longer compile, which is the point: the checks
then run on the AST clang recovered, with invalid declarations, missing
bodies and dangling references, as they do on a user's half-edited file.

Writes <out-dir>/<source>-m<N>.cpp and <out-dir>/mutants.json, a list of
{"file", "source", "edits", "include"}: the mutant, the lit input it came
from, what was done, and the directories its includes need.
"""
import json
import os
import random
import re
import sys

SEED = 18
COUNT = 60
TEST_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = re.compile(r"\w+|::|->|&&|\|\||<<|>>|[^\s\w]")


def sources():
    found = []
    for sub in ("checks", "fixtures"):
        root = os.path.join(TEST_DIR, sub)
        for dirpath, dirnames, files in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "Inputs")
            found += [os.path.join(dirpath, f) for f in sorted(files) if f.endswith(".cpp")]
    return sorted(found)


def is_code(line):
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("//")


def edit_lines(rng, text):
    # Edits go to code, not to the comments that are most of a lit input.
    lines = text.split("\n")
    code = [n for n, line in enumerate(lines) if is_code(line)] or list(range(len(lines)))
    i, j = rng.choice(code), rng.choice(code)
    kind = rng.choice(["delete line", "duplicate line", "swap lines"])
    if kind == "delete line":
        del lines[i]
        what = "%s %d" % (kind, i + 1)
    elif kind == "duplicate line":
        lines.insert(i, lines[i])
        what = "%s %d" % (kind, i + 1)
    else:
        lines[i], lines[j] = lines[j], lines[i]
        what = "%s %d and %d" % (kind, i + 1, j + 1)
    return "\n".join(lines), what


def code_tokens(text):
    """The tokens of \p text outside `//` comments."""
    tokens, start = [], 0
    for line in text.split("\n"):
        code = line.split("//", 1)[0]
        tokens += [(start + m.start(), start + m.end(), m.group())
                   for m in TOKEN.finditer(code)]
        start += len(line) + 1
    return tokens


def edit_tokens(rng, text):
    tokens = code_tokens(text)
    if len(tokens) < 2:
        return edit_lines(rng, text)
    k = rng.randrange(len(tokens) - 1)
    (a_start, a_end, a), (b_start, b_end, b) = tokens[k], tokens[k + 1]
    kind = rng.choice(["delete token", "duplicate token", "swap tokens"])
    line = text.count("\n", 0, a_start) + 1
    if kind == "delete token":
        out = text[:a_start] + text[a_end:]
    elif kind == "duplicate token":
        out = text[:a_end] + " " + a + text[a_end:]
    else:
        out = text[:a_start] + b + text[a_end:b_start] + a + text[b_end:]
    return out, "%s '%s' on line %d" % (kind, a, line)


def mutants(count=COUNT):
    """(name, text, source, edits) for each mutant, always the same ones."""
    rng = random.Random(SEED)
    inputs = sources()
    result = []
    for n in range(count):
        source = inputs[n % len(inputs)]
        with open(source, encoding="utf-8") as f:
            text = f.read()
        edits = []
        for _ in range(rng.randint(1, 3)):
            text, what = rng.choice([edit_lines, edit_tokens])(rng, text)
            edits.append(what)
        rel = os.path.relpath(source, TEST_DIR)
        name = "%s-m%d.cpp" % (rel[:-4].replace(os.sep, "-"), n)
        result.append((name, text, source, edits))
    return result


def main(argv):
    out = os.path.abspath(argv[0])
    count = int(argv[1]) if len(argv) > 1 else COUNT
    os.makedirs(out, exist_ok=True)
    manifest = []
    for name, text, source, edits in mutants(count):
        path = os.path.join(out, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        here = os.path.dirname(source)
        manifest.append({"file": path, "source": os.path.relpath(source, TEST_DIR),
                         "edits": edits,
                         "include": [here, os.path.join(here, "Inputs"),
                                     os.path.join(TEST_DIR, "runtime", "include")]})
    with open(os.path.join(out, "mutants.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print("%d mutants" % len(manifest))


if __name__ == "__main__":
    main(sys.argv[1:])
