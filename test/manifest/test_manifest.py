#!/usr/bin/env python3
"""Holds the project to checks/Checks.def: every check it lists is
registered (plugin and driver -list-checks), has its files, and appears in
the generated tables; nothing outside it claims to be a check.

Run by CTest (test `manifest`) with CSP_TIDY, CLANG_TIDY and CSP_PLUGIN set.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import check_manifest  # noqa: E402

CHECKS = check_manifest.read_manifest()
NAMES = {c.name for c in CHECKS}


def listed(command):
    out = subprocess.run(command, capture_output=True, text=True, check=True,
                         cwd=tempfile.gettempdir()).stdout
    return set(re.findall(r"^\s+(csp-[a-z0-9-]+)$", out, re.M))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


class RealTree(unittest.TestCase):
    def test_manifest_is_not_empty_and_has_no_duplicates(self):
        self.assertGreater(len(CHECKS), 0)
        self.assertEqual(len(NAMES), len(CHECKS))
        self.assertEqual(len({c.cls for c in CHECKS}), len(CHECKS))

    def test_class_name_follows_check_name(self):
        for c in CHECKS:
            camel = "".join(p.capitalize() for p in c.short.split("-")) + "Check"
            self.assertEqual(c.cls, camel, c.name)

    def test_every_check_has_its_files(self):
        for c in CHECKS:
            for path in ("checks/%s.h" % c.cls, "checks/%s.cpp" % c.cls,
                         "docs/checks/%s.md" % c.short, "test/checks/%s.cpp" % c.short,
                         "test/fixtures/%s/bug.cpp" % c.short,
                         "test/fixtures/%s/fixed.cpp" % c.short):
                self.assertTrue(os.path.isfile(os.path.join(ROOT, path)),
                                "%s: missing %s" % (c.name, path))

    def test_doc_page_is_titled_by_the_check(self):
        for c in CHECKS:
            self.assertTrue(read("docs/checks/%s.md" % c.short).startswith("# %s\n" % c.name),
                            c.name)

    def test_lit_test_and_bug_fixture_run_the_check(self):
        for c in CHECKS:
            for path in ("test/checks/%s.cpp" % c.short, "test/fixtures/%s/bug.cpp" % c.short):
                self.assertRegex(read(path), r"RUN: %%check_csp_tidy %%s '?%s" % re.escape(c.name),
                                 path)

    def test_no_check_sources_outside_the_manifest(self):
        classes = {c.cls for c in CHECKS}
        for f in os.listdir(os.path.join(ROOT, "checks")):
            m = re.fullmatch(r"(\w+Check)\.(h|cpp)", f)
            if m and m.group(1) != "CspCheck":
                self.assertIn(m.group(1), classes, "checks/%s is not in checks/Checks.def" % f)

    def test_no_check_pages_outside_the_manifest(self):
        for f in os.listdir(os.path.join(ROOT, "docs", "checks")):
            if f.endswith(".md") and f != "README.md":
                self.assertIn("csp-" + f[:-3], NAMES, "docs/checks/%s has no manifest line" % f)

    def test_generated_tables_are_current(self):
        for path, text in check_manifest.expected().items():
            self.assertEqual(read(path), text, "%s is stale: run scripts/check_manifest.py --write" % path)

    def test_libraries_page_has_a_row_per_check(self):
        page = read("docs/libraries.md")
        for c in CHECKS:
            self.assertIn("[%s](checks/%s.md)" % (c.name, c.short), page)

    @unittest.skipUnless(os.environ.get("CSP_TIDY"), "CSP_TIDY not set")
    def test_driver_registers_exactly_the_manifest(self):
        self.assertEqual(listed([os.environ["CSP_TIDY"], "-list-checks"]), NAMES)

    @unittest.skipUnless(os.environ.get("CLANG_TIDY") and os.environ.get("CSP_PLUGIN"),
                         "CLANG_TIDY or CSP_PLUGIN not set")
    def test_plugin_registers_exactly_the_manifest(self):
        self.assertEqual(listed([os.environ["CLANG_TIDY"], "-load", os.environ["CSP_PLUGIN"],
                                 "-checks=-*,csp-*", "-list-checks"]), NAMES)


class ScriptOnATree(unittest.TestCase):
    """check_manifest.py itself, on a scratch copy of the files it reads."""

    def setUp(self):
        self.root = tempfile.mkdtemp()
        os.makedirs(os.path.join(self.root, "checks"))
        os.makedirs(os.path.join(self.root, "docs", "checks"))
        shutil.copy(os.path.join(ROOT, "checks", "Checks.def"), os.path.join(self.root, "checks"))
        shutil.copy(os.path.join(ROOT, "README.md"), self.root)

    def tearDown(self):
        shutil.rmtree(self.root)

    def append(self, line):
        with open(os.path.join(self.root, "checks", "Checks.def"), "a") as f:
            f.write(line + "\n")

    def test_new_entry_changes_both_tables(self):
        before = check_manifest.expected(self.root)
        self.append('CSP_CHECK(SendAfterCloseCheck, "csp-send-after-close", "a send after a close")')
        after = check_manifest.expected(self.root)
        for path in before:
            self.assertNotEqual(before[path], after[path])
            self.assertIn("[csp-send-after-close]", after[path])

    def test_malformed_entry_is_an_error(self):
        self.append('CSP_CHECK(SendAfterCloseCheck, csp-send-after-close)')
        with self.assertRaises(SystemExit) as e:
            check_manifest.read_manifest(self.root)
        self.assertIn("malformed entry", str(e.exception))

    def test_missing_markers_are_an_error(self):
        with open(os.path.join(self.root, "README.md"), "w") as f:
            f.write("# no table here\n")
        with self.assertRaises(SystemExit):
            check_manifest.expected(self.root)

    def test_comment_lines_are_not_entries(self):
        self.append('// CSP_CHECK(NotACheck, "csp-not", "x") is how an entry looks')
        self.assertNotIn("csp-not", {c.name for c in check_manifest.read_manifest(self.root)})


if __name__ == "__main__":
    unittest.main(verbosity=2)
