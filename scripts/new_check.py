#!/usr/bin/env python3
"""Creates the file set of a new csp check and adds it to the manifest.

  scripts/new_check.py close-by-receiver "a channel closed by code that receives from it"

writes checks/CloseByReceiverCheck.{h,cpp}, docs/checks/close-by-receiver.md,
test/checks/close-by-receiver.cpp and test/fixtures/close-by-receiver/
{bug,fixed}.cpp, appends the check's line to checks/Checks.def (which
registers it) and regenerates the check tables. The files are starting
points: each says what it still needs.
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

HEADER = """//===--- {cls}.h - csp-{name} {pad}===//

#ifndef CSP_TIDY_{guard}_H
#define CSP_TIDY_{guard}_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {{

/// One paragraph: what the check finds and why it is a bug.
///
/// For the user-facing documentation see docs/checks/{name}.md.
class {cls} : public CspCheck {{
public:
  using CspCheck::CspCheck;

protected:
  void checkModel(ConcurrencyModel &Model) override;
}};

}} // namespace clang::tidy::csp

#endif
"""

SOURCE = """#include "{cls}.h"

namespace clang::tidy::csp {{

void {cls}::checkModel(ConcurrencyModel &Model) {{
  // Query Model.spawns() and Model.factsOf(...); report with diag().
}}

}} // namespace clang::tidy::csp
"""

DOC = """# csp-{name}

One sentence: what the check finds.

## Why it is a bug

## Example

(the bug, from test/fixtures/{name}/bug.cpp, and the fix, from fixed.cpp)

## What it recognises

## What stays silent

## Limitations

## Options

The shared role options (see docs/checks/waitgroup-add-in-task.md#options).

## Silencing

`// NOLINT(csp-{name})` on the reported line, or `-checks=-csp-{name}`.

## Related

The Go analyzer with a similar check, if any.
"""

TEST = """// RUN: %check_csp_tidy %s csp-{name} %t

#include <csp/csp.hpp>

// Positive shapes: lambda at the spawn, lambda in a variable, named function,
// member function, helper function, loop, branch. Each with CHECK-MESSAGES.

// Negative shapes: every idiom the seeds recommend.
"""

FIXTURE = """// {what}
// RUN: %csp_cxx %s -o %t
// RUN: %run_fixture --timeout 20 %t | FileCheck %s
#include <csp/csp.hpp>

int main() {{}}
"""


def main():
    if (len(sys.argv) != 3 or not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", sys.argv[1])
            or not sys.argv[2] or '"' in sys.argv[2]):
        sys.exit('usage: scripts/new_check.py <check-name-without-csp-prefix> "<what it finds>"')
    name, summary = sys.argv[1], sys.argv[2]
    cls = "".join(part.capitalize() for part in name.split("-")) + "Check"
    files = {
        "checks/%s.h" % cls: HEADER.format(
            cls=cls, name=name, guard=cls.upper(),
            pad="-" * max(3, 60 - len(cls) - len(name))),
        "checks/%s.cpp" % cls: SOURCE.format(cls=cls),
        "docs/checks/%s.md" % name: DOC.format(name=name),
        "test/checks/%s.cpp" % name: TEST.format(name=name),
        "test/fixtures/%s/bug.cpp" % name: FIXTURE.format(
            what="The bug: this program must show the catalog's symptom."),
        "test/fixtures/%s/fixed.cpp" % name: FIXTURE.format(
            what="The fix: runs clean, and csp-%s stays silent on it." % name),
    }
    manifest = os.path.join(ROOT, "checks", "Checks.def")
    with open(manifest, encoding="utf-8") as f:
        if '"csp-%s"' % name in f.read():
            sys.exit("new_check: csp-%s is in checks/Checks.def already" % name)
    for path in files:
        if os.path.exists(os.path.join(ROOT, path)):
            sys.exit("new_check: %s exists already" % path)
    for path, text in files.items():
        full = os.path.join(ROOT, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        print("created", path)

    with open(manifest, "a", encoding="utf-8") as f:
        f.write('CSP_CHECK(%s, "csp-%s", "%s")\n' % (cls, name, summary))
    print("added csp-%s to checks/Checks.def" % name)
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "check_manifest.py"), "--write"],
                   check=True)


if __name__ == "__main__":
    main()
