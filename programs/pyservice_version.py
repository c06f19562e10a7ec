#!/usr/bin/python3
"""pyservice-version: stamps debian/changelog with the version of a snapshot or release build.

Shipped by create-pyservice as debian/pyservice-version (from programs/pyservice_version.py in create-pyservice's
source; its tests are programs/tests/test_pyservice_version.py); `pyservice version` runs this same program.
Needs dpkg-dev (dpkg-parsechangelog, dpkg --compare-versions), git (snapshot) and PEP 440 parsing from
`packaging` (python3-packaging), else the copy setuptools vendors (python3-setuptools).

Why not dch: with an UNRELEASED top entry `dch -v` merges into it instead of adding an entry, it writes local
time, ignores SOURCE_DATE_EPOCH, falls back to user@host for the maintainer and stops at a "Press RETURN"
prompt on warnings. Writing the entry here is a few lines; dpkg-parsechangelog checks the result before the
atomic rename.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

PROG = "pyservice-version"

USAGE = """\
Usage: pyservice-version [show] [DIR]
       pyservice-version snapshot [--dry-run|--print-version] [DIR]
       pyservice-version release TAG [--dry-run|--print-version] [DIR]
       pyservice-version convert TAG...

Debian versions for every build; DIR is the project (default .), its debian/changelog the version of record.

  show       print the top version of debian/changelog (the default)
  snapshot   default-branch builds: add an entry <version>~<UTC YYYYMMDDHHMMSS>+git<short sha>, distribution
             development. A released top version (distribution not UNRELEASED) gets +0 first, so that
             1.0.0 < 1.0.0+0~... < 1.0.1. A previous snapshot entry on top is replaced, not stacked.
  release    tag builds: TAG minus a leading v must be a PEP 440 version; its Debian form (which keeps PEP 440's
             order: 1.2.0rc1 -> 1.2.0~rc1, 1.2.0.dev1 -> 1.2.0~~dev1, 1.2.0.post1 -> 1.2.0+post1, 1!2.0 -> 1:2.0.0,
             1.2 -> 1.2.0) must not be lower than the top version. An UNRELEASED top entry becomes the release
             (its text kept); otherwise a new entry is added. Distribution: staging.
  convert    print the Debian form of each TAG, one a line (an empty line and an error for an invalid one)

  --dry-run         print the entry, write nothing
  --print-version   print only the computed version, write nothing

Environment: DEBEMAIL ("Name <email>" or "email", with DEBFULLNAME) names the maintainer, else the top entry's
maintainer does. PYSERVICE_NOW or SOURCE_DATE_EPOCH (seconds since 1970) fix the time, PYSERVICE_GIT_SHA the
commit (for a tree without .git).
Exit codes: 0 ok, 1 failure (no changelog, not a git repository, missing tool, write error),
2 bad usage or input (unknown option, invalid tag, tag lower than the changelog).
"""


class Failure(Exception):
    """A one-line error and the exit code: 1 failure, 2 bad usage or input."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


# ---- PEP 440 -> Debian version -----------------------------------------------------------------------------------


def pep440_version_class():
    """packaging.version.Version: python3-packaging, else the copy python3-setuptools vendors."""
    try:
        from packaging.version import InvalidVersion, Version
    except ImportError:
        try:
            from pkg_resources.extern.packaging.version import InvalidVersion, Version
        except ImportError:
            import setuptools  # noqa: F401  setuptools >= 71 puts its vendored packages on sys.path

            from packaging.version import InvalidVersion, Version
    return Version, InvalidVersion


def to_deb(tag):
    """The Debian form of a PEP 440 tag (leading v allowed), keeping PEP 440's order; None when invalid.

    dpkg sorts ~ before the end of a string, the end before anything else, letters before other characters,
    and digit runs as numbers.
    """
    Version, InvalidVersion = pep440_version_class()
    # packaging allows surrounding blanks and folds Unicode case; a tag is ASCII without blanks.
    if not tag.isascii() or tag != tag.strip():
        return None
    try:
        v = Version(tag)
    except InvalidVersion:
        return None
    release = list(v.release)
    # PEP 440 says 1.0 == 1.0.0, dpkg says 1.0 < 1.0.0 (and so 1.0 < 1.0.0~rc1): one spelling per release,
    # at least three components, no trailing zeros beyond the third.
    while len(release) > 3 and release[-1] == 0:
        release.pop()
    release += [0] * (3 - len(release))
    out = ".".join(str(x) for x in release)
    if v.epoch:
        out = "%d:%s" % (v.epoch, out)
    if v.pre is not None:  # 1.0a1 < 1.0b1 < 1.0rc1 < 1.0: ~a1 < ~b1 < ~rc1 < end
        out += "~%s%d" % v.pre
    if v.post is not None:  # 1.0 < 1.0.post1 < 1.0.1: end < +post1 < .1
        out += "+post%d" % v.post
    if v.dev is not None:
        # 1.0.dev1 sorts before every pre-release of 1.0 (~~ < ~a); 1.0rc1.dev1 < 1.0rc1, 1.0.post1.dev1 < 1.0.post1.
        out += ("~dev%d" if v.pre is not None or v.post is not None else "~~dev%d") % v.dev
    if v.local is not None:
        # 1.0 < 1.0+anything < 1.0.post0: +local sorts after the end and before +post.
        out += "+local." + v.local
    return out


def invalid_tag(tag):
    return 'invalid tag "%s": not a PEP 440 version after an optional leading v (e.g. v1.2.0, v1.2.0rc1, v1.2.0.post1)' % tag


# ---- changelog text --------------------------------------------------------------------------------------------------


def lines_of(text):
    return text.split("\n")


def drop_top_entry(text):
    """The changelog without its first entry (and the blank lines after it)."""
    out, gone, started = [], False, False
    for line in lines_of(text):
        if gone:
            if not started and not line.strip():
                continue
            started = True
            out.append(line)
        elif line.startswith(" -- "):
            gone = True
    return "\n".join(out).rstrip("\n")


def first_entry(text):
    """The first entry only, through its trailer line."""
    out = []
    for line in lines_of(text):
        out.append(line)
        if line.startswith(" -- "):
            break
    return "\n".join(out).rstrip("\n")


def finalize_top_entry(text, version, dist, trailer):
    """The first entry's header gets the version and distribution (its urgency kept), its trailer line replaced."""
    out, header, done = [], False, False
    for line in lines_of(text):
        if not header and line.strip():
            i = line.find(";")
            rest = line[i:] if i >= 0 else "; urgency=medium"
            out.append("%s (%s) %s%s" % (line.split()[0], version, dist, rest))
            header = True
        elif header and not done and line.startswith(" -- "):
            out.append(trailer)
            done = True
        else:
            out.append(line)
    return "\n".join(out).rstrip("\n")


def new_entry(source, version, dist, changes, trailer, text):
    return "%s (%s) %s; urgency=medium\n\n%s\n\n%s\n\n%s" % (source, version, dist, changes, trailer, text)


def is_snapshot(top):
    """A top entry written by `snapshot`: development, version ending ~<14 digits>+git<hex>."""
    return top["dist"] == "development" and re.search(r"~[0-9]{14}\+git[0-9a-f]+$", top["version"]) is not None


def maintainer(env, top_maint):
    """DEBEMAIL ("Name <email>" or "email" + DEBFULLNAME), else the top entry's maintainer."""
    debemail = env.get("DEBEMAIL", "")
    if not debemail:
        return top_maint
    if "<" in debemail:
        name, email = debemail.split("<", 1)
        email = email.split(">", 1)[0]
    else:
        name, email = "", debemail
    name = name.strip(" \t\n\v\f\r")
    if not name:
        name = env.get("DEBFULLNAME") or top_maint.split(" <", 1)[0]
    return "%s <%s>" % (name, email)


def now_epoch(env):
    for var in ("PYSERVICE_NOW", "SOURCE_DATE_EPOCH"):
        val = env.get(var, "")
        if val:
            if not re.fullmatch(r"[0-9]+", val):
                raise Failure(2, '%s must be seconds since 1970 (digits), not "%s"' % (var, val))
            return int(val)
    return int(time.time())


DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def utc(epoch):
    try:
        return time.gmtime(epoch)
    except (OverflowError, OSError, ValueError):
        raise Failure(1, "date cannot format %d" % epoch)


def rfc5322(epoch):
    """As debian/changelog wants it, in English whatever the locale: "Sun, 22 Nov 2026 10:30:00 +0000"."""
    t = utc(epoch)
    return "%s, %02d %s %d %02d:%02d:%02d +0000" % (DAYS[t.tm_wday], t.tm_mday, MONTHS[t.tm_mon - 1], t.tm_year, t.tm_hour, t.tm_min, t.tm_sec)


def stamp(epoch):
    return time.strftime("%Y%m%d%H%M%S", utc(epoch))


# ---- arguments -------------------------------------------------------------------------------------------------------


def parse_args(args):
    """(subcommand, tag, dir, mode), or "help"; the grammar of the usage text."""
    sub, tag, have_tag, directory, mode, state = "", "", False, "", "apply", "start"
    for arg in args:
        if arg == "--dry-run":
            mode = "dry-run"
        elif arg == "--print-version":
            mode = "print-version"
        elif arg in ("-h", "--help"):
            return "help"
        elif state == "tag":
            tag, have_tag, state = arg, True, "dir"
        elif arg.startswith("-") and len(arg) > 1:
            raise Failure(2, "unknown option %s; see %s --help" % (arg, PROG))
        elif state == "start" and arg in ("show", "snapshot"):
            sub, state = arg, "dir"
        elif state == "start" and arg == "release":
            sub, state = "release", "tag"
        elif state in ("start", "dir"):
            directory, state = arg, "full"
        else:
            raise Failure(2, 'unexpected argument "%s"; see %s --help' % (arg, PROG))
    sub = sub or "show"
    directory = directory or "."
    if sub == "release" and (not have_tag or not tag):
        raise Failure(2, "release needs a TAG, e.g. release v1.2.0 (make deb-release TAG=v1.2.0)")
    return sub, tag, directory, mode


# ---- the tools: dpkg-parsechangelog, dpkg, git ---------------------------------------------------------------------


def read_text(path):
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
        return f.read()


def parse_top(text, changelog):
    """The top entry's fields, as dpkg-parsechangelog reads them."""
    r = subprocess.run(["dpkg-parsechangelog", "-l", "-"], input=(text + "\n").encode("utf-8", "surrogateescape"), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        raise Failure(1, "cannot parse %s; run dpkg-parsechangelog -l %s to see why" % (changelog, changelog))
    fields = {}
    for line in r.stdout.decode("utf-8", "surrogateescape").split("\n"):
        for key, name in (("Source: ", "source"), ("Version: ", "version"), ("Distribution: ", "dist"), ("Maintainer: ", "maint")):
            if line.startswith(key) and name not in fields:
                fields[name] = line[len(key):]
    if not (fields.get("source") and fields.get("version") and fields.get("dist")):
        raise Failure(1, "%s has no valid entry on top; run dpkg-parsechangelog -l %s to see why" % (changelog, changelog))
    fields.setdefault("maint", "")
    return fields


def dpkg_compare(a, rel, b):
    return subprocess.run(["dpkg", "--compare-versions", a, rel, b]).returncode == 0


def git_sha(env, directory):
    sha = env.get("PYSERVICE_GIT_SHA", "")
    if sha:
        if not re.fullmatch(r"[0-9a-f]{4,40}", sha):
            raise Failure(2, 'PYSERVICE_GIT_SHA must be a lowercase hex commit id, not "%s"' % sha)
        return sha
    if shutil.which("git") is None:
        raise Failure(1, "snapshot needs git to name the commit (or set PYSERVICE_GIT_SHA)")
    r = subprocess.run(["git", "-C", directory, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode("utf-8", "replace").strip("\n")
    if r.returncode != 0:
        if "not a git repository" in out:
            raise Failure(1, "%s is not in a git repository; a snapshot version names its commit (set PYSERVICE_GIT_SHA to build from an export)" % directory)
        raise Failure(1, "git rev-parse --short HEAD failed in %s: %s" % (directory, out.split("\n")[0]))
    return out


def write_changelog(directory, changelog, new_text, new_version):
    """Atomically: a temp file beside it (same mode), checked with dpkg-parsechangelog, renamed over the old one."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".changelog.", dir=os.path.join(directory, "debian"))
    except OSError:
        raise Failure(1, "cannot create a temp file in %s/debian" % directory)
    try:
        try:
            with os.fdopen(fd, "wb") as f:
                f.write((new_text + "\n").encode("utf-8", "surrogateescape"))
            shutil.copymode(changelog, tmp)
        except OSError:
            raise Failure(1, "cannot write %s" % tmp)
        r = subprocess.run(["dpkg-parsechangelog", "-l", tmp, "-S", "Version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        got = r.stdout.decode("utf-8", "replace").strip("\n") if r.returncode == 0 else ""
        if got != new_version:
            raise Failure(1, 'the new changelog does not parse as version %s (got "%s"); %s left unchanged' % (new_version, got, changelog))
        try:
            os.replace(tmp, changelog)
        except OSError:
            raise Failure(1, "cannot replace %s" % changelog)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# ---- the commands --------------------------------------------------------------------------------------------------


def convert(tags, out, err):
    if not tags:
        raise Failure(2, "convert needs at least one TAG")
    bad = False
    for tag in tags:
        deb = to_deb(tag)
        if deb is None:
            bad = True
            out.write("\n")
            err.write("%s: error: %s\n" % (PROG, invalid_tag(tag)))
        else:
            out.write(deb + "\n")
    return 2 if bad else 0


def main(args, env, out, err):
    if args[:1] == ["convert"]:
        return convert(args[1:], out, err)
    parsed = parse_args(args)
    if parsed == "help":
        out.write(USAGE)
        return 0
    sub, tag, directory, mode = parsed
    changelog = "debian/changelog" if directory == "." else directory + "/debian/changelog"
    if not os.path.isfile(changelog):
        raise Failure(1, "no %s; run this in a project with a debian/ directory (or pass its DIR)" % changelog)
    if shutil.which("dpkg-parsechangelog") is None:
        raise Failure(1, "dpkg-parsechangelog not found; install dpkg-dev")
    text = read_text(changelog).rstrip("\n")
    top = parse_top(text, changelog)
    if sub == "show":
        out.write(top["version"] + "\n")
        return 0

    # A snapshot entry on top is a build stamp, never the base of the next version: drop it first.
    if is_snapshot(top):
        text = drop_top_entry(text)
        if not text:
            raise Failure(1, "%s holds only a snapshot entry; add a real entry first (dch -v VERSION)" % changelog)
        top = parse_top(text, changelog)

    now = now_epoch(env)
    trailer = " -- %s  %s" % (maintainer(env, top["maint"]), rfc5322(now))
    action = "add"
    if sub == "snapshot":
        sha = git_sha(env, directory)
        base = top["version"] if top["dist"] == "UNRELEASED" else top["version"] + "+0"
        new_version = "%s~%s+git%s" % (base, stamp(now), sha)
        new_dist = "development"
        changes = "  * Snapshot build of commit %s." % sha
    else:
        new_version = to_deb(tag)
        if new_version is None:
            raise Failure(2, invalid_tag(tag))
        new_dist = "staging"
        changes = "  * Release %s." % tag
        if dpkg_compare(new_version, "lt", top["version"]):
            raise Failure(2, "tag %s (Debian version %s) is lower than %s at the top of %s" % (tag, new_version, top["version"], changelog))
        if top["dist"] == "UNRELEASED":
            action = "finalize"
        elif dpkg_compare(new_version, "eq", top["version"]):
            action = "none" if top["dist"] == "staging" else "finalize"

    if action == "add":
        new_text = new_entry(top["source"], new_version, new_dist, changes, trailer, text)
    elif action == "finalize":
        new_text = finalize_top_entry(text, new_version, new_dist, trailer)
    else:
        new_text = text

    if mode == "print-version":
        out.write(new_version + "\n")
    elif mode == "dry-run":
        out.write(first_entry(new_text) + "\n")
    elif action == "none":
        out.write("%s already releases %s (%s); left unchanged\n" % (changelog, new_version, top["dist"]))
    else:
        write_changelog(directory, changelog, new_text, new_version)
        out.write(first_entry(new_text) + "\n")
    return 0


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:], os.environ, sys.stdout, sys.stderr)
    except Failure as e:
        sys.stdout.flush()
        sys.stderr.write("%s: error: %s\n" % (PROG, e))
        code = e.code
    sys.exit(code)
