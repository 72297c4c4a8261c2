#!/usr/bin/env python3
"""Runs the VS Code task in integration/editors/vscode-tasks.json the way
VS Code would (its command, its arguments with ${file} and ${workspaceFolder}
filled in) and prints what its problem matchers match, one
`file:line:column: severity: message` line per problem.

usage: vscode_task.py <tasks.json> <workspace-folder> <file>

VS Code is not in Debian; this checks the recipe's command line and its
regular expressions (which mean the same in JavaScript and Python here).
"""
import json
import re
import subprocess
import sys


def main(tasks_file, workspace, file):
    task = json.load(open(tasks_file))["tasks"][0]
    args = [a.replace("${file}", file).replace("${workspaceFolder}", workspace)
            for a in task["args"]]
    run = subprocess.run([task["command"]] + args, cwd=workspace, capture_output=True,
                         text=True)
    for line in (run.stdout + run.stderr).splitlines():
        for matcher in task["problemMatcher"]:
            p = matcher["pattern"]
            m = re.match(p["regexp"], line)
            if m:
                severity = m.group(p["severity"]) if "severity" in p else matcher["severity"]
                print("%s:%s:%s: %s: %s" % (m.group(p["file"]), m.group(p["line"]),
                                            m.group(p["column"]), severity,
                                            m.group(p["message"])))
                break
    print("exit: %d" % run.returncode)


if __name__ == "__main__":
    main(*sys.argv[1:])
