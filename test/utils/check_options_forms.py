#!/usr/bin/env python3
"""Checks that the docs give each CheckOptions example in both forms, and
that the two configure the same thing.

usage: check_options_forms.py <csp-tidy> <tmp-dir> <doc.md>...

In each doc, every ```yaml block whose CheckOptions is a map (`Name: value`)
must be followed by a block with the list form (`- key: Name` / `value:`)
holding the same options. Both are given to `csp-tidy -dump-config
--config-file`, which must print the same configuration, and one that
differs from csp-tidy's defaults (the options took effect). Prints one line
per problem and exits 1 if there is any.
"""
import os
import re
import subprocess
import sys

import yaml


def blocks(path):
    text = open(path, encoding="utf-8").read()
    return [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "CheckOptions:" in b]


def dump(csp_tidy, config):
    run = subprocess.run([csp_tidy, "-dump-config"] + (["--config-file=" + config] if config else []),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return run.returncode, run.stdout


def main(csp_tidy, tmp, paths):
    os.makedirs(tmp, exist_ok=True)
    problems, pairs = [], 0
    _, defaults = dump(csp_tidy, None)
    for path in paths:
        found = blocks(path)
        i = 0
        while i < len(found):
            options = yaml.safe_load(found[i])["CheckOptions"]
            if not isinstance(options, dict):
                problems.append("%s: a list-form CheckOptions without its map form before it"
                                % path)
                i += 1
                continue
            twin = yaml.safe_load(found[i + 1])["CheckOptions"] if i + 1 < len(found) else None
            if not isinstance(twin, list):
                problems.append("%s: CheckOptions with %s has no list form after it"
                                % (path, ", ".join(options)))
                i += 1
                continue
            listed = {entry["key"]: entry["value"] for entry in twin}
            if listed != options:
                problems.append("%s: the list form of %s says otherwise" % (path, ", ".join(options)))
            outputs = []
            for form, block in (("map", found[i]), ("list", found[i + 1])):
                config = os.path.join(tmp, "%s-%d-%s.yaml" % (os.path.basename(path), pairs, form))
                with open(config, "w") as f:
                    f.write(block)
                status, out = dump(csp_tidy, config)
                if status:
                    problems.append("%s: csp-tidy rejects the %s form: %s" % (path, form, out.strip()))
                outputs.append(out)
            if outputs[0] != outputs[1]:
                problems.append("%s: the two forms of %s configure csp-tidy differently"
                                % (path, ", ".join(options)))
            elif outputs[0] == defaults:
                problems.append("%s: %s changes nothing" % (path, ", ".join(options)))
            pairs += 1
            i += 2
    for p in problems:
        print(p)
    print("%d examples in both forms, %d problems" % (pairs, len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
