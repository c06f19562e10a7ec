"""Runs a helper as `python3 -m MODULE ARG...` would, with the helpers' own bytecode cached outside the project.

Usage: python3 -B run_cached.py MODULE ARG...   (MODULE: a helper in this folder, e.g. pyservice_metadata)

A script is compiled from source on every run, and with -B (nothing written into the project) so is every module
it imports: compiling pyservice_metadata.py and pep517_metadata.py was ~10 ms of each metadata read. Here the
modules of this folder are compiled once into $PYSERVICE_PYCACHE (the caller's cache folder) as checked-hash .pyc
files (PEP 552): each import compares the hash of the source with the one recorded, so an edited or upgraded helper
is compiled afresh (npm installs every file with the same 1985 mtime, which a timestamp .pyc cannot tell apart).
The cache is switched on only while Python's own SourceFileLoader gets one of these modules' code, never while code
runs, so nothing else (the project, its backend) is cached or written. A .pyc is code Python runs, and
XDG_CACHE_HOME may point somewhere shared: the cache is used only when every folder from $PYSERVICE_PYCACHE down
and the .pyc itself belong to this user and are writable by no one else (folders made here are 0700). Without
PYSERVICE_PYCACHE, or when the cache cannot be made or trusted, the modules compile from source as before.
Everything else is Python's own (runpy, importlib, py_compile).
"""
import importlib.machinery
import importlib.util
import os
import stat
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("PYSERVICE_PYCACHE", "")


class CachedLoader(importlib.machinery.SourceFileLoader):
    """SourceFileLoader whose .pyc lives under CACHE (sys.pycache_prefix) and records the source's hash."""

    def get_code(self, fullname):
        saved = sys.pycache_prefix, sys.dont_write_bytecode
        sys.pycache_prefix = CACHE
        try:
            if not hash_pyc(importlib.util.cache_from_source(self.path), self.path):
                sys.pycache_prefix = saved[0]  # not trusted, or none could be made: from source, as without a cache
                return super().get_code(fullname)
            # A stale .pyc is rewritten by importlib in its own (hash-based) form, in its private folder.
            sys.dont_write_bytecode = False
            return super().get_code(fullname)
        finally:
            sys.pycache_prefix, sys.dont_write_bytecode = saved


def hash_pyc(pyc, source):
    """Whether a checked-hash .pyc of `source` can be used at `pyc` (compiled there now when there was none):
    every folder from CACHE down is this user's and private (made so when missing), and so is the file."""
    folder = CACHE
    try:
        os.makedirs(CACHE, 0o700, exist_ok=True)  # its parents as the user's umask makes them: ~/.cache's business
    except OSError:
        return False
    if not private_dir(folder):
        return False
    for part in os.path.relpath(os.path.dirname(pyc), CACHE).split(os.sep):
        folder = os.path.join(folder, part)
        if not private_dir(folder):
            return False
    try:
        st = os.lstat(pyc)
    except FileNotFoundError:
        import py_compile

        try:
            py_compile.compile(source, cfile=pyc, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
            st = os.lstat(pyc)
        except (OSError, py_compile.PyCompileError):
            return False
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and ours_and_private(st)


def private_dir(path):
    """A folder of this user's that no one else can write to (made 0700 when missing)."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return False
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and ours_and_private(st)


def ours_and_private(st):
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


class OwnModules:
    """Finds the modules of this folder (top-level names only) for CachedLoader; everything else is left to Python."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        source = os.path.join(HERE, name + ".py")
        if path is not None or "." in name or not os.path.isfile(source):
            return None
        return importlib.util.spec_from_file_location(name, source, loader=CachedLoader(name, source))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: run_cached.py MODULE ARG...")
    module = sys.argv[1]
    if os.path.isabs(CACHE):
        sys.meta_path.insert(0, OwnModules)
    del sys.argv[1]  # the module sees its own arguments, as under python3 -m
    import runpy

    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
