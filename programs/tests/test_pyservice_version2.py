"""Unit tests of debian/pyservice-version as templates 1.7.0 ship it (programs/pyservice_version2.py).

Its pure parts are those of programs/pyservice_version.py: the earlier program's tests run on this one too. New here:
`local` (a developer's build sorts below every CI build of its changelog version: checked with dpkg
--compare-versions), and a run stopped while it writes debian/changelog (the program run for real, with
dpkg-parsechangelog held at the moment the temp file exists).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock

import pyservice_version2 as pv
from tests import test_pyservice_version as earlier

PROGRAM = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pyservice_version2.py")
PROGRAM_1_6 = os.path.join(os.path.dirname(PROGRAM), "pyservice_version.py")

ENTRY = """demo (%s) %s; urgency=medium

  * Something.

 -- Team Lead <lead@example.org>  Sun, 22 Nov 2026 10:30:00 +0000
"""


def have(tool):
    return shutil.which(tool) is not None


class EarlierTestsStillPass(unittest.TestCase):
    def test_the_1_6_programs_unit_tests_pass_on_this_program(self):
        suite = unittest.TestSuite()
        for case in (earlier.ToDeb, earlier.ChangelogText, earlier.Stamps, earlier.Arguments):
            suite.addTests(unittest.defaultTestLoader.loadTestsFromTestCase(case))
        with mock.patch.object(earlier, "pv", pv):
            with open(os.devnull, "w") as devnull:
                result = unittest.TextTestRunner(stream=devnull).run(suite)
        self.assertEqual(result.testsRun, suite.countTestCases())
        self.assertTrue(result.wasSuccessful(), result.failures + result.errors)


def compare(a, rel, b):
    return subprocess.run(["dpkg", "--compare-versions", a, rel, b]).returncode == 0


@unittest.skipUnless(have("dpkg"), "dpkg --compare-versions is the judge of the order")
class LocalVersion(unittest.TestCase):
    def test_a_local_build_sorts_below_every_snapshot_and_release_of_its_version_and_above_the_last_release(self):
        env = {"PYSERVICE_NOW": "1795343400", "PYSERVICE_GIT_SHA": "fff9999"}
        for v, after in (("0.1.0", "0.1.1"), ("1.0.0~rc1", "1.0.0~rc2"), ("2.1.0+post2", "2.1.1"), ("1:3.0.0~b1", "1:3.0.0"), ("1.2.0~~dev1", "1.2.0~rc1"), ("0.1.0-1", "0.1.0-2")):
            local = pv.local_version({"dist": "UNRELEASED", "version": v}, env, ".")
            self.assertEqual(local, v + "~~local20261122103000+gitfff9999")
            # CI's builds of this changelog: snapshots at any time and commit (before and after the local build),
            # the release of V and later tags, a snapshot after the release (+0), the next version's.
            ci = [
                v + "~20200101000000+git0000000",
                v + "~20261122103000+gitfff9999",
                v + "~29991231235959+gitabc1234",
                v,
                v + "+0~20261122103000+gitabc1234",
                after,
            ]
            for other in ci:
                self.assertTrue(compare(local, "lt", other), "%s < %s" % (local, other))
            # A later local build upgrades an earlier one; a local build upgrades the previous release's builds.
            later = pv.local_version({"dist": "UNRELEASED", "version": v}, dict(env, PYSERVICE_NOW="1795343401"), ".")
            self.assertTrue(compare(local, "lt", later))
        self.assertTrue(compare(pv.local_version({"dist": "UNRELEASED", "version": "0.2.0"}, env, "."), "gt", "0.1.0+0~29991231235959+gitabc1234"))

    def test_the_1_6_form_of_a_local_build_outranked_the_snapshots(self):
        # What templates 1.6.0's make deb built from an UNRELEASED 0.1.0: 0.1.0 itself, above CI's next snapshot.
        self.assertTrue(compare("0.1.0", "gt", "0.1.0~20261122103000+gitabc1234"))

    def test_a_stamped_changelog_builds_its_own_version(self):
        for dist, v in (("development", "0.1.0~20261122103000+gitabc1234"), ("staging", "0.1.0"), ("unstable", "0.1.0")):
            self.assertEqual(pv.local_version({"dist": dist, "version": v}, {}, "."), v)

    def test_local_parses_as_a_subcommand(self):
        self.assertEqual(pv.parse_args(["local"]), ("local", "", ".", "apply"))
        self.assertEqual(pv.parse_args(["local", "proj"]), ("local", "", "proj", "apply"))


@unittest.skipUnless(have("dpkg"), "dpkg --compare-versions is the judge of the order")
class AfterARelease(unittest.TestCase):
    """CI stamps its own checkout only: after tag v0.1.0's release the committed top entry is still 0.1.0 UNRELEASED."""

    def test_snapshots_and_local_builds_after_a_release_tag_sort_above_it_and_below_the_next(self):
        top = {"dist": "UNRELEASED", "version": "0.1.0"}
        env = {"PYSERVICE_NOW": "1795343400", "PYSERVICE_GIT_SHA": "abc1234"}
        for tag, deb in (("v0.1.0", "0.1.0"), ("v0.1.0rc1", "0.1.0~rc1"), ("v0.1.0.post1", "0.1.0+post1")):
            base = pv.snapshot_base(top, (tag, deb))
            self.assertEqual(base, deb + "+0", tag)
            snapshot = base + "~20261122103000+gitabc1234"
            local = pv.local_version(top, env, ".", (tag, deb))
            self.assertEqual(local, deb + "+0~~local20261122103000+gitabc1234")
            self.assertTrue(compare(deb, "lt", local) and compare(local, "lt", snapshot), (deb, local, snapshot))
            self.assertTrue(compare(snapshot, "lt", "0.1.1"))
        # On the tagged commit itself a local build sorts below its release, and above the snapshots before it.
        at_tag = pv.local_version(top, env, ".", ("v0.1.0", "0.1.0"), at_tag=True)
        self.assertEqual(at_tag, "0.1.0~~local20261122103000+gitabc1234")
        self.assertTrue(compare(at_tag, "lt", "0.1.0") and compare(at_tag, "lt", "0.1.0+0~20261122103000+gitabc1234"))
        # 1.6.0's snapshot after the release of 0.1.0 sorted below it.
        self.assertTrue(compare("0.1.0~20261122103000+gitabc1234", "lt", "0.1.0"))

    def test_a_tag_below_the_snapshots_leaves_the_base_alone(self):
        for top, tag in ((("UNRELEASED", "0.2.0"), ("v0.1.0", "0.1.0")), (("UNRELEASED", "0.2.0"), ("v0.2.0.dev1", "0.2.0~~dev1")), (("staging", "0.1.0"), ("v0.1.0", "0.1.0"))):
            top = {"dist": top[0], "version": top[1]}
            self.assertEqual(pv.snapshot_base(top, tag), top["version"] + ("" if top["dist"] == "UNRELEASED" else "+0"))
        self.assertEqual(pv.snapshot_base({"dist": "UNRELEASED", "version": "0.2.0"}, None), "0.2.0")


@unittest.skipUnless(have("git"), "needs git")
class ReleasedTag(unittest.TestCase):
    def test_the_highest_pep440_v_tag_in_heads_history(self):
        d = tempfile.mkdtemp()
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1", HOME=d)

        def git(*args):
            subprocess.run(["git", "-C", d] + list(args), env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        self.assertIsNone(pv.released_tag(d))
        git("init", "-q")
        self.assertIsNone(pv.released_tag(d))
        git("commit", "-q", "--allow-empty", "-m", "one")
        for tag in ("v0.1.0", "v0.2.0rc1", "v0.1.1", "vnext", "v0.10.0.dev1"):
            git("tag", tag)
        git("checkout", "-q", "-b", "side")
        git("commit", "-q", "--allow-empty", "-m", "side")
        git("tag", "-a", "-m", "x", "v9.0.0")
        git("checkout", "-q", "-")
        git("commit", "-q", "--allow-empty", "-m", "two")
        self.assertEqual(pv.released_tag(d), ("v0.10.0.dev1", "0.10.0~~dev1"))
        git("tag", "-a", "-m", "x", "v0.10.0")
        self.assertEqual(pv.released_tag(d), ("v0.10.0", "0.10.0"))
        self.assertTrue(pv.tag_at_head(d, "v0.10.0"))
        self.assertFalse(pv.tag_at_head(d, "v0.1.0"))


class StaleTemps(unittest.TestCase):
    def test_a_dead_runs_temp_and_an_old_1_6_temp_go_the_rest_stays(self):
        d = tempfile.mkdtemp()
        dead = subprocess.Popen(["true"])
        dead.wait()
        names = {
            ".changelog.pyservice-%d.abc_123.tmp" % dead.pid: True,
            ".changelog.pyservice-%d.abc_123.tmp" % os.getppid(): False,  # a live process's
            ".changelog.k2j_x9q0": True,  # 1.6.0's, two hours old
            ".changelog.young123": False,  # 1.6.0's, may still be running
            "changelog": False,
            ".changelog.pyservice-notapid.x.tmp": False,
            ".changelog.toolong123": False,
        }
        for name in names:
            with open(os.path.join(d, name), "w") as f:
                f.write("x")
        old = time.time() - 7200
        os.utime(os.path.join(d, ".changelog.k2j_x9q0"), (old, old))
        gone = pv.remove_stale_temps(d)
        self.assertEqual(gone, sorted(n for n, g in names.items() if g))
        self.assertEqual(sorted(os.listdir(d)), sorted(n for n, g in names.items() if not g))


@unittest.skipUnless(have("dpkg-parsechangelog") and have("git"), "needs dpkg-dev and git")
class Stopped(unittest.TestCase):
    """The program itself, stopped while the temp file exists: dpkg-parsechangelog's check of it is held."""

    def project(self):
        root = tempfile.mkdtemp()
        proj = os.path.join(root, "proj")
        os.makedirs(os.path.join(proj, "debian"))
        self.changelog = os.path.join(proj, "debian", "changelog")
        self.text = ENTRY % ("0.1.0", "UNRELEASED")
        with open(self.changelog, "w") as f:
            f.write(self.text)
        # dpkg-parsechangelog checking the temp file (-l FILE -S Version) says so and waits; otherwise the real one.
        bin_dir = os.path.join(root, "bin")
        os.mkdir(bin_dir)
        self.held = os.path.join(root, "held")
        real = shutil.which("dpkg-parsechangelog")
        with open(os.path.join(bin_dir, "dpkg-parsechangelog"), "w") as f:
            f.write('#!/bin/sh\ncase "$*" in *" -S Version") : > "%s"; exec sleep 30;; esac\nexec %s "$@"\n' % (self.held, real))
        os.chmod(os.path.join(bin_dir, "dpkg-parsechangelog"), 0o755)
        self.env = {"PATH": bin_dir + ":/usr/bin:/bin", "HOME": root, "LANG": "C.UTF-8", "PYSERVICE_GIT_SHA": "abc1234", "PYSERVICE_NOW": "1795343400"}
        return proj

    def start(self, program, proj):
        if os.path.exists(self.held):
            os.unlink(self.held)
        p = subprocess.Popen([sys.executable, "-I", program, "snapshot", proj], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 20
        while not os.path.exists(self.held):
            if p.poll() is not None:
                self.fail("the program ended before writing: %r" % (p.communicate(),))
            self.assertLess(time.time(), deadline, "the program never reached its write")
            time.sleep(0.02)
        return p

    def temps(self, proj):
        return sorted(n for n in os.listdir(os.path.join(proj, "debian")) if n != "changelog")

    def test_sigterm_sigint_sighup_leave_the_changelog_as_it_was_and_no_temp_file(self):
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            proj = self.project()
            p = self.start(PROGRAM, proj)
            p.send_signal(sig)
            _, err = p.communicate(timeout=20)
            self.assertEqual(p.returncode, -sig, err)
            self.assertIn(b"stopped by " + signal.Signals(sig).name.encode(), err)
            self.assertEqual(self.temps(proj), [], sig)
            with open(self.changelog) as f:
                self.assertEqual(f.read(), self.text)

    def test_the_1_6_program_left_its_temp_file_on_sigterm(self):
        proj = self.project()
        p = self.start(PROGRAM_1_6, proj)
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=20)
        left = self.temps(proj)
        self.assertEqual(len(left), 1, left)
        self.assertRegex(left[0], r"^\.changelog\.[a-z0-9_]{8}$")

    def test_a_sigkill_leaves_a_temp_file_the_next_run_removes(self):
        proj = self.project()
        p = self.start(PROGRAM, proj)
        p.kill()
        p.communicate(timeout=20)
        left = self.temps(proj)
        self.assertEqual(left, [n for n in left if pv.TEMP_NAME.match(n)])
        self.assertEqual(len(left), 1)
        with open(self.changelog) as f:
            self.assertEqual(f.read(), self.text)
        os.unlink(os.path.join(os.path.dirname(self.held), "bin", "dpkg-parsechangelog"))
        r = subprocess.run([sys.executable, "-I", PROGRAM, "snapshot", proj], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.temps(proj), [])
        with open(self.changelog) as f:
            self.assertTrue(f.read().startswith("demo (0.1.0~20261122103000+gitabc1234) development;"))


if __name__ == "__main__":
    unittest.main()
