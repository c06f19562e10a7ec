"""Unit tests of build-aux/pyservice-lock.py (programs/pyservice_lock.py): pip's report to requirements.lock."""
import contextlib
import io
import json
import os
import tempfile
import unittest

import pyservice_lock as pl


def item(name, version, **archive):
    return {"metadata": {"name": name, "version": version}, "download_info": {"url": "https://i.example/%s.whl" % name, "archive_info": archive}}


class Lock(unittest.TestCase):
    def run_lock(self, report, project="demo"):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "report.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(report, f)
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = pl.main(["pyservice-lock.py", path, project])
        return code, out.getvalue(), err.getvalue()

    def test_every_distribution_but_the_project_is_pinned_by_sha256_sorted_by_normalized_name(self):
        code, out, _ = self.run_lock({"install": [
            item("Zope.Interface", "6.0", hashes={"sha256": "aa"}),
            item("Demo", "1.0", hashes={"sha256": "cc"}),
            item("attrs", "23.1.0", hash="sha256=bb"),
        ]})
        self.assertEqual(code, 0)
        body = [line for line in out.splitlines() if not line.startswith("#")]
        self.assertEqual(body, ["attrs==23.1.0 \\", "    --hash=sha256:bb", "zope-interface==6.0 \\", "    --hash=sha256:aa"])

    def test_a_file_without_sha256_fails_naming_it(self):
        code, out, err = self.run_lock({"install": [item("attrs", "23.1.0", hash="md5=00")]})
        self.assertEqual(code, 1)
        self.assertIn("no sha256 for attrs 23.1.0", err)

    def test_no_dependencies_says_so(self):
        code, out, _ = self.run_lock({"install": [item("demo", "1.0")]})
        self.assertEqual(code, 0)
        self.assertIn("# No third-party dependencies.", out)


if __name__ == "__main__":
    unittest.main()
