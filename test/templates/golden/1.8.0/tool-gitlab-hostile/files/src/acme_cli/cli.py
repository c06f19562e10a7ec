"""The acme-cli command: parses its arguments, does its work, returns an exit code.

Installed as /usr/bin/acme-cli by the .deb (debian/acme-cli.links) and as a console script by pip.
"""
import argparse
import sys

from . import __version__


def build_parser():
    parser = argparse.ArgumentParser(prog="acme-cli", description="Say \"hi\" & it's `$HOME` \\n 100% $(id) <b> $x} # ünïcødé — ok")
    parser.add_argument("--version", action="version", version="%(prog)s " + __version__)
    parser.add_argument("names", nargs="*", metavar="NAME", help="who to greet (default: world)")
    return parser


def greet(name):
    if not name:
        raise ValueError("name must not be empty")
    return "Hello, %s!" % name


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        for name in args.names or ["world"]:
            print(greet(name))
    except ValueError as err:
        print("%s: %s" % ("acme-cli", err), file=sys.stderr)
        return 2
    return 0
