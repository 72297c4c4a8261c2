#!/usr/bin/env python3
"""Makes the git history of the sample project the CI template tests run on.

usage: make_ci_project.py <origin-dir> <csp-tidy> <runtime-include>

From test/integration/Inputs/ci-project: branch `main` is `base/` with the
csp runtime's headers under third_party/ and csp-baseline.json, written by
the given csp-tidy as a user adopting the gate would; branch `bug` changes it
as `bug/` does, branch `clean` as `clean/` does. Each branch is also merged
into main as a pull request is (refs/pull/1/merge, refs/pull/2/merge), for
GitHub's pull_request checkout.
"""
import json
import os
import shutil
import subprocess
import sys

INPUTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration",
                      "Inputs", "ci-project")
IDENTITY = ["-c", "user.name=csp", "-c", "user.email=csp@example.org"]


def git(origin, *args):
    subprocess.run(["git", "-C", origin] + IDENTITY + list(args), check=True,
                   stdout=subprocess.DEVNULL)


def overlay(name, origin):
    shutil.copytree(os.path.join(INPUTS, name), origin, dirs_exist_ok=True)


def main(origin, csp_tidy, runtime_include):
    os.makedirs(origin)
    overlay("base", origin)
    shutil.copytree(runtime_include, os.path.join(origin, "third_party", "csp", "include"))
    git(origin, "init", "-q", "-b", "main")
    build = os.path.join(origin, ".baseline-build")
    os.makedirs(build)
    with open(os.path.join(build, "compile_commands.json"), "w") as out:
        json.dump([{"directory": origin, "file": f,
                    "arguments": ["clang++", "-std=c++20", "-Ithird_party/csp/include", "-c", f]}
                   for f in ("src/main.cpp", "src/pool.cpp")], out)
    subprocess.run([csp_tidy, "-p", build, "-quiet", "--baseline-write", "csp-baseline.json"],
                   cwd=origin, check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(build)
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "base")
    for number, branch in enumerate(("bug", "clean"), 1):
        git(origin, "checkout", "-q", "-b", branch, "main")
        overlay(branch, origin)
        git(origin, "commit", "-q", "-a", "-m", branch)
        git(origin, "checkout", "-q", "--detach", "main")
        git(origin, "merge", "-q", "--no-ff", "-m", "Merge " + branch, branch)
        git(origin, "update-ref", "refs/pull/%d/merge" % number, "HEAD")
    git(origin, "checkout", "-q", "main")


if __name__ == "__main__":
    main(*sys.argv[1:])
