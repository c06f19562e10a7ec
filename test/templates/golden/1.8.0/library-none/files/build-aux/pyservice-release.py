#!/usr/bin/python3
"""pyservice-release: the checks and versions of releases (make upload, make deb-release).

Shipped by create-pyservice as build-aux/pyservice-release.py (tool-owned: pyservice update keeps it current;
source and tests: programs/pyservice_release.py and programs/tests/ in create-pyservice).

  version [TAG]          the version a build uploads: with a TAG (v1.2.0), the tag's version, which must equal
                         the project's (`setup.py --version`); without one, <project version>.dev<N>, N the
                         number of commits on HEAD - a PEP 440 development version no release can equal.
  check-tag TAG          fails unless TAG (minus a leading v) equals the project's version.
  check-upload-login     fails unless TWINE_USERNAME and TWINE_PASSWORD are set (the upload login): twine must
                         never fall back to another login (~/.netrc holds the read-only installer's).

Versions are compared as PEP 440 versions by `packaging` (1.2 == 1.2.0, v1.2.0rc1 == 1.2.0rc1): python3-packaging,
else the copy setuptools vendors. The project's version is read with $PYTHON (default /usr/bin/python3).
"""
import os
import subprocess
import sys

PROG = "pyservice-release"
USAGE = "usage: pyservice-release.py version [TAG] | check-tag TAG | check-upload-login"


class Failure(Exception):
    pass


def pep440_version_class():
    """packaging.version.Version: python3-packaging, else the copy python3-setuptools vendors."""
    try:
        from packaging.version import InvalidVersion, Version
    except ImportError:
        try:
            from pkg_resources.extern.packaging.version import InvalidVersion, Version
        except ImportError:
            try:
                import setuptools  # noqa: F401  setuptools >= 71 puts its vendored packages on sys.path

                from packaging.version import InvalidVersion, Version
            except ImportError:
                raise Failure("comparing versions needs packaging: install python3-packaging (or python3-setuptools)")
    return Version, InvalidVersion


def parse(version):
    """The PEP 440 version, or None. A tag is ASCII without blanks (packaging would allow blanks around it)."""
    Version, InvalidVersion = pep440_version_class()
    if not version.isascii() or version != version.strip():
        return None
    try:
        return Version(version)
    except InvalidVersion:
        return None


def tag_version(tag, project):
    """The tag's version (the tag minus a leading v) when it equals the project's, else Failure naming both."""
    wanted = parse(tag)
    if wanted is None:
        raise Failure("tag %r is not v + a PEP 440 version (e.g. v1.2.0)" % tag)
    if wanted != parse(project):
        bare = tag.lstrip("vV")
        raise Failure(
            "tag %s does not match the project's version %s: set __version__ to %s in a commit, then tag that commit"
            " (git tag -d %s; git tag %s <commit>)" % (tag, project, bare, tag, tag)
        )
    return tag[1:] if tag[:1] in "vV" else tag


def development_version(project, commits):
    """<project version>.dev<commits>: a version no release of the project can equal."""
    if ".dev" in project:
        raise Failure("the project's version %s is already a development version" % project)
    return "%s.dev%d" % (project.split("+", 1)[0], commits)


def project_version(env):
    python = env.get("PYTHON") or "/usr/bin/python3"
    r = subprocess.run([python, "setup.py", "--version"], env={**env, "PYSERVICE_DIST_VERSION": ""}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    lines = r.stdout.decode("utf-8", "replace").strip("\n").split("\n")
    if not lines[-1]:  # the last line printed is the version (setup.py may print more before it)
        raise Failure("cannot read the project's version (python3 setup.py --version)")
    return lines[-1]


def commit_count():
    r = subprocess.run(["git", "rev-list", "--count", "HEAD"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        raise Failure("not a git checkout with history: a development version counts commits (CI: fetch the full history)")
    return int(r.stdout)


def main(args, env, out):
    command = args[0] if args else ""
    if command == "version":
        tag = args[1] if len(args) > 1 else ""
        project = project_version(env)
        out.write((tag_version(tag, project) if tag else development_version(project, commit_count())) + "\n")
    elif command == "check-tag":
        if len(args) < 2 or not args[1]:
            raise Failure("no tag: run it on a tagged commit, or name one (TAG=v1.2.0)")
        tag_version(args[1], project_version(env))
    elif command == "check-upload-login":
        if not (env.get("TWINE_USERNAME") and env.get("TWINE_PASSWORD")):
            raise Failure(
                "TWINE_USERNAME and TWINE_PASSWORD are not both set: the upload needs the index login that may upload"
                " (CI: the PYPI_UPLOAD_USER / PYPI_UPLOAD_PASSWORD secrets). Refusing to let twine fall back to"
                " ~/.netrc's read-only login"
            )
    else:
        sys.stderr.write(USAGE + "\n")
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:], dict(os.environ), sys.stdout))
    except Failure as e:
        sys.stdout.flush()
        sys.stderr.write("%s: %s\n" % (PROG, e))
        sys.exit(1)
