"""Answers of packaging and importlib.metadata that the metadata read needs, remembered between runs.

Judging build-system.requires ("flit_core>=3.2,<4": is it installed, and does its version match?) imports
importlib.metadata and packaging.specifiers, ~30 % of a whole read of a flit_core project, where the backend itself
takes less. Both answers are functions of what they are asked and of what is installed, so they are kept in
$PYSERVICE_PYCACHE/verdicts.json and the imports happen only for a question not seen before:

  specifier  (specifier, version)                                      packaging's SpecifierSet.contains
  marker     (marker, the interpreter and the machine: sys.version,    packaging's Marker.evaluate
             os.uname(), sys.platform)
  installed  (distribution, every sys.path folder with its change      importlib.metadata.version
             time and inode: installing, upgrading or removing a
             distribution adds or renames a .dist-info/.egg-info
             entry in one of them, which changes that folder)

packaging and importlib.metadata still give every answer; nothing here interprets a version. Without
PYSERVICE_PYCACHE, or when its folder or the file is not this user's alone (the same rule as run_cached.py's
bytecode), nothing is remembered. The file is replaced atomically (temp file + rename) at exit when a run added an
answer; a damaged one is ignored and rewritten.
"""
import json
import os
import stat
import sys

CACHE = os.environ.get("PYSERVICE_PYCACHE", "")
FILE = "verdicts.json"
LIMIT = 4000  # answers kept; past it the file starts over (a team has a few dozen build requirements)

_memo = None
_added = False


def _private(st):
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _load():
    global _memo
    if _memo is not None:
        return _memo
    _memo = {}
    if not os.path.isabs(CACHE):
        return _memo
    try:
        if not _private(os.lstat(CACHE)):
            return _memo
        fd = os.open(os.path.join(CACHE, FILE), os.O_RDONLY | os.O_NOFOLLOW)
        try:
            st = os.fstat(fd)
            if stat.S_ISREG(st.st_mode) and _private(st):
                data = json.loads(os.read(fd, st.st_size + 1).decode("utf-8"))
                if isinstance(data, dict):
                    _memo = data
        finally:
            os.close(fd)
    except (OSError, ValueError):
        pass
    return _memo


def _save():
    if not _added or not os.path.isabs(CACHE):
        return
    tmp = os.path.join(CACHE, f".{FILE}.{os.getpid()}")
    try:
        if not _private(os.lstat(CACHE)):
            return
        memo = _memo if len(_memo) <= LIMIT else {}
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, json.dumps(memo, ensure_ascii=True, sort_keys=True).encode("ascii"))
        finally:
            os.close(fd)
        os.replace(tmp, os.path.join(CACHE, FILE))
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def remembered(key, compute):
    """compute()'s answer (JSON: a string, a bool or None) for `key`, computed once across runs."""
    global _added
    memo = _load()
    if key in memo:
        return memo[key]
    value = compute()
    memo[key] = value
    if not _added:
        import atexit

        atexit.register(_save)
    _added = True
    return value


def interpreter():
    """What a marker is evaluated against (packaging's default_environment() is made of these)."""
    return "\0".join([sys.version, sys.implementation.name, sys.platform, os.name, *os.uname()])


def installed_state():
    """Every sys.path folder with its change time and inode; a missing one as such."""
    parts = []
    for entry in sys.path:
        try:
            st = os.stat(entry or ".")
            parts.append(f"{entry}:{st.st_ino}:{st.st_mtime_ns}:{st.st_ctime_ns}")
        except OSError:
            parts.append(f"{entry}:-")
    return "\0".join([sys.executable, sys.version, *parts])
