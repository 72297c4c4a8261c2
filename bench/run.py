#!/usr/bin/env python3
"""Benchmarks the csp checks against the cost of parsing.

For each input it measures the CPU time (user + system, median of --runs
runs), or with --instructions the instructions executed (valgrind's
callgrind: slow, but the same count on a loaded or an idle machine), of
  - clang++-19 -fsyntax-only             (parsing and semantic analysis)
  - csp-tidy -checks=-*,csp-*            (the same, plus every csp check)
and prints the ratio. Inputs: the fixture programs (test/fixtures), and a
generated translation unit of N worker-pool functions, at N and 10N, to show
that the checks' time grows linearly with the size of the code.

With --compile it measures instead a compile (clang++-19 -c, at -O0 and at
-O2) with the compiler plugin (-fplugin=CspClangPlugin.so) against the same
compile without it, on the generated file and the fixtures.

With --parallel it measures instead the wall-clock time of a whole-database
run (`csp-tidy -p DB -j N`, N from 1 to the number of cores) over a compile
database of the fixture programs, and the speedup over -j 1.

  bench/run.py [--build build] [--functions 300] [--runs 5] [--instructions]
  bench/run.py --parallel [--runs 3]
  bench/run.py --compile [--functions 50] [--fixtures 8] [--instructions]
"""

import argparse
import glob
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

POOL = """
void pool_{i}(const std::vector<int> &input) {{
  auto jobs = csp::make_chan<int>(16);
  auto results = csp::make_chan<int>(16);
  csp::wait_group wg;
  for (int w = 0; w < 4; ++w) {{
    wg.add(1);
    csp::go([&wg, jobs, results] {{
      for (int j : jobs)
        results.send(j * {i});
      wg.done();
    }});
  }}
  csp::go([&input, jobs] {{
    for (int x : input)
      jobs.send(x);
    jobs.close();
  }});
  csp::go([&wg, results] {{
    wg.wait();
    results.close();
  }});
  int sum = 0;
  for (int r : results)
    sum += r;
  sink(sum);
}}
"""


def generate(path, functions):
    with open(path, "w", encoding="utf-8") as f:
        f.write("#include <csp/csp.hpp>\n#include <vector>\n\n"
                "void sink(int);\n")
        for i in range(functions):
            f.write(POOL.format(i=i))


def cpu_seconds(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        sys.exit("bench: %s failed:\n%s" % (" ".join(cmd), result.stderr))
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def instructions(cmd):
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--trace-children=yes",
         "--callgrind-out-file=/dev/null"] + cmd,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    counts = re.findall(r"Collected : (\d+)", result.stderr)
    if not counts:
        sys.exit("bench: callgrind measured nothing for %s" % " ".join(cmd))
    return sum(int(c) for c in counts) / 1e9


def measure(cmd, runs, count_instructions):
    if count_instructions:
        return instructions(cmd)
    return statistics.median(cpu_seconds(cmd) for _ in range(runs))


def wall_seconds(cmd):
    start = time.monotonic()
    result = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode not in (0, 1):
        sys.exit("bench: %s failed:\n%s" % (" ".join(cmd), result.stderr))
    return time.monotonic() - start


def parallel(args, flags, fixtures):
    """Wall time of csp-tidy -p over the fixtures at each -j up to the cores."""
    db = tempfile.mkdtemp(prefix="csp-bench-db-")
    entries = [{"directory": ROOT, "file": f,
                "arguments": ["clang++"] + flags + ["-c", f]} for f in fixtures]
    with open(os.path.join(db, "compile_commands.json"), "w") as out:
        json.dump(entries, out)
    tidy = [os.path.join(args.build, "bin", "csp-tidy"), "-p", db, "-quiet",
            "-checks=-*,csp-*"]
    print("%d files, wall-clock seconds, median of %d runs" % (len(fixtures), args.runs))
    serial = None
    for jobs in range(1, (os.cpu_count() or 1) + 1):
        seconds = statistics.median(wall_seconds(tidy + ["-j", str(jobs)])
                                    for _ in range(args.runs))
        serial = serial or seconds
        print("-j %-3d %8.2f s   %.2fx" % (jobs, seconds, serial / seconds))


def compile_with_plugin(args, flags, fixtures):
    """A compile with the plugin against the same compile without it."""
    work = tempfile.mkdtemp(prefix="csp-bench-compile-")
    generated = os.path.join(work, "pools_%d.cpp" % args.functions)
    generate(generated, args.functions)
    inputs = [("generated, %d functions" % args.functions, [generated])]
    if fixtures:
        inputs.append(("fixtures (%d files)" % len(fixtures), fixtures))
    plugin = ["-fplugin=" + os.path.join(args.build, "lib", "CspClangPlugin.so")]
    unit = "G instr" if args.instructions else "CPU s"
    print("%-28s %-4s %12s %12s %8s   (%s)" % ("input", "opt", "plain", "plugin", "ratio", unit))
    for name, files in inputs:
        for opt in ("-O0", "-O2"):
            compile_ = ["clang++-19"] + flags + [opt, "-c", "-o", os.devnull]
            plain = sum(measure(compile_ + [f], args.runs, args.instructions) for f in files)
            checked = sum(measure(compile_ + plugin + [f], args.runs, args.instructions)
                          for f in files)
            print("%-28s %-4s %12.3f %12.3f %7.4fx" % (name, opt, plain, checked, checked / plain),
                  flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--functions", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument("--parallel", action="store_true")
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--fixtures", type=int, default=0,
                        help="with --compile, only the first N fixtures (0: all)")
    args = parser.parse_args()

    flags = ["-std=c++20", "-I" + os.path.join(ROOT, "test", "runtime", "include")]
    syntax = ["clang++-19", "-fsyntax-only"]
    tidy = [os.path.join(args.build, "bin", "csp-tidy"), "-quiet", "-checks=-*,csp-*"]
    fixtures = sorted(glob.glob(os.path.join(ROOT, "test", "fixtures", "*", "*.cpp")))
    if args.parallel:
        parallel(args, flags, fixtures)
        return
    if args.compile:
        compile_with_plugin(args, flags, fixtures[:args.fixtures] if args.fixtures else fixtures)
        return

    work = tempfile.mkdtemp(prefix="csp-bench-")
    inputs = []
    for n in (args.functions, 10 * args.functions):
        path = os.path.join(work, "pools_%d.cpp" % n)
        generate(path, n)
        inputs.append(("generated, %d functions" % n, [path]))
    if fixtures:
        inputs.append(("fixtures (%d files)" % len(fixtures), fixtures))

    unit = "G instr" if args.instructions else "CPU s"
    print("%-28s %12s %12s %8s   (%s)" % ("input", "syntax-only", "csp-tidy", "ratio", unit))
    totals = {}
    for name, files in inputs:
        base = sum(measure(syntax + flags + [f], args.runs, args.instructions)
                   for f in files)
        checked = sum(measure(tidy + [f, "--"] + flags, args.runs, args.instructions)
                      for f in files)
        totals[name] = (base, checked)
        print("%-28s %12.3f %12.3f %7.3fx" % (name, base, checked, checked / base))

    small, large = [totals[n] for n, _ in inputs[:2]]
    # The checks' own time: what csp-tidy adds to parsing.
    small_checks, large_checks = small[1] - small[0], large[1] - large[0]
    print("\ngrowth at 10x the functions: syntax-only %.2fx, csp-tidy %.2fx"
          % (large[0] / small[0], large[1] / small[1]))
    if small_checks > 0.01:
        print("the checks' own cost (csp-tidy minus syntax-only): %.3f -> %.3f, %.2fx"
              % (small_checks, large_checks, large_checks / small_checks))


if __name__ == "__main__":
    main()
