"""Check a merged netrc file with Python's own netrc module: the reader pip uses (through requests).

Usage: python3 netrc_check.py < request.json

The request (on stdin, never argv: it holds passwords) is
  {"before": TEXT, "after": TEXT, "host": HOST, "login": LOGIN, "passwordSha256": HEX}
where `after` is `before` with one login merged in and HEX is the sha256 of the password it must read. The answer is one JSON object on stdout, without any secret:
  {"ok": true}
  {"ok": false, "problem": "before" | "after", "reason": "...", "line": N}   netrc raises NetrcParseError
  {"ok": false, "problem": "host"}                     the host does not read as LOGIN / PASSWORD afterwards
  {"ok": false, "problem": "other-host", "name": H}    another host reads otherwise than before
  {"ok": false, "problem": "macro", "name": M}         a macro reads otherwise than before

Each text is read by netrc.netrc(path), the module's own entry point (text-mode open, its encoding, its lexer),
from an in-memory file (memfd) so the passwords never reach a disk.
"""
import re
import hashlib
import json
import netrc
import os
import sys
import tempfile


def read(text):
    data = text.encode("utf-8")
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("netrc")
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            return netrc.netrc("/proc/self/fd/%d" % fd)
        finally:
            os.close(fd)
    with tempfile.TemporaryDirectory() as d:  # 0700, removed at once
        path = os.path.join(d, "netrc")
        with open(path, "wb", opener=lambda p, f: os.open(p, f, 0o600)) as f:
            f.write(data)
        return netrc.netrc(path)


def check(req):
    parsed = {}
    for which in ("before", "after"):
        try:
            parsed[which] = read(req[which])
        except netrc.NetrcParseError as e:
            # netrc quotes the token it stopped at ("bad follower token 'x'"): that word may be half a password.
            return {"ok": False, "problem": which, "reason": re.sub(r"\s*'.*'", "", e.msg), "line": e.lineno}
    before, after = parsed["before"], parsed["after"]
    got = after.authenticators(req["host"])
    if not got or got[0] != req["login"] or hashlib.sha256(got[2].encode("utf-8")).hexdigest() != req["passwordSha256"]:
        return {"ok": False, "problem": "host"}
    for host, entry in before.hosts.items():
        if host != req["host"] and after.hosts.get(host) != entry:
            return {"ok": False, "problem": "other-host", "name": host}
    for name, body in before.macros.items():
        if after.macros.get(name) != body:
            return {"ok": False, "problem": "macro", "name": name}
    return {"ok": True}


if __name__ == "__main__":
    print(json.dumps(check(json.load(sys.stdin))))
