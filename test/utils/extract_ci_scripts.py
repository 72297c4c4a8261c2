#!/usr/bin/env python3
"""Writes the shell text of a CI template's steps as scripts, for shellcheck.

usage: extract_ci_scripts.py github|gitlab <template.yml> <out-dir>

GitHub: one script per `run:` step, in the step's shell, with each
`${{ }}` expression as a plain word. GitLab: before_script and script as the
one bash script the runner makes of them.
"""
import os
import re
import sys

import yaml


def main(kind, template, out):
    os.makedirs(out, exist_ok=True)
    config = yaml.safe_load(open(template))
    scripts = {}
    if kind == "github":
        job = config["jobs"]["csp-tidy"]
        default = ((job.get("defaults") or {}).get("run") or {}).get("shell", "sh")
        for i, step in enumerate(job["steps"]):
            if "run" in step:
                shell = step.get("shell", default)
                text = re.sub(r"\$\{\{.*?\}\}", "expression", step["run"])
                scripts["step%d.sh" % i] = "#!/bin/%s\n%s" % (shell, text)
    else:
        job = config["csp-tidy"]
        lines = job.get("before_script", []) + job["script"]
        scripts["job.sh"] = "#!/bin/bash\n" + "\n".join(lines) + "\n"
    for name, text in scripts.items():
        with open(os.path.join(out, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main(*sys.argv[1:])
