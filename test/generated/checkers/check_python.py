"""Batch checker for fuzzed projects, run with Debian's /usr/bin/python3 (real setuptools).

Reads a JSON list of {"dir", "expect": {name, version, description, author, email}} on stdin and prints a
JSON list of failures. One process for all cases keeps a 1,000-case fuzz run within seconds.
"""
import ast
import configparser
import contextlib
import io
import json
import os
import sys
import tomllib
import warnings

warnings.simplefilter("ignore")
from setuptools import distutils  # noqa: E402  (setuptools' distutils, as `setup.py` would get)
from distutils.core import run_setup  # noqa: E402

FIELDS = ["--name", "--version", "--description", "--author", "--author-email"]
KEYS = ["name", "version", "description", "author", "email"]


def check(case):
    problems = []
    root = case["dir"]
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root)
            if f.endswith(".py"):
                try:
                    with open(path, encoding="utf-8") as fh:
                        ast.parse(fh.read(), path)
                except SyntaxError as e:
                    problems.append("%s: %s" % (rel, e))
            elif f.endswith(".toml"):
                try:
                    with open(path, "rb") as fh:
                        tomllib.load(fh)
                except Exception as e:  # noqa: BLE001
                    problems.append("%s: %s" % (rel, e))
            elif f in ("pip.conf", ".pypirc", "dput.cf"):
                try:
                    configparser.RawConfigParser().read(path, encoding="utf-8")
                except Exception as e:  # noqa: BLE001
                    problems.append("%s: %s" % (rel, e))
    out = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(root)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            run_setup(os.path.join(root, "setup.py"), script_args=FIELDS, stop_after="run")
    except BaseException as e:  # noqa: BLE001 (SystemExit included)
        problems.append("setup.py failed: %r" % (e,))
    finally:
        os.chdir(cwd)
    got = out.getvalue().split("\n")[: len(KEYS)]
    want = [case["expect"][k] for k in KEYS]
    if got != want:
        problems.append("setup.py round trip: got %r, want %r" % (got, want))
    return problems


def main():
    cases = json.load(sys.stdin)
    failures = []
    for case in cases:
        p = check(case)
        if p:
            failures.append({"dir": case["dir"], "problems": p})
    json.dump(failures, sys.stdout)


main()
