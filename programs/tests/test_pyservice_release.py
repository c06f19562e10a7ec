"""Unit tests of build-aux/pyservice-release.py (programs/pyservice_release.py): version checks, no setup.py."""
import contextlib
import io
import unittest

import pyservice_release as pr


class TagVersion(unittest.TestCase):
    def test_a_tag_equal_to_the_project_version_as_pep_440_gives_the_version_without_v(self):
        for tag, project, want in [("v1.2.0", "1.2.0", "1.2.0"), ("V1.2", "1.2.0", "1.2"), ("1.2.0rc1", "1.2.0c1", "1.2.0rc1"), ("v1!2.0", "1!2.0.0", "1!2.0")]:
            self.assertEqual(pr.tag_version(tag, project), want)

    def test_a_different_version_names_both_and_the_fix(self):
        with self.assertRaises(pr.Failure) as c:
            pr.tag_version("v1.2.1", "1.2.0")
        self.assertIn("tag v1.2.1 does not match the project's version 1.2.0", str(c.exception))
        self.assertIn("set __version__ to 1.2.1", str(c.exception))

    def test_a_tag_that_is_no_pep_440_version_is_refused(self):
        for tag in ["latest", "v1.0 ", "release-1.0", "1.0.po\u017ft1"]:
            with self.assertRaises(pr.Failure, msg=tag) as c:
                pr.tag_version(tag, "1.0")
            self.assertIn("is not v + a PEP 440 version", str(c.exception))


class DevelopmentVersion(unittest.TestCase):
    def test_commits_count_as_dev_number_without_local_label(self):
        self.assertEqual(pr.development_version("1.2.0", 17), "1.2.0.dev17")
        self.assertEqual(pr.development_version("1.2.0+abc", 3), "1.2.0.dev3")
        self.assertLess(pr.parse("1.2.0.dev17"), pr.parse("1.2.0"))

    def test_a_development_project_version_is_refused(self):
        with self.assertRaises(pr.Failure):
            pr.development_version("1.2.0.dev1", 3)


class Commands(unittest.TestCase):
    def test_upload_login_needs_both_twine_variables(self):
        self.assertEqual(pr.main(["check-upload-login"], {"TWINE_USERNAME": "u", "TWINE_PASSWORD": "p"}, io.StringIO()), 0)
        for env in ({}, {"TWINE_USERNAME": "u"}, {"TWINE_USERNAME": "u", "TWINE_PASSWORD": ""}):
            with self.assertRaises(pr.Failure, msg=env):
                pr.main(["check-upload-login"], env, io.StringIO())

    def test_check_tag_needs_a_tag_and_unknown_commands_are_usage(self):
        with self.assertRaises(pr.Failure):
            pr.main(["check-tag", ""], {}, io.StringIO())
        with contextlib.redirect_stderr(io.StringIO()) as err:
            self.assertEqual(pr.main(["nope"], {}, io.StringIO()), 2)
        self.assertIn("usage:", err.getvalue())


if __name__ == "__main__":
    unittest.main()
