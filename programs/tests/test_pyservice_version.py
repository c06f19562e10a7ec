"""Unit tests of debian/pyservice-version (programs/pyservice_version.py): the pure parts, no dpkg or git.

Run: python3 -m unittest discover -s programs (npm test runs it through test/programs/unittest.test.ts). The
whole program, with dpkg-parsechangelog and git, is tested in test/versions/.
"""
import io
import sys
import unittest
from unittest import mock

import pyservice_version as pv

CHANGELOG = """demo (1.1.0) UNRELEASED; urgency=low

  * Next.

 -- Team Lead <lead@example.org>  Sun, 22 Nov 2026 10:30:00 +0000

demo (1.0.0) stable; urgency=medium

  * First.

 -- Team Lead <lead@example.org>  Sat, 21 Nov 2026 10:30:00 +0000"""


class ToDeb(unittest.TestCase):
    def test_pep440_forms_keep_their_order_in_debian_spelling(self):
        for tag, deb in [
            ("v1.2", "1.2.0"),
            ("1.2.3.4.0", "1.2.3.4"),
            ("1.2.0-rc.1", "1.2.0~rc1"),
            ("1.2.0.dev3", "1.2.0~~dev3"),
            ("1.2.0rc1.dev2", "1.2.0~rc1~dev2"),
            ("1.2.0-1", "1.2.0+post1"),
            ("v2!1.0rc1", "2:1.0.0~rc1"),
            ("1.2.0+Build_007", "1.2.0+local.build.7"),
        ]:
            self.assertEqual(pv.to_deb(tag), deb, tag)

    def test_without_python3_packaging_setuptools_vendored_copy_gives_the_same_forms(self):
        blocked = {name: None for name in list(sys.modules) if name == "packaging" or name.startswith("packaging.")}
        blocked["packaging"] = None
        with mock.patch.dict(sys.modules, blocked):
            version_class = pv.pep440_version_class()[0]
            self.assertNotEqual(version_class.__module__, "packaging.version")
            self.assertEqual([pv.to_deb(t) for t in ("v1.2", "1.2.0-rc.1", "1.2.0.post1.dev2", "x")], ["1.2.0", "1.2.0~rc1", "1.2.0+post1~dev2", None])

    def test_what_is_not_a_tag_is_none(self):
        # packaging itself accepts blanks around a version and folds Unicode case ("po\u017ft" is "post").
        for tag in ["", "v", "1.0 ", " 1.0", "\t1.0", "1.0.po\u017ft1", "1,0", "release-1.0", "1:1.0", "1.0~rc1"]:
            self.assertIsNone(pv.to_deb(tag), repr(tag))

    def test_convert_prints_an_empty_line_and_an_error_per_bad_tag_and_exits_2(self):
        out, err = io.StringIO(), io.StringIO()
        self.assertEqual(pv.convert(["1.0", "nope", "2rc1"], out, err), 2)
        self.assertEqual(out.getvalue(), "1.0.0\n\n2.0.0~rc1\n")
        self.assertIn('invalid tag "nope"', err.getvalue())
        self.assertEqual(pv.convert(["1.0"], io.StringIO(), io.StringIO()), 0)


class ChangelogText(unittest.TestCase):
    def test_first_entry_ends_at_its_trailer(self):
        self.assertEqual(pv.first_entry(CHANGELOG), CHANGELOG.split("\n\ndemo (1.0.0)")[0])

    def test_drop_top_entry_leaves_the_rest_without_leading_blank_lines(self):
        self.assertTrue(pv.drop_top_entry(CHANGELOG).startswith("demo (1.0.0) stable;"))
        self.assertEqual(pv.drop_top_entry(pv.first_entry(CHANGELOG)), "")

    def test_finalize_rewrites_header_and_trailer_and_keeps_text_and_urgency(self):
        got = pv.finalize_top_entry(CHANGELOG, "1.1.0", "staging", " -- R <r@example.org>  Mon, 23 Nov 2026 00:00:00 +0000")
        lines = got.split("\n")
        self.assertEqual(lines[0], "demo (1.1.0) staging; urgency=low")
        self.assertEqual(lines[2], "  * Next.")
        self.assertEqual(lines[4], " -- R <r@example.org>  Mon, 23 Nov 2026 00:00:00 +0000")
        self.assertEqual(lines[5:], CHANGELOG.split("\n")[5:])

    def test_finalize_gives_a_header_without_urgency_the_default(self):
        self.assertTrue(pv.finalize_top_entry("demo (1) x\n\n -- a  b", "2", "staging", " -- t").startswith("demo (2) staging; urgency=medium"))

    def test_a_snapshot_entry_is_development_with_a_time_and_a_commit(self):
        self.assertTrue(pv.is_snapshot({"dist": "development", "version": "1.0.0+0~20261122103000+gitabc1234"}))
        self.assertFalse(pv.is_snapshot({"dist": "staging", "version": "1.0.0+0~20261122103000+gitabc1234"}))
        self.assertFalse(pv.is_snapshot({"dist": "development", "version": "1.0.0~2026112210300+gitabc1234"}))


class Stamps(unittest.TestCase):
    def test_maintainer_from_debemail_debfullname_or_the_top_entry(self):
        top = "Team Lead <lead@example.org>"
        self.assertEqual(pv.maintainer({}, top), top)
        self.assertEqual(pv.maintainer({"DEBEMAIL": " Ann  B <ann@example.org>"}, top), "Ann  B <ann@example.org>")
        self.assertEqual(pv.maintainer({"DEBEMAIL": "ann@example.org", "DEBFULLNAME": "Ann"}, top), "Ann <ann@example.org>")
        self.assertEqual(pv.maintainer({"DEBEMAIL": "ann@example.org"}, top), "Team Lead <ann@example.org>")
        self.assertEqual(pv.maintainer({"DEBEMAIL": "<ann@example.org>"}, top), "Team Lead <ann@example.org>")

    def test_time_from_pyservice_now_then_source_date_epoch_digits_only(self):
        self.assertEqual(pv.now_epoch({"PYSERVICE_NOW": "5", "SOURCE_DATE_EPOCH": "7"}), 5)
        self.assertEqual(pv.now_epoch({"SOURCE_DATE_EPOCH": "7"}), 7)
        with self.assertRaises(pv.Failure) as c:
            pv.now_epoch({"SOURCE_DATE_EPOCH": "-7"})
        self.assertEqual(c.exception.code, 2)

    def test_dates_are_english_utc(self):
        self.assertEqual(pv.rfc5322(1795343400), "Sun, 22 Nov 2026 10:30:00 +0000")
        self.assertEqual(pv.stamp(1795343400), "20261122103000")


class Arguments(unittest.TestCase):
    def test_grammar(self):
        self.assertEqual(pv.parse_args([]), ("show", "", ".", "apply"))
        self.assertEqual(pv.parse_args(["proj"]), ("show", "", "proj", "apply"))
        self.assertEqual(pv.parse_args(["snapshot", "--dry-run", "proj"]), ("snapshot", "", "proj", "dry-run"))
        self.assertEqual(pv.parse_args(["release", "-1", "--print-version"]), ("release", "-1", ".", "print-version"))
        self.assertEqual(pv.parse_args(["release", "--help"]), "help")

    def test_bad_usage_is_exit_2(self):
        for args in (["--nope"], ["release"], ["release", ""], ["show", "a", "b"]):
            with self.assertRaises(pv.Failure, msg=args) as c:
                pv.parse_args(args)
            self.assertEqual(c.exception.code, 2)


if __name__ == "__main__":
    unittest.main()
