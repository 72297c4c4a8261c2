#!/usr/bin/env python3
# A driver that fails the crash corpus both ways: killed by a signal on the
# headers, an internal error (exit 2, allowed for a mutant) on the mutants.
import os
import re
import signal
import sys

if re.search(r"-m[0-9]+\.cpp$", sys.argv[2]):
    print("csp-tidy: error: %s: internal error in csp-double-close" % sys.argv[2])
    sys.exit(2)
os.kill(os.getpid(), signal.SIGSEGV)
