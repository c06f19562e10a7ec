#!/usr/bin/python3
"""pyservice-tagged: a release is made from exactly the code its tag names (make upload, make deb-release).

Shipped by create-pyservice as build-aux/pyservice-tagged.py (tool-owned: pyservice update keeps it current;
source and tests: programs/pyservice_tagged.py and programs/tests/ in create-pyservice).

  pyservice-tagged.py [TAG]

Fails (exit 2, one line naming what differs and the fix) when a tracked file differs from HEAD (debian/changelog
aside: the release stamps it, over any snapshot stamp), or, with a TAG,
when TAG is no tag of this repository or names another commit than HEAD (annotated or lightweight alike). Without
a TAG only the first check applies: a development upload is still made from committed code. pyservice-release.py
checks the version; this checks that the code is the tagged code: `make upload TAG=v0.6.0` one commit after the
tag, or with an uncommitted edit, uploaded that code as 0.6.0.
"""
import subprocess
import sys

PROG = "pyservice-tagged"


class Failure(Exception):
    pass


def git(*args):
    """git's stdout (stripped), or None when git fails."""
    try:
        r = subprocess.run(["git", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    except OSError:
        raise Failure("git is not installed; releases are made from a git checkout (apt-get install git)")
    return r.stdout.decode("utf-8", "replace").rstrip("\n") if r.returncode == 0 else None


def check(tag):
    head = git("rev-parse", "--verify", "-q", "HEAD^{commit}")
    if head is None:
        raise Failure("this is not a git checkout with a commit; releases are made from one")
    changed = git("status", "--porcelain", "--untracked-files=no")
    # debian/changelog is the release tooling's own: a snapshot stamp on it is replaced by the release's
    # (debian/pyservice-version release), so it is not code that would ship unseen
    files = [line[3:] for line in (changed or "").splitlines() if line[3:] != "debian/changelog"]
    if files:
        shown = ", ".join(files[:5]) + (" and %d more" % (len(files) - 5) if len(files) > 5 else "")
        raise Failure("%s differ%s from the commit (%s): a release is made from committed code only; commit or stash first"
                      % (shown, "s" if len(files) == 1 else "", head[:12]))
    if not tag:
        return
    tagged = git("rev-parse", "--verify", "-q", "refs/tags/%s^{commit}" % tag)
    if tagged is None:
        raise Failure("%s is no tag of this repository (git tag -l lists them); tag the commit to release: git tag %s" % (tag, tag))
    if tagged != head:
        raise Failure("tag %s is commit %s, but this checkout is at %s: a release is made from the tagged commit only; git checkout %s first (or tag this commit with a new version)"
                      % (tag, tagged[:12], head[:12], tag))


def main(argv):
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: pyservice-tagged.py [TAG]", file=sys.stderr)
        return 2
    try:
        check(argv[0] if argv else "")
    except Failure as err:
        print("%s: %s" % (PROG, err), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
