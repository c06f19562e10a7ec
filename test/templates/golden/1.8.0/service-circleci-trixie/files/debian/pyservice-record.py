#!/usr/bin/python3
"""Make the installed distributions' RECORD files tell the truth about the packaged venv (debian/pyservice.mk).

Usage: pyservice-record.py VENV

pip writes each console script with the build directory's interpreter in its #! line and records that file's
hash in RECORD; dh_virtualenv then rewrites the #! line to /opt/venvs/<package>/bin/python. The recorded hash
and size no longer match the packaged file, and they depend on where the build ran, so two builds of one commit
in two directories gave different .debs. This recomputes the hash and size of every RECORD row whose file
exists, and drops the rows of files that were deleted after installation (direct_url.json, which records the
build directory). Rows that name no hash (RECORD itself, .pyc files) are kept as they are.
"""
import base64
import csv
import glob
import hashlib
import io
import os
import sys


def digest(path):
    with open(path, "rb") as f:
        data = f.read()
    hashed = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return "sha256=" + hashed, str(len(data))


def fix(record):
    site = os.path.dirname(os.path.dirname(record))
    with open(record, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    out = []
    changed = False
    for row in rows:
        if len(row) < 3:
            out.append(row)
            continue
        path = os.path.normpath(os.path.join(site, row[0]))
        if not os.path.lexists(path):
            changed = True
            continue
        if row[1] and os.path.isfile(path):
            new = [row[0], *digest(path)]
            changed = changed or new != row[:3]
            row = new + row[3:]
        out.append(row)
    if changed:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(out)
        tmp = record + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(buf.getvalue())
        os.replace(tmp, record)
    return changed


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: pyservice-record.py VENV")
    records = glob.glob(os.path.join(argv[1], "lib", "python3*", "site-packages", "*.dist-info", "RECORD"))
    if not records:
        sys.exit(f"pyservice-record.py: no installed distribution under {argv[1]}/lib")
    for record in records:
        fix(record)


if __name__ == "__main__":
    main(sys.argv)
