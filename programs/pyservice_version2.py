#!/usr/bin/python3
"""pyservice-version: stamps debian/changelog with the version of a snapshot or release build.

Shipped by create-pyservice as debian/pyservice-version from templates 1.7.0 on (programs/pyservice_version2.py in
create-pyservice's source; its tests are programs/tests/test_pyservice_version2.py; templates 1.2.0-1.6.0 ship
programs/pyservice_version.py, which stays as they released it); `pyservice version` runs this same program.
What 1.7.0 changed: `local` (the version of a developer's build), snapshots after a release tag sort above it, and a run stopped by SIGTERM, SIGINT or SIGHUP
while it writes leaves debian/changelog as it was and no temp file (one SIGKILL left is removed by the next run).
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
import signal
import subprocess
import sys
import tempfile
import time

PROG = "pyservice-version"

USAGE = """\
Usage: pyservice-version [show] [DIR]
       pyservice-version snapshot [--dry-run|--print-version] [DIR]
       pyservice-version release TAG [--dry-run|--print-version] [DIR]
       pyservice-version local [DIR]
       pyservice-version convert TAG...

Debian versions for every build; DIR is the project (default .), its debian/changelog the version of record.

  show       print the top version of debian/changelog (the default)
  snapshot   default-branch builds: add an entry <version>~<UTC YYYYMMDDHHMMSS>+git<short sha>, distribution
             development. A released top version (distribution not UNRELEASED) gets +0 first, so that
             1.0.0 < 1.0.0+0~... < 1.0.1; so does a release tag (v1.0.0) in HEAD's history that is not below the
             snapshots of the top version (the tag's release is not committed to the changelog).
             A previous snapshot entry on top is replaced, not stacked.
  release    tag builds: TAG minus a leading v must be a PEP 440 version; its Debian form (which keeps PEP 440's
             order: 1.2.0rc1 -> 1.2.0~rc1, 1.2.0.dev1 -> 1.2.0~~dev1, 1.2.0.post1 -> 1.2.0+post1, 1!2.0 -> 1:2.0.0,
             1.2 -> 1.2.0) must not be lower than the top version. An UNRELEASED top entry becomes the release
             (its text kept); otherwise a new entry is added. Distribution: staging.
  local      print the version a developer's build gets (make deb): for an UNRELEASED top version V,
             V~~local<UTC YYYYMMDDHHMMSS>+git<short sha> (no +git part outside git; V as snapshot's base: after a
             release tag, <tag>+0), which sorts below every snapshot and release of V, so CI's builds upgrade
             it; otherwise the top version. Writes nothing.
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
        elif state == "start" and arg in ("show", "snapshot", "local"):
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


TEMP_PREFIX = ".changelog.pyservice-"
TEMP_NAME = re.compile(r"\.changelog\.pyservice-([0-9]+)\.[A-Za-z0-9_]+\.tmp\Z")
# The names templates 1.2.0-1.6.0's program gave its temp files (tempfile.mkstemp(prefix=".changelog.")).
OLD_TEMP_NAME = re.compile(r"\.changelog\.[a-z0-9_]{8}\Z")
OLD_TEMP_AGE = 3600
STOPPING = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Stopped(BaseException):
    """A stopping signal arrived: unwind (the temp file goes), then die of that signal."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame):
    raise Stopped(signum)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale_temps(debian_dir, now=None):
    """Temp files a killed run left (SIGKILL cannot be handled): ours by name and dead pid, and the earlier
    program's .changelog.XXXXXXXX when older than an hour (a run that old is over). Returns the names removed."""
    now = time.time() if now is None else now
    gone = []
    try:
        names = os.listdir(debian_dir)
    except OSError:
        return gone
    for name in names:
        path = os.path.join(debian_dir, name)
        m = TEMP_NAME.match(name)
        try:
            if m:
                if int(m.group(1)) == os.getpid() or alive(int(m.group(1))):
                    continue
            elif not (OLD_TEMP_NAME.match(name) and now - os.lstat(path).st_mtime > OLD_TEMP_AGE):
                continue
            if not os.path.isfile(path) or os.path.islink(path):
                continue
            os.unlink(path)
            gone.append(name)
        except (OSError, ValueError):
            pass
    return sorted(gone)


def write_changelog(directory, changelog, new_text, new_version):
    """Atomically: a temp file beside it (same mode, flushed to disk), checked with dpkg-parsechangelog, renamed over
    the old one. SIGTERM, SIGINT and SIGHUP raise Stopped meanwhile, so the temp file is removed and the changelog is
    either the old one or the new one; the temp file's name holds this process's id, so that the next run removes
    one a SIGKILL left."""
    debian_dir = os.path.dirname(changelog) or "."
    previous = {s: signal.signal(s, _stop) for s in STOPPING}
    tmp = None
    try:
        remove_stale_temps(debian_dir)
        # No signal between creating the file and knowing its name.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
        try:
            fd, tmp = tempfile.mkstemp(prefix="%s%d." % (TEMP_PREFIX, os.getpid()), suffix=".tmp", dir=debian_dir)
        except OSError:
            raise Failure(1, "cannot create a temp file in %s" % debian_dir)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write((new_text + "\n").encode("utf-8", "surrogateescape"))
                f.flush()
                os.fsync(f.fileno())
            shutil.copymode(changelog, tmp)
        except OSError:
            raise Failure(1, "cannot write %s" % tmp)
        r = subprocess.run(["dpkg-parsechangelog", "-l", tmp, "-S", "Version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        got = r.stdout.decode("utf-8", "replace").strip("\n") if r.returncode == 0 else ""
        if got != new_version:
            raise Failure(1, 'the new changelog does not parse as version %s (got "%s"); %s left unchanged' % (new_version, got, changelog))
        try:
            os.replace(tmp, changelog)
            tmp = None
        except OSError:
            raise Failure(1, "cannot replace %s" % changelog)
        try:
            dfd = os.open(debian_dir, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass
    finally:
        if tmp is not None and os.path.lexists(tmp):
            os.unlink(tmp)
        for s, handler in previous.items():
            signal.signal(s, handler)


def released_tag(directory):
    """The highest release tag (v + a PEP 440 version) in HEAD's history and its Debian form, or None (no git, no
    such tag, or a shallow clone that lacks it). CI stamps the changelog of its own checkout only, so after a tag's
    release the committed top entry is still UNRELEASED: the tag is what says the version was released."""
    if shutil.which("git") is None:
        return None
    r = subprocess.run(["git", "-C", directory, "tag", "--merged", "HEAD", "--list", "v[0-9]*"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        return None
    Version = pep440_version_class()[0]
    best = None
    for tag in r.stdout.decode("utf-8", "replace").split("\n"):
        deb = to_deb(tag) if tag else None
        if deb is not None and (best is None or Version(tag) > best[0]):
            best = (Version(tag), tag, deb)
    return (best[1], best[2]) if best else None


def tag_at_head(directory, tag):
    r = subprocess.run(["git", "-C", directory, "tag", "--points-at", "HEAD", "--list", tag], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return r.returncode == 0 and r.stdout.decode("utf-8", "replace").strip() == tag


def snapshot_base(top, tagged):
    """What a snapshot's version starts with: the top version while UNRELEASED, +0 after a released one; and
    <tag>+0 when a release tag in HEAD's history sorts at or above the snapshots of that base, so that the
    snapshots after a release sort above it (templates 1.6.0's were 1.2.0~<time> after the release of 1.2.0)."""
    base = top["version"] if top["dist"] == "UNRELEASED" else top["version"] + "+0"
    if tagged is not None and dpkg_compare(tagged[1], "ge", base + "~0"):
        base = tagged[1] + "+0"
    return base


def local_version(top, env, directory, tagged=None, at_tag=False):
    """The version of a developer's build (make deb): below every snapshot and release of an UNRELEASED top
    version; after a release tag, below the snapshots that follow it (<tag>+0~~local...), and on the tagged commit
    itself (at_tag) below that release (<tag>~~local...)."""
    if top["dist"] != "UNRELEASED":
        return top["version"]
    base = snapshot_base(top, tagged)
    if at_tag and tagged is not None and base == tagged[1] + "+0":
        base = tagged[1]
    version = "%s~~local%s" % (base, stamp(now_epoch(env)))
    sha = env.get("PYSERVICE_GIT_SHA", "")
    if not sha and shutil.which("git") is not None:
        r = subprocess.run(["git", "-C", directory, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        sha = r.stdout.decode("utf-8", "replace").strip() if r.returncode == 0 else ""
    if sha and re.fullmatch(r"[0-9a-f]{4,40}", sha):
        version += "+git" + sha
    return version


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
    if sub == "local":
        tagged = released_tag(directory)
        version = local_version(top, env, directory, tagged, tagged is not None and tag_at_head(directory, tagged[0]))
        if version != top["version"]:
            err.write("%s: %s is UNRELEASED: a local build, version %s, below every snapshot and release of %s (make deb-snapshot stamps a snapshot)\n" % (PROG, changelog, version, top["version"]))
        out.write(version + "\n")
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
        base = snapshot_base(top, released_tag(directory))
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
    except Stopped as e:
        # Cleaned up; now end as the signal would have ended us, so that make and the shell see it.
        sys.stderr.write("%s: stopped by %s; debian/changelog is whole (the old or the new one) and no temp file is left\n" % (PROG, signal.Signals(e.signum).name))
        sys.stderr.flush()
        signal.signal(e.signum, signal.SIG_DFL)
        os.kill(os.getpid(), e.signum)
        code = 128 + e.signum
    sys.exit(code)
