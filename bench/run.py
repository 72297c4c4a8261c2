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
  bench/run.py --cache [--runs 3]

With --cache it measures the result cache instead: the wall-clock time of
`csp-tidy -p DB --cache-dir DIR` over a database of copies of the fixture
programs, cold (an empty cache) and warm (nothing changed), then after one
source is edited and after a header that a few of the copies include is
edited, with the number of files each run analysed again (from the
driver's `csp-tidy: cache:` line).
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


def cached_run(cmd):
    """Wall seconds of a --cache-dir run, and how many files it replayed."""
    start = time.monotonic()
    result = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    seconds = time.monotonic() - start
    if result.returncode not in (0, 1):
        sys.exit("bench: %s failed:\n%s" % (" ".join(cmd), result.stderr))
    line = re.search(r"csp-tidy: cache: (\d+) of (\d+) files? replayed", result.stderr)
    if not line:
        sys.exit("bench: no cache line from %s:\n%s" % (" ".join(cmd), result.stderr))
    replayed, total = int(line.group(1)), int(line.group(2))
    return seconds, total - replayed


def cache(args, flags, fixtures):
    """Cold and warm --cache-dir runs, and runs after a source or a header changed."""
    work = tempfile.mkdtemp(prefix="csp-bench-cache-")
    src = os.path.join(work, "src")
    os.makedirs(src)
    header = os.path.join(src, "bench_shared.h")
    with open(header, "w") as out:
        out.write("#pragma once\ninline int bench_shared() { return 0; }\n")
    sharing = 3  # the copies that include the header
    sources = []
    for i, fixture in enumerate(fixtures):
        copy = os.path.join(src, "%02d-%s" % (i, os.path.basename(fixture)))
        with open(fixture) as f:
            text = f.read()
        with open(copy, "w") as out:
            out.write(('#include "bench_shared.h"\n' if i < sharing else "") + text)
        sources.append(copy)
    db = os.path.join(work, "build")
    os.makedirs(db)
    entries = [{"directory": src, "file": f,
                "arguments": ["clang++"] + flags + ["-c", f]} for f in sources]
    with open(os.path.join(db, "compile_commands.json"), "w") as out:
        json.dump(entries, out)
    tidy = [os.path.join(args.build, "bin", "csp-tidy"), "-p", db, "-checks=-*,csp-*"]

    def median_of(make_cmd, prepare=None):
        times, analysed = [], set()
        for run in range(args.runs):
            cmd = make_cmd(run)
            if prepare:
                prepare(run)
            seconds, again = cached_run(cmd)
            times.append(seconds)
            analysed.add(again)
        return statistics.median(times), analysed

    warm_dir = os.path.join(work, "cache")
    cold, cold_analysed = median_of(
        lambda run: tidy + ["--cache-dir", os.path.join(work, "cold-%d" % run)])
    # The cache the later runs find: one cold run's.
    cached_run(tidy + ["--cache-dir", warm_dir])
    warm, warm_analysed = median_of(lambda run: tidy + ["--cache-dir", warm_dir])

    def edit(path):
        def append(run):
            with open(path, "a") as out:
                out.write("// edit %d\n" % run)
        return append
    one_source, source_analysed = median_of(
        lambda run: tidy + ["--cache-dir", warm_dir], edit(sources[-1]))
    one_header, header_analysed = median_of(
        lambda run: tidy + ["--cache-dir", warm_dir], edit(header))

    def files(analysed):
        return "/".join(str(n) for n in sorted(analysed))
    print("%d files, %d CPUs, wall-clock seconds, median of %d runs"
          % (len(sources), os.cpu_count() or 1, args.runs))
    print("%-34s %9s %10s %9s" % ("run", "seconds", "analysed", "of cold"))
    for name, seconds, analysed in (
            ("cold (empty cache)", cold, cold_analysed),
            ("warm (nothing changed)", warm, warm_analysed),
            ("one source edited", one_source, source_analysed),
            ("a header of %d sources edited" % sharing, one_header, header_analysed)):
        print("%-34s %9.2f %10s %8.1f%%" % (name, seconds, files(analysed), 100 * seconds / cold))


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
    parser.add_argument("--cache", action="store_true")
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
    if args.cache:
        cache(args, flags, fixtures)
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
