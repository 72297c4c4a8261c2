#!/usr/bin/env python3
"""Writes a compile_commands.json for tests of the driver's -p mode.

usage: make_compile_db.py <build-dir> <source-dir> <file>... -- <flags>...

Each file (relative to source-dir) gets `clang++ <flags> -c <file>`, run
from source-dir, the way CMake writes its entries.
"""
import json
import os
import sys


def main(argv):
    if "--" in argv:
        split = argv.index("--")
        args, flags = argv[:split], argv[split + 1:]
    else:
        args, flags = argv, []
    build, source, files = args[0], os.path.abspath(args[1]), args[2:]
    os.makedirs(build, exist_ok=True)
    entries = [{"directory": source, "file": f,
                "arguments": ["clang++"] + flags + ["-c", f]} for f in files]
    with open(os.path.join(build, "compile_commands.json"), "w") as out:
        json.dump(entries, out, indent=2)


if __name__ == "__main__":
    main(sys.argv[1:])
