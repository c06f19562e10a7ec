#!/bin/sh
# Run at the start of a CI job that installs from the private index: `sh ci/index-login.sh`. Writes the
# read-only installer login (secrets PYPI_INSTALL_USER / PYPI_INSTALL_PASSWORD) for the index in pip.conf into a
# netrc file of this job only ($NETRC, else ~/.netrc): written fresh, mode 0600 (a CI job has no entries to
# keep). pip reads it; `make upload` keeps twine away from it. The password never reaches argv or the log.
# Without the secrets, or without an index-url, it does nothing.
set -eu
exec python3 -I - <<'PYTHON'
import configparser, os, re, sys, urllib.parse
user, password = os.environ.get("PYPI_INSTALL_USER"), os.environ.get("PYPI_INSTALL_PASSWORD")
if not (user and password):
    sys.exit(print("ci/index-login.sh: PYPI_INSTALL_USER and PYPI_INSTALL_PASSWORD are not both set: no index login written"))
conf = configparser.RawConfigParser()
conf.read("pip.conf")
url = os.environ.get("PIP_INDEX_URL") or conf.get("install", "index-url", fallback="") or conf.get("global", "index-url", fallback="")
parts = urllib.parse.urlsplit(url)
if "@" in parts.netloc:
    sys.exit("ci/index-login.sh: the index URL holds credentials; put them in the CI secrets PYPI_INSTALL_USER / PYPI_INSTALL_PASSWORD instead")
host = parts.hostname
if not host:
    sys.exit(print("ci/index-login.sh: no index-url in pip.conf: no index login written"))
# Written bare, as `pyservice login` writes ~/.netrc: Python 3.10's netrc (Ubuntu jammy) keeps quotes and
# backslashes in a value and splits at blanks, 3.11+ reads them as quoting, so no other spelling reads alike.
for what, value in (("PYPI_INSTALL_USER", user), ("PYPI_INSTALL_PASSWORD", password)):
    if not re.fullmatch(r"[!-~]+", value) or "\\" in value or value[0] in "\"#":
        sys.exit(f"ci/index-login.sh: {what} holds a blank, a backslash, a non-ASCII or control character, or starts with \" or #: "
                 "Python 3.10's netrc and 3.11+'s would read it differently; use a token without them")
path = os.environ.get("NETRC") or os.path.expanduser("~/.netrc")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.fchmod(fd, 0o600)
os.write(fd, f"machine {host} login {user} password {password}\n".encode())
os.close(fd)
print(f"ci/index-login.sh: the installer login for {host} is in {path}")
PYTHON
