#!/usr/bin/python3
"""Turn pip's installation report into a hash-locked requirements file (make lock).

Shipped by create-pyservice as build-aux/pyservice-lock.py (source and tests: programs/ in create-pyservice).

Usage: pyservice-lock.py REPORT.json PROJECT-NAME > requirements.lock

REPORT.json is what `pip install --dry-run --ignore-installed --report REPORT.json -r requirements.txt .`
wrote: pip's own resolver chose every distribution (pip >= 22.2; `pip lock` from pip 25.1 writes pylock.toml
instead). The project itself is left out (the build installs its own wheel); every other file must come with
a sha256 from the index, or this fails naming it.
"""
import json
import re
import sys


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256_of(item):
    info = item.get("download_info", {})
    archive = info.get("archive_info", {})
    hashes = archive.get("hashes") or {}
    if "sha256" in hashes:
        return hashes["sha256"]
    legacy = archive.get("hash", "")
    if legacy.startswith("sha256="):
        return legacy[len("sha256="):]
    return None


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        report = json.load(f)
    project = normalize(argv[2])
    lines = []
    for item in report.get("install", []):
        name = normalize(item["metadata"]["name"])
        if name == project:
            continue
        version = item["metadata"]["version"]
        digest = sha256_of(item)
        if not digest:
            url = item.get("download_info", {}).get("url", "?")
            sys.stderr.write(f"make lock: no sha256 for {name} {version} ({url}): the index must publish hashes, or pin a file that has one\n")
            return 1
        lines.append(f"{name}=={version} \\\n    --hash=sha256:{digest}\n")
    sys.stdout.write(
        "# requirements.lock: the deploy set, every file pinned by its sha256, written by `make lock` (pip's own\n"
        "# resolver: pip install --dry-run --report) from setup.py's install_requires and requirements.txt's pins.\n"
        "# Do not edit it by hand: change those two files and run `make lock`.\n"
    )
    sys.stdout.write("".join(sorted(lines)) if lines else "# No third-party dependencies.\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
