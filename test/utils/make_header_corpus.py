#!/usr/bin/env python3
"""Writes the crash corpus: one translation unit per C++20 standard header
and per Boost.Fiber header, with the headers as user code, and a
compile_commands.json for them.

usage: make_header_corpus.py <clang++> <out-dir> [std|boost]...

"As user code": the headers are reached through symlinks to their
directories, passed with -I (and libstdc++'s with -nostdinc++), so clang
does not treat them as system headers and the checks analyse every function
in them, as they would a project's own code.
"""
import json
import os
import subprocess
import sys

STD_HEADERS = """
algorithm any array atomic barrier bit bitset charconv chrono codecvt compare
complex concepts condition_variable coroutine deque exception execution
filesystem format forward_list fstream functional future initializer_list
iomanip ios iosfwd iostream istream iterator latch limits list locale map
memory memory_resource mutex new numbers numeric optional ostream queue random
ranges ratio regex scoped_allocator semaphore set shared_mutex source_location
span sstream stack stdexcept stop_token streambuf string string_view
syncstream system_error thread tuple type_traits typeindex typeinfo
unordered_map unordered_set utility valarray variant vector version
cassert cctype cerrno cfenv cfloat cinttypes climits clocale cmath csetjmp
csignal cstdarg cstddef cstdint cstdio cstdlib cstring ctime cuchar cwchar
cwctype
""".split()


def search_dirs(clangxx):
    """The compiler's #include <...> directories, in order."""
    run = subprocess.run([clangxx, "-std=c++20", "-xc++", "-E", "-v", os.devnull,
                          "-o", os.devnull], capture_output=True, text=True)
    lines = run.stderr.splitlines()
    start = lines.index("#include <...> search starts here:") + 1
    end = lines.index("End of search list.")
    return [os.path.normpath(l.strip()) for l in lines[start:end]]


def main(argv):
    clangxx, out, kinds = argv[0], os.path.abspath(argv[1]), argv[2:] or ["std", "boost"]
    links = os.path.join(out, "user-include")
    os.makedirs(links, exist_ok=True)
    flags = ["-std=c++20", "-fsyntax-only"]
    cxx_dirs = [d for d in search_dirs(clangxx) if "c++" in d.split(os.sep)]
    flags.append("-nostdinc++")
    for n, d in enumerate(cxx_dirs):
        link = os.path.join(links, "cxx%d" % n)
        if not os.path.islink(link):
            os.symlink(d, link)
        flags.append("-I" + link)
    boost_root = os.path.join(links, "boost-root")
    os.makedirs(boost_root, exist_ok=True)
    if not os.path.islink(os.path.join(boost_root, "boost")):
        os.symlink("/usr/include/boost", os.path.join(boost_root, "boost"))
    flags.append("-I" + boost_root)

    units = []
    if "std" in kinds:
        units += [("std-" + h, h) for h in STD_HEADERS]
    if "boost" in kinds:
        fiber = "/usr/include/boost/fiber"
        for root, _, files in os.walk(fiber):
            for f in sorted(files):
                # cuda/ and hip/ need those toolkits' headers.
                if (f.endswith(".hpp") and "detail" not in root
                        and os.path.basename(root) not in ("cuda", "hip")):
                    rel = os.path.relpath(os.path.join(root, f), "/usr/include")
                    units.append(("boost-" + rel.replace(os.sep, "-")[:-4], rel))
    entries = []
    src = os.path.join(out, "src")
    os.makedirs(src, exist_ok=True)
    for name, header in sorted(units):
        path = os.path.join(src, name + ".cpp")
        with open(path, "w") as f:
            f.write("#if __has_include(<%s>)\n#include <%s>\n#endif\n" % (header, header))
        entries.append({"directory": src, "file": path,
                        "arguments": ["clang++"] + flags + ["-c", path]})
    with open(os.path.join(out, "compile_commands.json"), "w") as f:
        json.dump(entries, f, indent=2)
    print("%d translation units" % len(entries))


if __name__ == "__main__":
    main(sys.argv[1:])
