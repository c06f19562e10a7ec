"""Unit tests of build-aux/pyservice-tagged.py (programs/pyservice_tagged.py), on real git repositories."""
import contextlib
import io
import os
import subprocess
import tempfile
import unittest

import pyservice_tagged as pt


def sh(*args, cwd):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Repository(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.old = os.getcwd()
        os.chdir(self.dir)
        env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}
        os.environ.update(env)
        sh("git", "init", "-q", "-b", "main", cwd=self.dir)
        with open("setup.py", "w") as f:
            f.write("v = 1\n")
        sh("git", "add", "setup.py", cwd=self.dir)
        sh("git", "commit", "-q", "-m", "one", cwd=self.dir)
        sh("git", "tag", "-a", "-m", "v0.1.0", "v0.1.0", cwd=self.dir)
        sh("git", "tag", "v0.1.0-light", cwd=self.dir)

    def tearDown(self):
        os.chdir(self.old)
        self.tmp.cleanup()

    def run_main(self, *argv):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = pt.main(list(argv))
        return code, err.getvalue()

    def test_the_tagged_commit_clean_passes_annotated_or_lightweight(self):
        self.assertEqual(self.run_main("v0.1.0"), (0, ""))
        self.assertEqual(self.run_main("v0.1.0-light"), (0, ""))
        self.assertEqual(self.run_main(), (0, ""))

    def test_a_commit_after_the_tag_is_refused_naming_both_commits(self):
        with open("setup.py", "w") as f:
            f.write("v = 2\n")
        sh("git", "commit", "-q", "-am", "two", cwd=self.dir)
        code, err = self.run_main("v0.1.0")
        self.assertEqual(code, 2)
        self.assertRegex(err, r"^pyservice-tagged: tag v0\.1\.0 is commit [0-9a-f]{12}, but this checkout is at [0-9a-f]{12}: .*git checkout v0\.1\.0 first")
        self.assertEqual(self.run_main()[0], 0, "a development upload from a clean later commit is fine")

    def test_an_uncommitted_edit_is_refused_with_or_without_a_tag(self):
        with open("setup.py", "w") as f:
            f.write("v = 3\n")
        for argv in (["v0.1.0"], []):
            code, err = self.run_main(*argv)
            self.assertEqual(code, 2)
            self.assertIn("setup.py differs from the commit", err)
            self.assertIn("commit or stash first", err)

    def test_untracked_files_do_not_count(self):
        with open("dist.tar.gz", "w") as f:
            f.write("x")
        self.assertEqual(self.run_main("v0.1.0"), (0, ""))

    def test_a_snapshot_stamp_on_debian_changelog_does_not_count(self):
        os.mkdir("debian")
        with open("debian/changelog", "w") as f:
            f.write("demo (0.1.0) UNRELEASED; urgency=medium\n")
        sh("git", "add", "debian/changelog", cwd=self.dir)
        sh("git", "commit", "-q", "-m", "debian", cwd=self.dir)
        sh("git", "tag", "v0.2.0", cwd=self.dir)
        with open("debian/changelog", "w") as f:
            f.write("demo (0.1.0~20261129120000+gitabc1234) development; urgency=medium\n")
        self.assertEqual(self.run_main("v0.2.0"), (0, ""))

    def test_an_unknown_tag_and_bad_usage(self):
        code, err = self.run_main("v9.9.9")
        self.assertEqual(code, 2)
        self.assertIn("v9.9.9 is no tag of this repository", err)
        self.assertEqual(self.run_main("--help")[0], 2)
        self.assertEqual(self.run_main("a", "b")[0], 2)


if __name__ == "__main__":
    unittest.main()
