"""Build requirements from the team's package index, for the metadata read of pyservice_metadata.py.

A project whose pyproject.toml [build-system] requires what Debian's python3 lacks (pdm-backend or uv_build on
bookworm, hatchling>=1.26 where bookworm has 1.12, hatch-fancy-pypi-readme) cannot be read with Debian's packages.
When the team has an index (pyservice deb --index-url, or an index-url in the project's pip.conf), pyservice runs
the helper again with PYSERVICE_BUILD_ENV=1: pip installs build-system.requires from that index into build-env/ in
the read's own temporary folder (removed with it), and that folder goes first on sys.path, as
`python3 -m build`'s isolated environment would give the backend. debian/pyservice.mk (templates 1.4.0) installs
the same requirements the same way before it builds the wheel, so what is read is what is built.

pip is Debian's own wheel (python3-pip-whl: /usr/share/python-wheels/pip-*.whl, which a pip run from its zip
accepts), or the interpreter's pip module. Its index and login come from the environment pyservice gives this
process: PIP_INDEX_URL or PIP_CONFIG_FILE (the project's pip.conf), and ~/.netrc, which pip reads itself.
"""
import glob
import importlib
import os
import re
import subprocess
import sys

WHEELS = "/usr/share/python-wheels"


def pip_command():
    """The argv that runs pip for this interpreter, or None."""

    def version(path):
        m = re.search(r"pip-([0-9.]+)-", os.path.basename(path))
        return [int(p) for p in m.group(1).split(".") if p.isdigit()] if m else []

    wheels = sorted(glob.glob(os.path.join(WHEELS, "pip-*.whl")), key=version)
    if wheels:
        return [sys.executable, os.path.join(wheels[-1], "pip")]
    import importlib.util

    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    return None


def unreachable(output):
    """Why pip could not reach the index at all, from the warnings of its retries (it then says only "No matching
    distribution found", as for a missing package): 'Connection refused', 'Read timed out', an SSL error…"""
    if "Retrying (Retry(" not in output:
        return None
    for pattern in (r"Failed to establish a new connection: \[Errno -?\d+\] ([^'\")]+)", r"(Read timed out[^'\")]*)", r"(SSLError\([^)]*\))", r"(ProxyError\([^)]*\))"):
        m = re.search(pattern, output)
        if m:
            return m.group(1).strip().rstrip(".")[:200]
    return "its connection failed"


def last_error(output):
    """pip's line that says why: its last ERROR line (no matching distribution, a 401…), else its last line."""
    lines = [l.strip() for l in output.splitlines() if l.strip()]
    errors = [l for l in lines if l.startswith("ERROR:")]
    return (errors or lines or ["(no output)"])[-1][:400]


def install(requires, env_dir, where, Failure):
    """pip install --target env_dir the requirements, then env_dir goes first on sys.path. Returns
    ["name version", …] of what the folder holds. A requirement that is no PEP 508 string is refused before pip
    sees it (an option such as '--index-url=…' in build-system.requires would reach pip's command line)."""
    bad = [r for r in requires if not re.match(r"\s*[A-Za-z0-9]", r) or "\n" in r or "\r" in r]
    if bad:
        raise Failure("bad-config", f"pyproject.toml [build-system] requires {bad[0]!r} is not a requirement; fix it (PEP 508, e.g. \"hatchling>=1.26\")")
    pip = pip_command()
    if pip is None:
        raise Failure(
            "missing-backend",
            f"installing the build requirements from {where} needs pip for {sys.executable}: apt-get install python3-pip-whl",
            packages=["python3-pip-whl"],
        )
    command = pip + ["install", "--target", env_dir, "--no-compile", "--no-input", "--disable-pip-version-check", "--progress-bar", "off", "--no-warn-script-location", "--", *requires]
    env = dict(os.environ, PIP_ROOT_USER_ACTION="ignore", PYTHONDONTWRITEBYTECODE="1")
    for k in ("PYSERVICE_BUILD_ENV", "PYSERVICE_BUILD_INDEX_SHOWN"):
        env.pop(k, None)
    done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=env_dir)
    output = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        cause = unreachable(output)
        if cause:
            raise Failure("index-failed", f"pip could not reach {where} to install the build requirements {', '.join(requires)}: {cause}; check the URL, the network and any proxy (http_proxy, https_proxy)", output[-3000:])
        raise Failure(
            "index-failed",
            f"pip could not install the build requirements {', '.join(requires)} from {where}: {last_error(output)}; "
            "check that the index has them and that ~/.netrc holds its login (pyservice login)",
            output[-3000:],
        )
    sys.path.insert(0, env_dir)
    importlib.invalidate_caches()
    return installed(env_dir)


def installed(env_dir):
    """'name version' of each distribution in the folder, from its .dist-info name."""
    out = []
    for info in sorted(glob.glob(os.path.join(env_dir, "*.dist-info"))):
        name, _, version = os.path.basename(info)[: -len(".dist-info")].partition("-")
        out.append(f"{name} {version}")
    return out
