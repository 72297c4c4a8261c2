#!/usr/bin/env python3
"""Runs a CI template's csp-tidy job as the CI service would, on a checkout
of a sample project, prints what each step did, and keeps the report it
uploads in <workdir>.

usage: run_ci_template.py github <workflow.yml> <origin> <workdir> <event> <ref> [--root <deb>]
       run_ci_template.py gitlab <job.yml> <origin> <workdir> <source> <ref> [--root <deb>]

<origin> is the project's git repository. <ref>: for a push (GitHub's push,
GitLab's push), the branch pushed, or `branch=<commit>` for that branch
pushed at another commit (main=refs/pull/1/merge: the merge of pull request
1); for GitHub's pull_request, the merge GitHub checks out
(refs/pull/<n>/merge); for GitLab's merge_request_event, the merge request's
branch. Pull and merge requests are into main. The job
runs with the service's variables for that event, its `if:`/`rules:` decide
whether it runs at all, and its own shell text runs in the shell the service
would use.

With --root, every step runs, the installation steps included, in a fresh
Debian 12 root (.ci/clean-root.sh) standing in for the debian:12 image the
template names, and <deb> is put in the checkout where the template's
CSP_TIDY_DEB says (as the release artifact would be). Without it, the steps
run on this machine, csp-tidy from PATH, and those that call apt-get are
left out.

Exits non-zero when the template does not have the shape the docs describe.
"""
import os
import re
import shutil
import subprocess
import sys
import time

import yaml

CLEAN_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".ci",
                          "clean-root.sh")
ORIGIN_IN_ROOT = "/srv/origin"


def fail(message):
    sys.exit("run_ci_template: " + message)


# Expressions: GitHub's `${{ }}` and `if:` (contexts, functions, string
# literals) and GitLab's `rules: if:` ($VARIABLES, "strings"), with ==, !=,
# !, && and || and parentheses.
TOKEN = re.compile(r"\s*(?:(==|!=|&&|\|\||[!(),])|'([^']*)'|\"([^\"]*)\"|\$(\w+)|([\w.]+))")


def evaluate(text, name, call, variable):
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            fail("cannot read the expression %r" % text)
        tokens.append(m)
        pos = m.end()
    tokens.append(None)
    at = [0]

    def peek():
        t = tokens[at[0]]
        return t.group(1) if t and t.group(1) else None

    def take():
        at[0] += 1
        return tokens[at[0] - 1]

    def atom():
        t = take()
        if t is None:
            fail("expression ends early: %r" % text)
        if t.group(1) == "(":
            v = either()
            take()
            return v
        if t.group(1) == "!":
            return not truthy(atom())
        if t.group(2) is not None or t.group(3) is not None:
            return t.group(2) if t.group(2) is not None else t.group(3)
        if t.group(4):
            return variable(t.group(4))
        if peek() == "(":
            take()
            args = []
            while peek() != ")":
                args.append(either())
                if peek() == ",":
                    take()
            take()
            return call(t.group(5), args)
        return name(t.group(5))

    def compare():
        v = atom()
        while peek() in ("==", "!="):
            op = take().group(1)
            w = atom()
            v = (v == w) if op == "==" else (v != w)
        return v

    def both():
        v = compare()
        while peek() == "&&":
            take()
            w = compare()
            v = truthy(v) and truthy(w)
        return v

    def either():
        v = both()
        while peek() == "||":
            take()
            w = both()
            v = truthy(v) or truthy(w)
        return v

    value = either()
    if tokens[at[0]] is not None:
        fail("cannot read the expression %r" % text)
    return value


def truthy(v):
    return v not in (None, False, "", 0)


class Runner:
    """Runs shell text in the checkout, on this machine or in a root."""

    def __init__(self, workdir, root_deb):
        self.workdir = os.path.abspath(workdir)
        self.root = None
        self.deb = root_deb
        if root_deb:
            made = subprocess.run([CLEAN_ROOT, "new"], check=True, stdout=subprocess.PIPE,
                                  text=True)
            self.root = made.stdout.strip()

    def remove(self):
        if self.root:
            subprocess.run([CLEAN_ROOT, "remove", self.root], check=True)

    def host(self, path):
        """Where a path of the job's file system is on this machine."""
        return self.root + path if self.root else path

    def place(self, path):
        """A directory of the job's file system."""
        if self.root:
            return path
        return os.path.join(self.workdir, path.lstrip("/"))

    def origin_url(self, origin):
        if not self.root:
            return "file://" + os.path.abspath(origin)
        subprocess.run(["git", "clone", "-q", "--mirror", origin,
                        self.host(ORIGIN_IN_ROOT)], check=True)
        return "file://" + ORIGIN_IN_ROOT

    def has_git(self):
        return os.path.exists(self.host("/usr/bin/git")) if self.root else True

    def run(self, argv, cwd, env):
        if not self.root:
            return subprocess.run(argv, cwd=cwd, env=dict(os.environ, **env)).returncode
        assigns = ["%s=%s" % kv for kv in env.items()]
        return subprocess.run([CLEAN_ROOT, "run", self.root] + assigns + [
            "--", "/bin/sh", "-c", 'cd "$0" && exec "$@"', cwd] + argv).returncode

    def script(self, text, name):
        """Writes shell text where the job can run it; returns its path there."""
        path = self.place("/tmp/csp-ci-steps/" + name)
        os.makedirs(os.path.dirname(self.host(path)), exist_ok=True)
        with open(self.host(path), "w") as f:
            f.write(text)
        return path


def checkout(runner, url, ref, workspace, depth, with_git):
    """The service's checkout: a shallow fetch of ref, detached; without git
    in the image (actions/checkout's fallback), the files alone."""
    host_ws = runner.host(workspace)
    os.makedirs(host_ws, exist_ok=True)
    fetch_url = url if not runner.root else "file://" + runner.host(ORIGIN_IN_ROOT)
    if not with_git:
        tmp = host_ws + ".clone"
        subprocess.run(["git", "clone", "-q", "--depth", "1", fetch_url, tmp], check=True)
        subprocess.run(["git", "-C", tmp, "fetch", "-q", "--depth", "1", "origin", ref],
                       check=True)
        archive = subprocess.run(["git", "-C", tmp, "archive", "FETCH_HEAD"], check=True,
                                 stdout=subprocess.PIPE).stdout
        subprocess.run(["tar", "-x", "-C", host_ws], input=archive, check=True)
        shutil.rmtree(tmp)
        return
    g = ["git", "-C", host_ws]
    subprocess.run(g + ["init", "-q"], check=True)
    subprocess.run(g + ["remote", "add", "origin", fetch_url], check=True)
    subprocess.run(g + ["fetch", "-q", "--depth", str(depth), "origin", ref], check=True)
    subprocess.run(g + ["checkout", "-q", "--detach", "FETCH_HEAD"], check=True)
    subprocess.run(g + ["remote", "set-url", "origin", url], check=True)


def place_deb(runner, workspace, deb_var):
    if runner.root:
        target = os.path.join(runner.host(workspace), deb_var)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy(runner.deb, target)


def mentions_apt(text):
    return "apt-get" in text


def image_of(spec):
    return spec.get("image") if isinstance(spec, dict) else spec


def github(workflow_file, origin, workdir, event, ref, runner):
    workflow = yaml.safe_load(open(workflow_file))
    # PyYAML reads the bare key `on` as True (YAML 1.1).
    triggers = workflow.get("on", workflow.get(True))
    job = workflow["jobs"]["csp-tidy"]
    if runner.root and image_of(job.get("container")) != "debian:12":
        fail("the job must run in the debian:12 container that the root stands for")
    if event not in triggers:
        print("workflow not run: no %s trigger" % event)
        return None
    branch, _, commit = ref.partition("=")
    if event == "push":
        branches = (triggers["push"] or {}).get("branches")
        if branches is not None and branch not in branches:
            print("workflow not run: push to %s" % branch)
            return None
    base_ref = "main"
    # GitHub's layout in a container job.
    workspace = runner.place("/__w/project/project")
    temp = runner.place("/__w/_temp")
    home = runner.place("/github/home")
    # The runner makes the workspace before the first step.
    for d in (workspace, temp, home):
        os.makedirs(runner.host(d), exist_ok=True)
    github_env = temp + "/github_env"
    github_path = temp + "/github_path"
    for f in (github_env, github_path):
        open(runner.host(f), "w").close()
    url = runner.origin_url(origin)
    contexts = {
        "github.event_name": event,
        "github.base_ref": base_ref if event == "pull_request" else "",
        "github.ref": ref if event == "pull_request" else "refs/heads/" + branch,
        "github.workspace": workspace,
        "runner.temp": temp,
    }
    env = {"CI": "true", "GITHUB_ACTIONS": "true", "HOME": home, "GITHUB_ENV": github_env,
           "GITHUB_PATH": github_path, "GITHUB_WORKSPACE": workspace, "RUNNER_TEMP": temp,
           "GITHUB_EVENT_NAME": event, "GITHUB_BASE_REF": contexts["github.base_ref"]}
    env.update(workflow.get("env") or {})
    env.update(job.get("env") or {})
    state = {"failed": False}

    def name(path):
        if path.startswith("env."):
            return env.get(path[4:], "")
        if path in contexts:
            return contexts[path]
        if path in ("true", "false"):
            return path == "true"
        fail("unknown context %s" % path)

    def call(fn, args):
        if fn == "always":
            return True
        if fn == "success":
            return not state["failed"]
        if fn == "failure":
            return state["failed"]
        if fn == "cancelled":
            return False
        if fn == "hashFiles":
            return "x" if all(os.path.exists(os.path.join(runner.host(workspace), a))
                              for a in args) else ""
        fail("unknown function %s()" % fn)

    def expand(text):
        return re.sub(r"\$\{\{(.*?)\}\}",
                      lambda m: str(evaluate(m.group(1), name, call, lambda v: fail(v))),
                      str(text))

    default_shell = ((job.get("defaults") or {}).get("run") or {}).get("shell")
    report = None
    order = [s.get("name") or s.get("uses") for s in job["steps"]]
    for i, step in enumerate(job["steps"]):
        title = step.get("name") or step.get("uses")
        condition = step.get("if", "success()").strip()
        if condition.startswith("${{"):
            condition = condition[3:-2]
        # GitHub's rule: a condition without a status function holds only
        # while no step has failed.
        if not re.search(r"\b(always|success|failure|cancelled)\(", condition):
            condition = "success() && (%s)" % condition
        if not truthy(evaluate(condition, name, call, lambda v: fail(v))):
            print("%s: skipped" % title)
            continue
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout@"):
            depth = int((step.get("with") or {}).get("fetch-depth", 1))
            checkout_ref = ref if event == "pull_request" else commit or "refs/heads/" + branch
            checkout(runner, url, checkout_ref, workspace, depth, runner.has_git())
            place_deb(runner, workspace, env.get("CSP_TIDY_DEB", ""))
            print("%s: checked out %s%s" % (title, checkout_ref,
                                           "" if runner.has_git() else " without git"))
            continue
        if uses.startswith("github/codeql-action/upload-sarif@"):
            if order.index("csp-tidy report") > i:
                fail("the upload must come after the report")
            sarif = (step.get("with") or {})["sarif_file"]
            report = os.path.join(runner.host(workspace), sarif)
            print("%s: %s" % (title, sarif))
            continue
        if uses:
            fail("no stand-in for the action %s" % uses)
        if not runner.root and mentions_apt(step["run"]):
            print("%s: not run here (installs)" % title)
            continue
        step_env = dict(env)
        for key, text in (step.get("env") or {}).items():
            step_env[key] = expand(text)
        for line in open(runner.host(github_env)):
            key, _, val = line.rstrip("\n").partition("=")
            step_env[key] = val
        extra = [p.strip() for p in open(runner.host(github_path)) if p.strip()]
        if extra:
            step_env["PATH"] = ":".join(extra + [os.environ["PATH"] if not runner.root else
                                                 "/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                                                 "/usr/bin:/sbin:/bin"])
        path = runner.script(expand(step["run"]), "step%d.sh" % i)
        # GitHub's shells: bash with -eo pipefail, else sh -e (the
        # default in a container).
        shell = step.get("shell", default_shell)
        argv = (["bash", "--noprofile", "--norc", "-eo", "pipefail", path] if shell == "bash"
                else ["sh", "-e", path])
        start = time.monotonic()
        status = runner.run(argv, workspace, step_env)
        print("%s: exit %d (%.0f s)" % (title, status, time.monotonic() - start))
        if status:
            state["failed"] = True
    print("job exit: %d" % (1 if state["failed"] else 0))
    return report


def gitlab(job_file, origin, workdir, source, ref, runner):
    config = yaml.safe_load(open(job_file))
    job = config["csp-tidy"]
    if runner.root and image_of(job.get("image")) != "debian:12":
        fail("the job must run in the debian:12 image that the root stands for")
    default_branch = "main"
    workspace = runner.place("/builds/group/project")
    url = runner.origin_url(origin)
    base_sha = subprocess.run(["git", "-C", origin, "rev-parse", default_branch], check=True,
                              stdout=subprocess.PIPE, text=True).stdout.strip()
    env = {"CI": "true", "GITLAB_CI": "true", "CI_PROJECT_DIR": workspace,
           "CI_PIPELINE_SOURCE": source, "CI_DEFAULT_BRANCH": default_branch,
           "HOME": runner.place("/root")}
    if source == "merge_request_event":
        env.update({"CI_MERGE_REQUEST_DIFF_BASE_SHA": base_sha,
                    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": default_branch,
                    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": ref})
    else:
        env["CI_COMMIT_BRANCH"] = ref.partition("=")[0]
    if "rules" not in job:
        fail("the job needs rules: without them it does not run in merge request pipelines")
    runs = False
    for rule in job["rules"]:
        if truthy(evaluate(rule["if"], lambda n: fail("bare word %s" % n),
                           lambda f, a: fail("function %s" % f),
                           lambda v: env.get(v))):
            runs = rule.get("when", "on_success") != "never"
            break
    if not runs:
        print("job not run (rules)")
        return None
    for key, value in (config.get("variables") or {}).items():
        env[key] = str(value)
    for key, value in (job.get("variables") or {}).items():
        env[key] = str(value)
    branch, _, commit = ref.partition("=")
    checkout(runner, url, commit or "refs/heads/" + branch, workspace,
             int(env.get("GIT_DEPTH", 20)), True)
    place_deb(runner, workspace, env.get("CSP_TIDY_DEB", ""))
    lines = [line for line in job.get("before_script", []) + job["script"]
             if runner.root or not mentions_apt(line)]
    # The runner runs before_script and script in one bash, stopping at the
    # first command that fails.
    path = runner.script("\n".join(lines) + "\n", "job.sh")
    start = time.monotonic()
    status = runner.run(["bash", "-eo", "pipefail", path], workspace, env)
    print("job exit: %d (%.0f s)" % (status, time.monotonic() - start))
    if job["artifacts"]["when"] != "always":
        fail("the report must upload when the gate fails")
    return os.path.join(runner.host(workspace), job["artifacts"]["reports"]["codequality"])


def main(argv):
    sys.stdout.reconfigure(line_buffering=True)
    root_deb = None
    if "--root" in argv:
        at = argv.index("--root")
        root_deb = os.path.abspath(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    kind, template, origin, workdir, event, ref = argv
    os.makedirs(workdir, exist_ok=True)
    start = time.monotonic()
    runner = Runner(workdir, root_deb)
    try:
        report = (github if kind == "github" else gitlab)(template, origin, workdir, event, ref,
                                                         runner)
        if report and not os.path.exists(report):
            print("report: none")
        elif report:
            # Kept beside the job for the test to read, as the service keeps
            # the upload.
            shutil.copy(report, os.path.join(workdir, os.path.basename(report)))
            print("report: " + os.path.basename(report))
    finally:
        runner.remove()
        print("in all: %.0f s" % (time.monotonic() - start))


if __name__ == "__main__":
    main(sys.argv[1:])
