#!/usr/bin/env python3
"""Runs the csp-tidy steps of a CI template in a git checkout, as the CI
service would, and prints the report the template uploads.

usage: run_ci_template.py github <workflow.yml> <checkout> <event> <base-ref>
       run_ci_template.py gitlab <job.yml> <checkout> <@file holding the diff base sha>

The installation and configure steps are not run (they need the network);
the steps that write the report, fetch the base and run the gate are, with
the template's own shell text, its expressions filled in for the event, and
csp-tidy taken from PATH. Exits non-zero when the template
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
    context = {"github.event_name": event, "github.base_ref": base_ref}

    def value(expr):
        expr = expr.strip()
        if expr in context:
            return context[expr]
        cond = re.fullmatch(r"github\.event_name == '(\w+)'", expr)
        if cond:
            return event == cond.group(1)
        sys.exit("run_ci_template: unknown expression: " + expr)

    def expand(text):
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(value(m.group(1))), text)

    # The steps after checkout and the build that run shell commands, in
    # order, with GitHub's GITHUB_ENV file carrying variables between them.
    env = dict(os.environ)
    github_env = os.path.join(checkout, ".github_env")
    open(github_env, "w").close()
    env["GITHUB_ENV"] = github_env
    names = ["csp-tidy report", "Fetch the pull request's base", "csp-tidy gate"]
    by_name = {s.get("name"): s for s in steps}
    for name in names:
        step = by_name[name]
        if "if" in step and not value(step["if"]):
            continue
        step_env = dict(env)
        for key, text in step.get("env", {}).items():
            step_env[key] = expand(text)
        for line in open(github_env):
            key, _, val = line.rstrip("\n").partition("=")
            step_env[key] = val
        run = subprocess.run(["bash", "-ec", step["run"]], cwd=checkout, env=step_env)
        print("%s exit: %d" % (name, run.returncode))
        if run.returncode:
            break
    upload = by_name["Upload to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@"), upload
    assert upload["if"].startswith("always()"), "the findings must upload when the gate fails"
    order = [s.get("name") for s in steps]
    assert order.index("csp-tidy report") < order.index("Upload to code scanning"), \
        "the upload must come after the report"
    return os.path.join(checkout, upload["with"]["sarif_file"])


def gitlab(job_file, checkout, base_sha):
    job = yaml.safe_load(open(job_file))["csp-tidy"]
    env = dict(os.environ)
    env["CI_MERGE_REQUEST_DIFF_BASE_SHA"] = open(base_sha[1:]).read().strip()
    gate = subprocess.run(["bash", "-ec", "\n".join(job["script"])], cwd=checkout, env=env)
    print("job exit: %d" % gate.returncode)
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
