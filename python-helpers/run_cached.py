"""Runs a helper as `python3 -m MODULE ARG...` would, with the helpers' own bytecode cached outside the project.

Usage: python3 -B run_cached.py MODULE ARG...   (MODULE: a helper in this folder, e.g. pyservice_metadata)

A script is compiled from source on every run, and with -B (nothing written into the project) so is every module
it imports: compiling pyservice_metadata.py and pep517_metadata.py was ~10 ms of each metadata read. Here the
modules of this folder are compiled once into $PYSERVICE_PYCACHE (the caller's cache folder) as checked-hash .pyc
files (PEP 552): each import compares the hash of the source with the one recorded, so an edited or upgraded helper
is compiled afresh (npm installs every file with the same 1985 mtime, which a timestamp .pyc cannot tell apart).
The cache is switched on only while Python's own SourceFileLoader gets one of these modules' code, never while code
runs, so nothing else (the project, its backend) is cached or written. Without PYSERVICE_PYCACHE, or when the
folder cannot be written, the modules compile from source as before. Everything else is Python's own (runpy,
importlib, py_compile).
"""
import importlib.machinery
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("PYSERVICE_PYCACHE", "")


class CachedLoader(importlib.machinery.SourceFileLoader):
    """SourceFileLoader whose .pyc lives under CACHE (sys.pycache_prefix) and records the source's hash."""

    def get_code(self, fullname):
        saved = sys.pycache_prefix, sys.dont_write_bytecode
        sys.pycache_prefix = CACHE
        try:
            # A stale .pyc is rewritten by importlib in its own (hash-based) form; with none, importlib would write
            # a timestamp one, so the first is made here and importlib writes nothing unless it exists.
            sys.dont_write_bytecode = not hash_pyc(self.path)
            return super().get_code(fullname)
        finally:
            sys.pycache_prefix, sys.dont_write_bytecode = saved


def hash_pyc(source):
    """Whether a checked-hash .pyc of `source` is in the cache (compiled into it now when it was not)."""
    pyc = importlib.util.cache_from_source(source)
    if os.path.exists(pyc):
        return True
    import py_compile

    try:
        py_compile.compile(source, cfile=pyc, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
    except (OSError, py_compile.PyCompileError):
        return False
    return True


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
