#!/usr/bin/env python3
"""Runs the csp-tidy steps of a CI template in a git checkout, as the CI
service would, and prints the report the template uploads.

usage: run_ci_template.py github <workflow.yml> <checkout> <event> <base-ref>
       run_ci_template.py gitlab <job.yml> <checkout> <@file holding the diff base sha>

The installation and configure steps are not run (they need the network);
the steps that fetch the base and run the gate are, with the template's own
shell text, and csp-tidy taken from PATH. Exits non-zero when the template
does not have the shape the docs describe.
"""
import json
import os
import re
import subprocess
import sys

import yaml


def github(workflow, checkout, event, base_ref):
    steps = yaml.safe_load(open(workflow))["jobs"]["csp-tidy"]["steps"]
    by_name = {s.get("name"): s for s in steps}
    env = dict(os.environ)

    def expand(text):
        # The template's expressions are `github.event_name == 'x' && 'a' || 'b'`
        # and `github.base_ref`; anything else is a template this does not know.
        def one(m):
            expr = m.group(1).strip()
            if expr == "github.base_ref":
                return base_ref
            cond = re.fullmatch(r"github\.event_name == '(\w+)' && '([^']*)' \|\| '([^']*)'", expr)
            if not cond:
                sys.exit("run_ci_template: unknown expression: " + expr)
            return cond.group(2) if event == cond.group(1) else cond.group(3)
        return re.sub(r"\$\{\{(.*?)\}\}", one, text)

    fetch = by_name["Fetch the pull request's base"]
    if event == "pull_request":
        subprocess.run(["bash", "-ec", expand(fetch["run"])], cwd=checkout, env=env, check=True)
    gate = subprocess.run(["bash", "-ec", expand(by_name["csp-tidy"]["run"])], cwd=checkout,
                          env=env)
    print("gate exit: %d" % gate.returncode)
    upload = by_name["Upload to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@"), upload
    assert upload["if"].startswith("always()"), "the findings must upload when the gate fails"
    return os.path.join(checkout, upload["with"]["sarif_file"])


def gitlab(job_file, checkout, base_sha):
    job = yaml.safe_load(open(job_file))["csp-tidy"]
    env = dict(os.environ)
    env["CI_MERGE_REQUEST_DIFF_BASE_SHA"] = open(base_sha[1:]).read().strip()
    gate = subprocess.run(["bash", "-ec", "\n".join(job["script"])], cwd=checkout, env=env)
    print("gate exit: %d" % gate.returncode)
    assert job["artifacts"]["when"] == "always", "the report must upload when the gate fails"
    return os.path.join(checkout, job["artifacts"]["reports"]["codequality"])


def main(argv):
    kind = argv[0]
    report = github(*argv[1:]) if kind == "github" else gitlab(*argv[1:])
    print("report: " + os.path.basename(report))
    sys.stdout.flush()
    with open(report) as f:
        print(f.read())


if __name__ == "__main__":
    main(sys.argv[1:])
