#!/bin/sh
# pyservice-release.sh: the checks and versions of releases (make upload, make deb-release). Shipped by
# create-pyservice (tool-owned: pyservice update keeps it current).
#
#   version [TAG]          the version a build uploads: with a TAG (v1.2.0), the tag's version, which must equal
#                          the project's (`setup.py --version`); without one, <project version>.dev<N>, N the
#                          number of commits on HEAD - a PEP 440 development version no release can equal.
#   check-tag TAG          fails unless TAG (minus a leading v) equals the project's version.
#   check-upload-login     fails unless TWINE_USERNAME and TWINE_PASSWORD are set (the upload login): twine must
#                          never fall back to another login (~/.netrc holds the read-only installer's).
# Versions are compared as PEP 440 versions (1.2 == 1.2.0, v1.2.0rc1 == 1.2.0rc1).
set -eu

prog="pyservice-release"
py=${PYTHON:-/usr/bin/python3}
die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

project_version() {
	PYSERVICE_DIST_VERSION='' "$py" setup.py --version 2>/dev/null | tail -n 1
}

# Prints the tag's version (normalised) when it equals the project's, else fails naming both.
tag_version() {
	tag=$1
	project=$(project_version) || die "cannot read the project's version (python3 setup.py --version)"
	[ -n "$project" ] || die "cannot read the project's version (python3 setup.py --version)"
	"$py" -I -S - "$tag" "$project" <<'PYTHON'
import re, sys
tag, project = sys.argv[1], sys.argv[2]
PEP440 = re.compile(r"^v?(?:(\d+)!)?(\d+(?:\.\d+)*)((?:a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?(?:\+[a-z0-9]+(?:\.[a-z0-9]+)*)?$", re.I)
def key(v):
    m = PEP440.match(v)
    if not m:
        return None
    release = [int(x) for x in m.group(2).split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    return (int(m.group(1) or 0), release, (m.group(3) or "").lower(), (m.group(4) or "").lower(), (m.group(5) or "").lower())
if key(tag) is None:
    sys.exit(f"pyservice-release: tag {tag!r} is not v + a PEP 440 version (e.g. v1.2.0)")
if key(tag) != key(project):
    sys.exit(f"pyservice-release: tag {tag} does not match the project's version {project}: set __version__ to "
             f"{tag.lstrip('vV')} in a commit, then tag that commit (git tag -d {tag}; git tag {tag} <commit>)")
print(tag[1:] if tag[:1] in "vV" else tag)
PYTHON
}

case ${1:-} in
version)
	tag=${2:-}
	if [ -n "$tag" ]; then
		tag_version "$tag"
	else
		project=$(project_version) || die "cannot read the project's version (python3 setup.py --version)"
		n=$(git rev-list --count HEAD 2>/dev/null) || die "not a git checkout with history: a development version counts commits (CI: fetch the full history)"
		case $project in
		*.dev*) die "the project's version $project is already a development version" ;;
		esac
		printf '%s.dev%s\n' "${project%%+*}" "$n"
	fi
	;;
check-tag)
	[ -n "${2:-}" ] || die "no tag: run it on a tagged commit, or name one (TAG=v1.2.0)"
	tag_version "$2" >/dev/null
	;;
check-upload-login)
	if [ -z "${TWINE_USERNAME:+set}" ] || [ -z "${TWINE_PASSWORD:+set}" ]; then
		die "TWINE_USERNAME and TWINE_PASSWORD are not both set: the upload needs the index login that may upload (CI: the PYPI_UPLOAD_USER / PYPI_UPLOAD_PASSWORD secrets). Refusing to let twine fall back to ~/.netrc's read-only login"
	fi
	;;
*)
	echo "usage: pyservice-release.sh version [TAG] | check-tag TAG | check-upload-login" >&2
	exit 2
	;;
esac
