#!/usr/bin/env python3
"""Checks that the docs' CheckOptions examples are in the list form that
every clang-tidy reads, and that they configure csp-tidy.

usage: check_options_forms.py <csp-tidy> <tmp-dir> [--older-tidy=<clang-tidy>] <doc.md or dir>...

A directory stands for every .md file below it, so that a new page is held
to the same rule. Every ```yaml block with CheckOptions must be in the list
form (`- key: Name` / `value: ...`), which Debian 12's clang-tidy 14 and
clangd 14 read; the map form (`Name: value`), which they reject, may only
follow its list form as an alternative, holding the same options. Every
block is given to `csp-tidy -dump-config --config-file`, which must accept
it and print a configuration that differs from csp-tidy's defaults (the
options took effect); a map form must print the same as its list form.
With --older-tidy, that clang-tidy must accept every list form too. Prints
one line per problem and exits 1 if there is any.
"""
import os
import re
import subprocess
import sys

import yaml


def docs(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(".md"):
                        yield os.path.join(root, name)
        else:
            yield path


def blocks(path):
    text = open(path, encoding="utf-8").read()
    return [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "CheckOptions:" in b]


def dump(tidy, config):
    run = subprocess.run([tidy, "-dump-config"] + (["--config-file=" + config] if config else []),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return run.returncode, run.stdout


def main(csp_tidy, tmp, args):
    older = None
    paths = []
    for arg in args:
        if arg.startswith("--older-tidy="):
            older = arg.split("=", 1)[1]
        else:
            paths.append(arg)
    os.makedirs(tmp, exist_ok=True)
    problems, listed, maps = [], 0, 0
    _, defaults = dump(csp_tidy, None)
    for path in docs(paths):
        name = path
        previous = None  # the list form just before, and what csp-tidy made of it
        for block in blocks(path):
            options = yaml.safe_load(block)["CheckOptions"]
            config = os.path.join(tmp, "%d.yaml" % (listed + maps))
            with open(config, "w") as f:
                f.write(block)
            status, out = dump(csp_tidy, config)
            if isinstance(options, dict):
                if not previous:
                    problems.append("%s: CheckOptions with %s is in the map form only, which "
                                    "clang-tidy 14 and clangd 14 reject; give the list form "
                                    "(- key: ... / value: ...)" % (name, ", ".join(options)))
                elif previous[0] != options:
                    problems.append("%s: the map form of %s says otherwise than its list form"
                                    % (name, ", ".join(options)))
                elif status or out != previous[1]:
                    problems.append("%s: the map form of %s configures csp-tidy differently"
                                    % (name, ", ".join(options)))
                maps += 1
                previous = None
                continue
            listed += 1
            options = {entry.get("key"): entry.get("value") for entry in options}
            if status:
                problems.append("%s: csp-tidy rejects CheckOptions with %s: %s"
                                % (name, ", ".join(options), out.strip()))
            elif out == defaults:
                problems.append("%s: CheckOptions with %s changes nothing" % (name, ", ".join(options)))
            if older:
                older_status, older_out = dump(older, config)
                if older_status:
                    problems.append("%s: %s rejects CheckOptions with %s: %s"
                                    % (name, os.path.basename(older), ", ".join(options),
                                       older_out.strip()))
            previous = (options, out)
    for p in problems:
        print(p)
    print("%d examples in the list form (%d also in the map form), %d problems"
          % (listed, maps, len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
