"""Read a Python project's metadata the way its build backend publishes it, without building anything.

Usage: python3 pyservice_metadata.py PROJECT_DIR

Two paths, chosen by pyproject.toml's [build-system]:
- setuptools (no pyproject.toml, no build-backend, or setuptools.build_meta): the setup() capture described below,
  which gives setuptools' own metadata without running egg_info (fast, writes nothing).
- any other backend (hatchling, flit_core, poetry-core, pdm…): the PEP 517 hook prepare_metadata_for_build_wheel
  into a temporary directory (or build_wheel there when the backend has no such hook), then METADATA and
  entry_points.txt are read from the result. This is pip's own way of asking (pyproject_hooks' in-process
  script does the same), done in this process so the read stays one subprocess. Whatever the backend leaves in the
  project (build/, *.egg-info…) is removed afterwards.

Run by `pyservice deb` with the interpreter that will build the package (Debian's /usr/bin/python3 by default).
It runs setup.py as `python3 setup.py --name --version` would (cwd = project, script directory first on sys.path,
__name__ == "__main__"), but setuptools.setup / distutils.core.setup are replaced by a function that hands the
arguments to setuptools' own machinery and stops after the config stage: setuptools then applies setup.cfg
([metadata]/[options] with attr:/file:) and pyproject.toml ([project], incl. `dynamic`) with its own readers and
in its own order of authority, and runs plugins such as setuptools_scm. No command runs, so nothing is built, and
setup_requires is never fetched (no pip, no network). Without a setup.py the same function is called with no
arguments, as pip's `setup()` shim does.

Output protocol: exactly one JSON object on the stdout this process was started with. While the project's code
runs, fd 1 points to stderr, so whatever setup.py prints (even from C code or child processes) cannot corrupt it.
  {"ok": true, "metadata": {...}, "sources": [...], "python": "3.11.2", "setuptools": "66.1.1"}
  {"ok": false, "kind": "...", "error": "one line", "detail": "traceback tail or ''"}
Exit status is 0 whenever a JSON object was written.
"""
import json
import os
import re
import sys

sys.path.insert(1, os.path.dirname(os.path.abspath(__file__)))  # pep517_metadata.py, this helper's sibling

# 1. Keep the real stdout for the result; everything else goes to stderr.
RESULT_FD = os.dup(1)
sys.stdout.flush()
os.dup2(2, 1)

# Build helpers that compute metadata: when one is declared but missing, metadata read without it is silently
# wrong (setuptools only warns about an unknown `use_scm_version`), so we stop and name the Debian package.
METADATA_HELPERS = {"setuptools_scm", "pbr"}
# Import name and Debian package of modules setup.py files commonly import, for the "missing module" message.
DEBIAN_PACKAGES = {
    "setuptools_scm": ("setuptools_scm", "python3-setuptools-scm"),
    "pbr": ("pbr", "python3-pbr"),
    "setuptools_rust": ("setuptools_rust", "python3-setuptools-rust"),
    "cython": ("Cython", "cython3"),
    "numpy": ("numpy", "python3-numpy"),
    "cffi": ("cffi", "python3-cffi"),
    "wheel": ("wheel", "python3-wheel"),
    # A module whose distribution is named otherwise: psutils 3.3's setup.py imports build_manpages (argparse-manpage)
    # and was told 'Debian usually packages it as python3-build-manpages', which no release has
    "build_manpages": ("argparse-manpage", "python3-argparse-manpage"),
    "skbuild": ("scikit-build", "python3-skbuild"),
}


class Failure(BaseException):
    """A problem reported as JSON. BaseException, so a setup.py's `except Exception` cannot swallow it."""

    def __init__(self, kind, message, detail="", packages=()):
        super().__init__(message)
        self.kind = kind
        self.detail = detail
        # The Debian packages the message tells to install (in its order): the caller checks them against the
        # machine's apt lists, since a name that is right for one release may not exist in another
        self.packages = list(packages)

    def result(self):
        """The answer the helper prints for it."""
        return {"ok": False, "kind": self.kind, "error": self.args[0], "detail": self.detail, "packages": self.packages}


class Captured(BaseException):
    """Raised out of the patched setup() to stop setup.py right there (BaseException: `except Exception` in
    setup.py cannot swallow it)."""

    def __init__(self, dist):
        super().__init__()
        self.dist = dist


class Interrupted(KeyboardInterrupt):
    """SIGTERM, SIGINT or SIGHUP (pyservice's deadline, Ctrl-C, or the parent gone): raised where the project's code
    runs, so the cleanups in `finally` (the temporary folder, what the backend left in the project) happen before
    this process ends. A KeyboardInterrupt, so the `except Exception` of a setup.py or backend lets it through."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def stop_on_signals():
    """Turns the stop signals into Interrupted, once each run (the group signal that follows reaches us too), and
    watches the parent: when pyservice itself is killed (SIGKILL cannot be handled) this process would run on,
    an orphan holding the project, so it then signals its own group (what the backend started) and itself."""
    import signal

    def stop(signum, frame):
        for s in STOP_SIGNALS:
            signal.signal(s, signal.SIG_IGN)
        raise Interrupted(signum)

    STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    for s in STOP_SIGNALS:
        signal.signal(s, stop)
    marker = os.environ.get("PYSERVICE_RUN", "")  # "<pyservice's pid>.<n>" (src/exec/run.ts)
    parent = int(marker.split(".")[0]) if marker.split(".")[0].isdigit() else os.getppid()

    def watch():
        import time

        while os.getppid() == parent:
            time.sleep(0.2)
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpid(), signal.SIGTERM)
        else:
            os.kill(os.getpid(), signal.SIGTERM)

    import _thread

    _thread.start_new_thread(watch, ())


def end_interrupted(err):
    """After the cleanups: whatever is left of the group this process leads goes too (it is the run's own)."""
    import signal

    if os.getpgrp() == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(128 + err.signum)


def emit(obj):
    # A lone surrogate (a file name that is not UTF-8, as os.listdir decodes it; a "\udcff" in setup.py) cannot be
    # UTF-8: it goes as JSON's own \udcff escape, inside the string json.dumps put it in (it crashed the read)
    data = json.dumps(obj, ensure_ascii=False).encode("utf-8", "backslashreplace")
    while data:
        data = data[os.write(RESULT_FD, data):]


def requirement_name(req):
    name = req.strip()
    for sep in "[<>=!~;@ (":
        name = name.split(sep, 1)[0]
    return name.strip().lower().replace("-", "_").replace(".", "_")


def module_available(module):
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require_helper(module, why):
    import_name, package = DEBIAN_PACKAGES[module]
    if module_available(import_name):
        return
    raise Failure(
        "missing-helper",
        f"{why} needs {module}, which {sys.executable} cannot import: apt-get install {package} (or pass --python for an interpreter that has it)",
        packages=[package],
    )


def check_declared_helpers(requires, where):
    if isinstance(requires, str):
        requires = requires.splitlines()
    for req in requires or ():
        mod = requirement_name(str(req))
        if mod in METADATA_HELPERS:
            require_helper(mod, f"this project ({where})")


# Always in debian/control's Build-Depends (the templates list them): not reported again.
ALWAYS_BUILD_DEPENDS = {"python3-setuptools", "python3-wheel", "python3-build"}


def setuptools_build_requires(dist):
    """What building this setuptools project's wheel needs: pyproject.toml [build-system] requires and
    setup_requires (setup.py or setup.cfg), with the Debian packages that give them to Debian's python3, mapped as
    on the PEP 517 path. debian/pyservice.mk builds with --no-isolation, so a clean builder that installs only
    Build-Depends fails without them (tabulate without python3-setuptools-scm: ImportError in build_wheel)."""
    requires = list(BUILD_REQUIRES)
    extra = getattr(dist, "setup_requires", None) or []
    for r in extra.splitlines() if isinstance(extra, str) else extra:
        if str(r).strip() and str(r).strip() not in requires:
            requires.append(str(r).strip())
    if not requires or all(re.match(r"\s*(setuptools|wheel)\s*([<>=!~;\[]|$)", r, re.I) for r in requires):
        return requires, []
    import pep517_metadata

    return requires, [p for p in pep517_metadata.build_packages(requires) if p not in ALWAYS_BUILD_DEPENDS]


def setuptools_unmet(requires, packages):
    """The build requirements Debian's python3 does not meet, judged as on the PEP 517 path, when there is more than
    setuptools and wheel (a plain setup.py never imports pep517_metadata for it). cutadapt 4.7 (trixie source;
    requires Cython >= 0.29.20) read with exit 0 and no word of Cython, and its wheel build stopped at the compiler
    on the _align.c that Cython makes."""
    if not packages:
        return []
    import pep517_metadata

    try:
        return pep517_metadata.unmet_requirements(requires)
    except Exception:
        return []


def pyproject():
    """pyproject.toml (in the cwd: the project) as (table, error), parsed once per read. ({}, None) without the file,
    or without a TOML parser (Python < 3.11 with neither tomli nor setuptools' copy, whose setuptools cannot read
    [project] either); ({}, the exception) when it is no valid TOML: those who need it say so, the rest see none."""
    if not PYPROJECT:
        data, error = {}, None
        tomllib = toml_parser() if os.path.exists("pyproject.toml") else None
        if tomllib is not None:
            try:
                with open("pyproject.toml", "rb") as f:
                    data = tomllib.load(f)
            except Exception as err:
                error = encoding_problem() or err
        PYPROJECT.append((data, error))
    return PYPROJECT[0]


class EncodingProblem(ValueError):
    """pyproject.toml is no UTF-8 text without a byte-order mark: the cause and the fix, said instead of the TOML
    parser's complaint about its first character."""


def encoding_problem(path="pyproject.toml", readers="TOML readers (tomllib, pip, build) reject", fmt="TOML"):
    """Why a config file's bytes are no UTF-8 text for its reader before any of it is parsed, else None. A file saved
    by an editor that writes a byte-order mark (a UTF-8 BOM; UTF-16, as Windows tools save) got only 'Invalid
    statement (at line 1, column 1)' from tomllib (pip and build say the same), and a setup.cfg setuptools'
    'File contains no section headers … '\\ufeff[metadata]'': true, but not what to change."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError:
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        return EncodingProblem(
            f"it starts with a UTF-8 byte-order mark (BOM), which {readers}; "
            f"save it as UTF-8 without a BOM (sed -i '1s/^\\xEF\\xBB\\xBF//' {path})"
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return EncodingProblem(f"it is UTF-16 text (it starts with a UTF-16 byte-order mark), and {fmt} is read as UTF-8; save it as UTF-8 (iconv -f UTF-16 -t UTF-8)")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return EncodingProblem(f"it is not UTF-8 text (byte 0x{raw[err.start]:02x} on line {line}), and {fmt} is read as UTF-8; save it as UTF-8")
    return None


def setup_cfg_failure(err):
    """A setup.cfg setuptools could not read because of its encoding, as a bad-config failure (else None)."""
    import configparser

    if not isinstance(err, (configparser.Error, UnicodeDecodeError)) or not os.path.exists("setup.cfg"):
        return None
    problem = encoding_problem("setup.cfg", "setuptools' setup.cfg reader (configparser; the wheel's build too) rejects", "setup.cfg")
    return Failure("bad-config", f"setup.cfg cannot be read: {problem}") if problem else None


def toml_failure(error):
    """The one message for a pyproject.toml that cannot be read, whichever reader needed it."""
    if isinstance(error, EncodingProblem):
        return Failure("bad-config", f"pyproject.toml cannot be read: {error}")
    return Failure("bad-config", f"pyproject.toml is not valid TOML: {one_line(error)}; fix the file (python3 -c 'import tomllib' reads it the same way)")


PYPROJECT = []


def check_pyproject_helpers():
    data, error = pyproject()
    if error is not None:
        raise toml_failure(error)
    requires = data.get("build-system", {}).get("requires", [])
    if isinstance(requires, list):
        BUILD_REQUIRES[:] = [r for r in requires if isinstance(r, str)]
    check_declared_helpers(requires, "pyproject.toml [build-system] requires")
    if "setuptools_scm" in data.get("tool", {}):
        require_helper("setuptools_scm", "pyproject.toml [tool.setuptools_scm]")
    return isinstance(data.get("project"), dict)


# pyproject.toml's [build-system] requires of a setuptools project, read by check_pyproject_helpers
BUILD_REQUIRES = []


def with_unmet_setuptools(message):
    """A setuptools failure's message with the build requirements Debian's python3 does not meet, an old
    setuptools first: bookworm's 66 rejects a PEP 639 `license = "BSD-3-Clause"` that setuptools>=77 (ijson)
    accepts, with a schema error that does not say why. Judged only after a failure (packaging costs an import)."""
    import pep517_metadata

    try:
        unmet = pep517_metadata.unmet_requirements(BUILD_REQUIRES) if BUILD_REQUIRES else []
    except Exception:
        unmet = []
    try:
        return pep517_metadata.with_unmet(message, unmet, "setuptools", pyproject()[0])
    except Exception:
        return message


def toml_parser():
    try:
        import tomllib

        return tomllib
    except ImportError:
        pass
    for name in ("tomli", "setuptools.extern.tomli"):  # Python < 3.11 (jammy): tomli, or setuptools' vendored copy
        try:
            return __import__(name, fromlist=["loads"])
        except ImportError:
            continue
    return None


SETUPTOOLS_BACKENDS = ("setuptools.build_meta", "setuptools.build_meta:__legacy__")
# Set when pyproject.toml names setuptools.build_meta itself: its hooks run setup.py without the project folder on
# sys.path (only :__legacy__, pip's choice for a project that names no backend, puts it there)
STRICT_BUILD_META = []


def declared_backend():
    """pyproject.toml's [build-system] when it names a backend other than setuptools', else None (setup() capture)."""
    data, error = pyproject()
    if error is not None:
        raise toml_failure(error)
    system = data.get("build-system")
    if not isinstance(system, dict):
        return None
    name = system.get("build-backend")
    if isinstance(name, str) and name.strip() == "setuptools.build_meta":
        STRICT_BUILD_META.append(True)
    if name is None or (isinstance(name, str) and name.strip() in SETUPTOOLS_BACKENDS):
        return None
    if not isinstance(name, str) or not name.strip():
        raise Failure("bad-config", "pyproject.toml [build-system] build-backend is not a module name; fix it (e.g. \"hatchling.build\")")
    requires = system.get("requires", [])
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        raise Failure("bad-config", "pyproject.toml [build-system] requires is not a list of strings; fix it")
    paths = system.get("backend-path", [])
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise Failure("bad-config", "pyproject.toml [build-system] backend-path is not a list of strings; fix it")
    return {"name": name.strip(), "requires": requires, "path": paths, "pyproject": data}


def no_version_file_writes():
    """setuptools_scm writes `write_to` files while computing the version; a read must write nothing."""
    if not module_available("setuptools_scm"):
        return
    import setuptools_scm

    if hasattr(setuptools_scm, "dump_version"):
        setuptools_scm.dump_version = lambda *args, **kwargs: None


# The keywords setup.py passed to setup(), before setuptools drops those no installed plugin knows
SETUP_KEYWORDS = {}


def make_capture(distutils_core, original_setup):
    def capture(**attrs):
        SETUP_KEYWORDS.update(attrs)
        check_declared_helpers(attrs.get("setup_requires"), "setup_requires in setup.py")
        if attrs.get("use_scm_version"):
            require_helper("setuptools_scm", "use_scm_version in setup.py")
        if attrs.get("pbr"):
            require_helper("pbr", "pbr=True in setup.py")
        no_version_file_writes()
        # distutils' own setup() with its documented stop point: Distribution(attrs), then config files.
        distutils_core._setup_stop_after = "config"
        # The command line a keyword hook sees (dist.script_args) is the wheel build's: pbr evaluates a requirement's
        # environment marker on this machine unless 'bdist_wheel' is in it ("we do not want to poison wheel creation
        # with locally evaluated markers"). jenkins-job-builder 6.4 (pbr; requirements.txt "stevedore>=1.17.1;
        # python_version >= '3.0'") read as a plain stevedore>=1.17.1, where its wheel keeps the marker. The command
        # line is never parsed: the capture stops after the config files.
        if "script_args" not in attrs:
            attrs = dict(attrs, script_args=["bdist_wheel"])
        try:
            dist = original_setup(**attrs)
        except SystemExit as err:  # DistutilsSetupError is turned into SystemExit("error in setup command: ...")
            import pep517_metadata

            if pep517_metadata.is_version_failure(str(err.code)):  # pbr reading setup.cfg outside a checkout
                raise Failure("no-version", pep517_metadata.version_failure_message(str(err.code), "setuptools"))
            raise Failure("setup-invalid", with_unmet_setuptools(one_line(str(err.code))))
        finally:
            distutils_core._setup_stop_after = None
        raise Captured(dist)

    return capture


def one_line(text):
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return " / ".join(lines)[:500] if lines else ""


def text_or_none(value):
    """setuptools' placeholders (None, '', 'UNKNOWN') mean the project did not declare the field."""
    if value is None:
        return None
    value = str(value)
    return None if value.strip() in ("", "UNKNOWN") else value


def requirements(dist):
    reqs = getattr(dist, "_orig_install_requires", None) or getattr(dist, "install_requires", None) or []
    try:
        from setuptools import _reqs

        return [str(r) for r in _reqs.parse(reqs)]
    except Exception:
        return [str(r).strip() for r in ([reqs] if isinstance(reqs, str) else reqs) if str(r).strip()]


def extras_items(dist):
    """extras_require as (extra, requirement) pairs, the key's ":marker" moved onto each requirement."""
    for key, reqs in (getattr(dist, "extras_require", None) or {}).items():
        extra, _, marker = str(key).partition(":")
        for r in [reqs] if isinstance(reqs, str) else reqs:
            for line in str(r).splitlines():
                if line.strip():
                    yield extra, f"{line.strip()}; {marker}" if marker else line.strip()


def published_extra(name):
    """An extra's name as this setuptools publishes it (Provides-Extra, and the extra == marker of Requires-Dist):
    setuptools 66 with wheel 0.38 writes borgmatic 1.9's "Apprise" as "apprise" (pkg_resources.safe_extra, loaded
    with setuptools); a setuptools with its own _normalization module uses that."""
    try:
        from setuptools._normalization import safe_extra
    except ImportError:
        safe_extra = getattr(sys.modules.get("pkg_resources"), "safe_extra", None)
    return safe_extra(name) if safe_extra else name


def extras(dist):
    """extras_require as {extra: [requirement]}, named as the wheel names them. A ":marker" key with no extra is
    conditional install_requires (see conditional_requirements). An extra without requirements is still one the
    wheel provides (fontmake 3.9 keeps "lxml": [] and "mutatormath": [] so that fontmake[lxml] installs)."""
    out = {}
    for key in getattr(dist, "extras_require", None) or {}:
        extra = str(key).partition(":")[0]
        if extra:
            out.setdefault(published_extra(extra), [])
    for extra, req in extras_items(dist):
        if extra:
            out[published_extra(extra)].append(req)
    return out


def conditional_requirements(dist, unconditional):
    """extras_require's ':sys_platform=="win32"' keys: the old spelling of install_requires with a marker
    (colorlog, ruamel.yaml). setuptools publishes them as plain Requires-Dist with that marker; setuptools
    versions that move install_requires markers there themselves keep the original list too, so a requirement
    already in `unconditional` is not added twice."""
    same = lambda r: re.sub(r"[\s'\"]", "", r)
    seen = {same(r) for r in unconditional}
    return [req for extra, req in extras_items(dist) if not extra and same(req) not in seen]


def console_scripts(dist, group="console_scripts"):
    return console_scripts_from(getattr(dist, "entry_points", None) or {}, group)


def console_scripts_from(eps, group="console_scripts"):
    """One entry-point group ("console_scripts", or "gui_scripts": on Linux pip makes the same bin/ wrappers) as
    "name = module:func" lines, from setup()'s dict/str/list forms or entry_points.txt text."""
    if isinstance(eps, str):  # setup(entry_points="[console_scripts]\nname = mod:func")
        parsed, section = {}, None
        for line in eps.splitlines():
            line = line.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
                parsed.setdefault(section, [])
            elif section is not None:
                parsed[section].append(line)
        eps = parsed
    items = eps.get(group) or []
    if isinstance(items, str):
        items = items.splitlines()
    elif isinstance(items, dict):
        items = [f"{k} = {v}" for k, v in items.items()]
    out = []
    for item in items:
        item = str(item).strip()
        if not item or item.startswith("#") or "=" not in item:
            continue
        name, target = item.split("=", 1)
        out.append(f"{name.strip()} = {' '.join(target.split())}")
    return out


def published_name(dist):
    """The Name setuptools writes into PKG-INFO/METADATA: egg_info's (safe_name: email_validator → email-validator,
    runs of other characters → '-'), not the raw setup() argument. Asked of egg_info itself, which only reads here."""
    try:
        from setuptools.command.egg_info import egg_info

        return egg_info(dist).name
    except Exception:
        return dist.metadata.name


def published_version(dist):
    """The Version setuptools writes into PKG-INFO/METADATA and the wheel's name: egg_info's tagged version, with
    setup.cfg's [egg_info] tag_build/tag_date (a checkout that keeps tag_build = .dev, as Sphinx's did, builds
    1.0.dev0 from version="1.0"). Asked of egg_info itself, with the options setup.cfg gives it; it only reads here.
    No version stays none (egg_info would make it 0.0.0)."""
    version = dist.metadata.version
    if not version:
        return version
    try:
        return dist.get_command_obj("egg_info").tagged_version()
    except Exception:
        return version


def discover_packages(dist):
    """setuptools' automatic discovery (packages and py_modules a setup() does not list), which every build command
    runs first (Distribution.run_command → set_defaults) and the config stage never reaches: a flat layout with
    several top-level folders (isrcsubmit 2.1.0) read fine and failed only in dpkg-buildpackage. Its error is said
    now; any other exception is left to the build, which reports it in its own words."""
    set_defaults = getattr(dist, "set_defaults", None)
    if not callable(set_defaults):
        return
    try:
        set_defaults()
    except Exception as err:
        if type(err).__name__ != "PackageDiscoveryError":
            return
        first = (str(err).strip().splitlines() or [""])[0].rstrip(".")
        raise Failure(
            "setup-invalid",
            f"setuptools cannot tell which packages the wheel holds ({first}), so building the package would fail: "
            "list them with packages= or py_modules= in setup() (or [tool.setuptools] packages / py-modules in pyproject.toml)",
        )


def build_package_pythons(requires, packages):
    """pep517_metadata.package_pythons, imported only when there are Build-Depends to judge (a plain setuptools read
    loads none of it)."""
    if not packages:
        return {}
    import pep517_metadata

    return pep517_metadata.package_pythons(requires)


PUBLISHED_FIELDS = {
    "description": "Summary",
    "author": "Author",
    "author_email": "Author-email",
    "maintainer": "Maintainer",
    "maintainer_email": "Maintainer-email",
    "url": "Home-page",
    "license": "License",
    "license_expression": "License-Expression",
}


def published_fields(m):
    """The free-text fields as this setuptools writes them into PKG-INFO, which the wheel's METADATA copies: its own
    writer (write_pkg_file), read back with email.parser as every reader of the wheel reads it. The writer is not
    the attribute: setuptools folds a multi-line License with eight blanks (automat 25.4.16's license text, read
    from its LICENSE), cuts a multi-line description at its first line (single_line), and writes an author with a
    newline raw, which ends the headers there. None when the writer fails (the attributes are used then)."""
    import io
    from email.parser import Parser  # loaded already: setuptools.dist imports email

    buf = io.StringIO()
    try:
        m.write_pkg_file(buf)
    except Exception:
        return None
    msg = Parser().parsestr(buf.getvalue())
    return {key: msg.get(header) for key, header in PUBLISHED_FIELDS.items()}


def describe(dist, sources):
    import setuptools

    discover_packages(dist)
    m = dist.metadata
    build_requires, build_packages = setuptools_build_requires(dist)
    written = published_fields(m)
    field = lambda key, attr: text_or_none(written[key] if written is not None else getattr(m, attr, None))  # noqa: E731
    return {
        "ok": True,
        "metadata": {
            "name": text_or_none(published_name(dist)),
            "version": text_or_none(published_version(dist)),
            "description": field("description", "description"),
            "long_description": text_or_none(getattr(m, "long_description", None)),
            "author": field("author", "author"),
            "author_email": field("author_email", "author_email"),
            "maintainer": field("maintainer", "maintainer"),
            "maintainer_email": field("maintainer_email", "maintainer_email"),
            "url": field("url", "url"),
            "license": field("license", "license"),
            # PEP 639 (setuptools >= 77, e.g. from the team's index: index_build_env.py); older ones have none
            "license_expression": field("license_expression", "license_expression"),
            "classifiers": [str(c) for c in (getattr(m, "classifiers", None) or [])],
            "requires_python": text_or_none(getattr(dist, "python_requires", None)),
            "install_requires": requirements(dist) + conditional_requirements(dist, requirements(dist)),
            "extras": extras(dist),
            "console_scripts": console_scripts(dist),
            "gui_scripts": console_scripts(dist, "gui_scripts"),
            # setup.py scripts= files (unidiff's bin/unidiff): pip copies them into bin/, but they are no entry points
            "scripts": [os.path.basename(str(p)) for p in (getattr(dist, "scripts", None) or []) if str(p).strip()],
        },
        # PEP 621 [project.urls] land here, not in `url`: the deb flow takes a Homepage from it.
        "project_urls": {str(k): str(v) for k, v in (getattr(m, "project_urls", None) or {}).items()},
        "sources": sources,
        "backend": {"name": "setuptools.build_meta", "requires": build_requires, "packages": build_packages, "package_pythons": build_package_pythons(build_requires, build_packages), "unmet": setuptools_unmet(build_requires, build_packages), "hook": "setup() capture", "compiled": compiled_code(dist, build_requires), "libraries": ext_libraries(dist)},
        "python": sys.version.split()[0],
        "setuptools": getattr(setuptools, "__version__", "?"),
    }


# Linked by every C extension through the compiler itself, from libc6-dev and gcc: no Build-Depends of their own
TOOLCHAIN_LIBRARIES = {"m", "c", "dl", "pthread", "rt", "util", "stdc++", "gcc_s", "crypt"}


def ext_libraries(dist):
    """The system libraries setup()'s extensions link (Extension(libraries=[…]): quisk's fftw3, asound, pulse,
    portaudio): their headers come from -dev packages that only the packager can name. Those the project builds
    itself (setup(libraries=[(name, info)]) for build_clib) and the toolchain's own are left out."""
    own = {str(lib[0]) for lib in (getattr(dist, "libraries", None) or []) if isinstance(lib, (tuple, list)) and lib}
    out = []
    for ext in getattr(dist, "ext_modules", None) or []:
        for lib in getattr(ext, "libraries", None) or []:
            if isinstance(lib, str) and lib not in own and lib not in TOOLCHAIN_LIBRARIES and lib not in out:
                out.append(lib)
    return out


def compiled_code(dist, requires):
    """What setup() asks to compile: "c" for ext_modules (C, C++, Cython) and cffi_modules, "rust" (with "c":
    PyO3 builds against Python's headers) for setuptools-rust's rust_extensions, or a setuptools-rust build
    requirement (bcrypt 4.2 declares its Rust extension in [tool.setuptools-rust], which bookworm's setuptools-rust
    1.5 does not read). A C extension is judged by ext_modules alone: setup() has them all."""
    kinds = set()
    if requires and any("rust" in r.lower() for r in requires):
        import pep517_metadata

        if "rust" in pep517_metadata.compiled_code("setuptools.build_meta", requires):
            kinds |= {"c", "rust"}
    # cffi_modules as setup() was given them: setuptools drops a keyword no installed plugin handles, and the
    # handler is cffi's own (PyNaCl 1.5 on a python3 without python3-cffi, which its setup_requires brings)
    if getattr(dist, "ext_modules", None) or getattr(dist, "cffi_modules", None) or SETUP_KEYWORDS.get("cffi_modules"):
        kinds.add("c")
    if getattr(dist, "rust_extensions", None):
        kinds |= {"c", "rust"}
    return sorted(kinds)


def missing_build_requirement(module, who, where):
    """(message, Debian package) when the module setup.py failed to import is a declared build requirement that is
    not installed (constantly, partd, donfig: versioneer[toml] in build-system.requires, imported by setup.py; not
    vendored since versioneer 0.28): said as the PEP 517 path says a missing plugin, the other unmet ones after it."""
    import pep517_metadata

    wanted = [r for r in BUILD_REQUIRES if requirement_name(r) == module.lower().replace("-", "_")]
    if not wanted:
        return None
    try:
        unmet = pep517_metadata.unmet_requirements(BUILD_REQUIRES)
    except Exception:
        unmet = []
    name = pep517_metadata.requirement_parts(wanted[0])[0] or module
    if pep517_metadata.installed_version(name) is not None:
        return None  # installed, yet not importable: not this case
    package = pep517_metadata.debian_package(name)
    others = [u for u in unmet if requirement_name(u["requirement"]) != requirement_name(wanted[0])]
    return (
        f"the project's build requirement {wanted[0]} is not installed for {sys.executable} ({where.strip()[1:-1] if where else who} imports {module}): "
        f"apt-get install {package} (or pass --python for an interpreter that has it)"
        + ("; also unmet: " + pep517_metadata.unmet_list(others) if others else ""),
        package,
    )


def failure_from(err, project, who="setup.py"):
    """Turns an exception from setup.py (or setuptools reading setup.cfg/pyproject.toml: `who`) into a one-line
    message that points at the project's code."""
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    mine = [f for f in frames if os.path.abspath(f.filename).startswith(project + os.sep)]
    where = f" ({os.path.relpath(mine[-1].filename, project)} line {mine[-1].lineno})" if mine else ""
    detail = "".join(traceback.format_exception(type(err), err, err.__traceback__)[-6:])
    import pep517_metadata

    unreadable = setup_cfg_failure(err)
    if unreadable:
        unreadable.detail = detail
        return unreadable
    if pep517_metadata.is_version_failure(err):  # setuptools_scm outside a checkout, as under any other backend
        return Failure("no-version", pep517_metadata.version_failure_message(err, "setuptools_scm"), detail)
    # receptor 1.5.5 (trixie source): setup.cfg's version = file: .VERSION, a file its Makefile writes; setuptools reads
    # a missing file as '' and says only "Version loaded from file: .VERSION does not comply with PEP 440: "
    missing = re.match(r"Version loaded from file: (.+?) does not comply with PEP 440: ?$", str(err))
    if missing and not os.path.exists(os.path.join(project, missing.group(1))):
        name = missing.group(1)
        return Failure(
            "setup-failed",
            f"{who} failed: its version = file: {name} names a file the project does not have (its own build writes it first?): "
            f"write the version into {name} (echo 1.2.3 > {name}) and read it again",
            detail,
        )
    if isinstance(err, ModuleNotFoundError) and err.name:
        top = err.name.split(".")[0]
        if STRICT_BUILD_META and who == "setup.py" and (os.path.isfile(os.path.join(project, top, "__init__.py")) or os.path.isfile(os.path.join(project, top + ".py"))):
            return Failure(
                "setup-failed",
                f"setup.py imports {top}, the project's own module{where}, but the backend pyproject.toml names, setuptools.build_meta, "
                f"does not put the project folder on sys.path (pip and build leave it off; only the implicit :__legacy__ backend adds it), so the wheel "
                f"build fails the same way: add sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))) to setup.py before that import, "
                f"or make setup.py not import {top}",
                detail,
            )
        declared = missing_build_requirement(top, who, where)
        if declared:
            return Failure("missing-helper", declared[0], detail, [declared[1]])
        known = DEBIAN_PACKAGES.get(top.lower())
        if known:
            return Failure("missing-helper", f"{who} imports {top}, which {sys.executable} cannot import: apt-get install {known[1]}{where}", detail, [known[1]])
        # Without a setup.py the import came from an attr: directive (version = attr: pkg.__version__), which setuptools
        # evaluates by importing the module only when the value is not a literal it can read from the source
        fix = "make setup.py not import it" if who == "setup.py" else "give the attr: value a literal assignment (__version__ = \"1.2.3\"), which setuptools reads without importing the module"
        return Failure("missing-module", f"{who} failed: no module named {err.name!r} for {sys.executable}{where}; install it for that interpreter (Debian usually packages it as python3-{top.lower().replace('_', '-')}) or {fix}", detail)
    return Failure("setup-failed", with_unmet_setuptools(f"{who} failed: {type(err).__name__}: {one_line(err) or '(no message)'}{where}") + pep517_metadata.scm_option_fix(err), detail)


def refuse_non_package():
    """A poetry project with package-mode = false is an application whose dependencies poetry installs: no backend
    builds a package from it (poetry-core 1.4 looked for a package named after the project and failed with
    ModuleOrPackageNotFound), so nothing could go into a .deb's venv."""
    tool = pyproject()[0].get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict) and poetry.get("package-mode") is False:
        raise Failure(
            "bad-config",
            "pyproject.toml sets [tool.poetry] package-mode = false: poetry builds no package from this project, so a .deb would have"
            " nothing to install; to package it, remove package-mode = false (poetry then builds the package [tool.poetry] names)",
        )


def pyproject_has_tool(name):
    """Whether pyproject.toml (in the cwd) has a [tool.NAME] table."""
    tool = pyproject()[0].get("tool")
    return isinstance(tool, dict) and isinstance(tool.get(name), dict)


def subproject_hint(project, depth=2, shown=3):
    """'; the Python project is in hypothesis-python/ (setup.py): pyservice deb …/hypothesis-python' for the
    folders (at most `depth` down, hidden ones, tests and docs skipped) that hold a setup.py, or a pyproject.toml
    with a [project] or [build-system] table; else the general advice."""
    tomllib = toml_parser()
    found = []
    for root, dirs, files in os.walk(project):
        level = root[len(project):].count(os.sep)
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")) and d not in {"node_modules", "venv", "tests", "test", "docs", "doc", "build", "dist"}) if level < depth else []
        if root == project:
            continue
        why = "setup.py" if "setup.py" in files else None
        if why is None and "pyproject.toml" in files and tomllib is not None:
            try:
                with open(os.path.join(root, "pyproject.toml"), "rb") as f:
                    data = tomllib.load(f)
                if isinstance(data.get("project"), dict) or isinstance(data.get("build-system"), dict):
                    why = "pyproject.toml"
            except Exception:
                pass
        if why:
            found.append((level, os.path.relpath(root, project), why))
    if not found:
        app = sorted(f for f in os.listdir(project) if f.endswith(".py") or f in {"requirements.txt", "Pipfile", "manage.py"})
        if app:
            # An application run from its folder (app.py + requirements.txt, a Django site): no metadata to read
            return (
                f"; {', '.join(app[:3])}{' …' if len(app) > 3 else ''} here are an application without packaging metadata: pyservice deb packages a"
                " Python project, so add a pyproject.toml ([build-system], and [project] with name, version, dependencies and"
                " [project.scripts] for the command to run), or run it in the folder that holds the project's setup.py or pyproject.toml"
            )
        return "; run pyservice deb in the folder that holds the project's setup.py or pyproject.toml"
    found.sort()
    first = found[0][1]
    listed = ", ".join(f"{rel}/ ({why})" for _, rel, why in found[:shown]) + (f" and {len(found) - shown} more" if len(found) > shown else "")
    return f"; the Python project{'s are' if len(found) > 1 else ' is'} in {listed}: pyservice deb {os.path.join(project, first)}"


# Failures that build requirements Debian's python3 does not meet can explain: the read is worth trying again with
# them from the team's index (index_build_env.py), which pyservice does when it knows one.
BUILD_REQUIREMENT_FAILURES = {"missing-backend", "backend-failed", "missing-helper", "missing-module", "setup-invalid", "setup-failed"}


def declared_indexes():
    """Package indexes the project's pyproject.toml names for other tools than pip ([[tool.uv.index]], [tool.uv]
    index-url, [[tool.poetry.source]], [[tool.pdm.source]]): pip reads none of them, but they are the URL a
    message can offer for --index-url. [] when there are none or the file cannot be read."""
    tool = pyproject()[0].get("tool", {})
    if not isinstance(tool, dict):
        return []
    found = []

    def add(entries, key="url"):
        for e in entries if isinstance(entries, list) else [entries]:
            url = e.get(key) if isinstance(e, dict) else e
            if isinstance(url, str) and re.match(r"https?://", url) and url not in found:
                found.append(url)

    uv = tool.get("uv") if isinstance(tool.get("uv"), dict) else {}
    add(uv.get("index", []))
    add(uv.get("index-url", []), None)
    add(uv.get("extra-index-url", []), None)
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    add(poetry.get("source", []))
    pdm = tool.get("pdm") if isinstance(tool.get("pdm"), dict) else {}
    add(pdm.get("source", []))
    return found[:3]


def declared_build_requires():
    """pyproject.toml's [build-system] requires as declared; [] without one or when it cannot be read (the read
    itself reports that)."""
    system = pyproject()[0].get("build-system")
    requires = system.get("requires", []) if isinstance(system, dict) else []
    return [r for r in requires if isinstance(r, str)] if isinstance(requires, list) else []


def read(project):
    """read_project, with the build requirements from the team's index first when pyservice asks for them
    (PYSERVICE_BUILD_ENV); a failure says which declared build requirements Debian's python3 does not meet."""
    os.chdir(project)
    via_index = bool(os.environ.get("PYSERVICE_BUILD_ENV"))
    try:
        from_index = None
        requires = declared_build_requires() if via_index else []
        if requires:
            import index_build_env
            import tempfile

            # Inside the read's own folder (pep517_metadata.run_folder): removed with it, or by a later read when
            # this one was killed outright
            env_dir = os.path.join(tempfile.gettempdir(), "build-env")
            os.mkdir(env_dir, 0o700)

            where = os.environ.get("PYSERVICE_BUILD_INDEX_SHOWN") or "the index"
            from_index = {"requires": requires, "installed": index_build_env.install(requires, env_dir, where, Failure)}
        result = read_project(project)
    except Failure as f:
        result = f.result()
    if result.get("ok"):
        if from_index:
            result["backend"]["from_index"] = from_index
    elif result.get("kind") in BUILD_REQUIREMENT_FAILURES and not via_index:
        try:
            import pep517_metadata

            unmet = pep517_metadata.unmet_requirements(declared_build_requires())
            result["unmet_build"] = [u["requirement"] for u in unmet]
            # The requirement each package to install stands for: pyservice judges it against the version this
            # machine's archive has (install-advice.ts), so that no apt-get install is advised that cannot meet it
            result["wants"] = {u["package"]: u["requirement"] for u in unmet if u["why"] == "not installed"}
            if result["unmet_build"]:
                result["declared_indexes"] = declared_indexes()
        except Exception:
            pass
    return result


def read_project(project):
    sources = []
    try:
        backend = declared_backend()
        refuse_non_package()
        if backend is not None:
            import pep517_metadata

            return pep517_metadata.read(project, backend, Failure, one_line, console_scripts_from, text_or_none)
        has_project_table = check_pyproject_helpers()
        if has_project_table:
            sources.append("pyproject.toml")
        if os.path.exists("setup.cfg"):
            sources.append("setup.cfg")
        has_setup_py = os.path.exists("setup.py")
        if has_setup_py:
            sources.append("setup.py")
        if not sources:
            # A repository whose Python project is in a folder (hypothesis: hypothesis-python/; pytz: src/;
            # feature-check: python/), its top pyproject.toml only tool settings: setuptools would make an UNKNOWN 0.0.0
            if os.path.exists("pyproject.toml"):
                if pyproject_has_tool("poetry"):
                    # pip would build it with setuptools, which knows nothing of [tool.poetry]: UNKNOWN 0.0.0
                    raise Failure(
                        "bad-config",
                        'pyproject.toml has [tool.poetry] but no [build-system], so no backend reads it; add [build-system] requires = ["poetry-core"] '
                        'and build-backend = "poetry.core.masonry.api" (python3-poetry-core)',
                    )
                raise Failure("no-project", f"no setup.py or setup.cfg in {project}, and its pyproject.toml declares no [project] (tool settings only){subproject_hint(project)}")
            raise Failure("no-project", f"no setup.py, setup.cfg or pyproject.toml in {project}{subproject_hint(project)}")

        try:
            import setuptools
            import distutils.core as distutils_core  # setuptools' own copy (distutils-precedence.pth / Python 3.12+)
        except ImportError as err:
            raise Failure("no-setuptools", f"{sys.executable} cannot import setuptools ({err}): apt-get install python3-setuptools")
        capture = make_capture(distutils_core, distutils_core.setup)
        setuptools.setup = capture
        distutils_core.setup = capture

        # A setup.py may write into the project while it runs (ruamel.yaml's writes a pyproject.toml and keeps it):
        # whatever is new afterwards is removed, as after a PEP 517 hook, so a read leaves the project as it was
        import pep517_metadata

        before = pep517_metadata.tree(project)
        pep517_metadata.Writes.start(project, before)
        left = []
        try:
            try:
                if has_setup_py:
                    import runpy

                    # The command line of the wheel build this read stands for: a setup.py may decide on sys.argv
                    # (ruamel.yaml.clib 0.2.12 lists no extension under --version, so 'setup.py --name --version'
                    # saw pure Python and left python3-dev out of Build-Depends). setup() is captured before any
                    # command runs, so nothing is built.
                    sys.argv = ["setup.py", "bdist_wheel"]
                    # `python3 setup.py` and setuptools.build_meta:__legacy__ put the script's directory first; the
                    # build_meta a pyproject.toml names does not: laniakea-spark 0.1.1's setup.py ('from spark import
                    # __version__') read fine here while its wheel build stopped at "No module named 'spark'"
                    if not STRICT_BUILD_META:
                        sys.path[0] = project
                    runpy.run_path("setup.py", run_name="__main__")
                    raise Failure("no-setup-call", "setup.py ran to the end without calling setup() (is it behind a condition on sys.argv?)")
                capture()
            finally:
                removed = pep517_metadata.remove_new(project, before, left)
        except Captured as done:
            result = describe(done.dist, sources)
            result["backend"]["removed"] = removed
            result["backend"]["left"] = left
            return result
        except SystemExit as err:
            raise Failure("setup-exit", f"setup.py exited (status {err.code!r}) before calling setup()")
        except (Failure, KeyboardInterrupt):
            raise
        except Exception as err:
            raise failure_from(err, project, "setup.py" if has_setup_py else f"setuptools reading {' and '.join(sources)}")
    except Failure as f:
        return f.result()


def main():
    if len(sys.argv) != 2:
        emit({"ok": False, "kind": "usage", "error": "usage: pyservice_metadata.py PROJECT_DIR", "detail": ""})
        return
    import shutil

    folder = None  # a stop before the folder exists has nothing to remove (and no traceback to print)
    try:
        stop_on_signals()
        import pep517_metadata

        folder = pep517_metadata.run_folder()
        result = read(os.path.abspath(sys.argv[1]))
        if result.get("ok"):
            md = result["metadata"]
            # The extras' requirements too: `pyservice deb --extras` installs them
            every = list(md.get("install_requires") or []) + [r for reqs in (md.get("extras") or {}).values() for r in reqs]
            md["not_here"] = not_here(every)
            md["debian_wheels"] = debian_wheels(every)
            md["python_accepted"] = python_accepted(md.get("requires_python"))
            md["debian_versions"] = debian_versions([md.get("version"), os.environ.get("SETUPTOOLS_SCM_PRETEND_VERSION")])
        emit(result)
    except Interrupted as err:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        end_interrupted(err)
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def python_accepted(spec):
    """Requires-Python judged by packaging's SpecifierSet (pip's own check before it installs a wheel) for this
    interpreter's version and for each Python 3.8-3.14 (X.Y): {version: bool}. {} without a Requires-Python, without
    packaging, or for a specifier packaging cannot parse. The caller picks the target release's Python. Verdicts are
    remembered (verdict_memo.py): importing packaging.specifiers was ~4 ms of a read whose backend does not."""
    if not spec:
        return {}
    import pep517_metadata
    import verdict_memo

    versions = [sys.version.split()[0]] + [f"3.{minor}" for minor in range(8, 15)]  # platform.python_version()'s
    out = {}
    for v in versions:
        verdict = verdict_memo.remembered("requires-python\0" + spec + "\0" + v, lambda v=v: pep517_metadata.specifier_contains(spec, v))
        if verdict is None:
            return {}
        out[v] = verdict
    return out


def debian_versions(versions):
    """{version: its Debian form} for each version that is not a plain release number (1.0.0rc1 -> 1.0.0~rc1,
    1.0.post1 -> 1.0.0+post1, 1!2.0 -> 1:2.0.0), by the conversion the projects' own debian/pyservice-version
    uses for release tags (programs/pyservice_version.py, PEP 440 from packaging), so a changelog pyservice deb
    starts is one its release builds accept. Imported only for such a version; {} when it cannot be converted."""
    out = {}
    for v in versions:
        if not v or v in out or re.fullmatch(r"[0-9]+(\.[0-9]+){0,3}", v):
            continue
        try:
            programs = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "programs")
            sys.path.insert(0, programs)
            try:
                import pyservice_version
            finally:
                sys.path.remove(programs)
            form = pyservice_version.to_deb(v)
        except Exception:  # noqa: BLE001 - without the program or packaging, the release part is used as before
            return out
        if form:
            out[v] = form
    return out


def not_here(requirements):
    """The requirements whose environment marker is false for this interpreter (colorama; sys_platform ==
    "win32", tomli; python_version < "3.11" on 3.11): pip skips them, so the package never needs them. Judged by
    packaging's Marker, pip's own (remembered, as for build requirements); without packaging, or for a marker it
    cannot parse, a requirement counts."""
    import pep517_metadata
    import verdict_memo

    out = []
    for req in requirements:
        marker = req.partition(";")[2].strip()
        if marker and not verdict_memo.remembered("marker\0" + marker + "\0" + verdict_memo.interpreter(), lambda: pep517_metadata.marker_applies(marker)):
            out.append(req)
    return out


# debian/pyservice.mk installs from here too (--find-links), offline: python3-setuptools-whl, python3-wheel-whl…
DEBIAN_WHEELS = "/usr/share/python-wheels"


def debian_wheels(requirements, wheels=DEBIAN_WHEELS):
    """The requirements a wheel in Debian's python-wheels directory satisfies, by name and version specifier
    (supervisor's install_requires = setuptools): the build installs them offline, no index needed. Judged by
    packaging's Requirement; without packaging, or for a requirement it cannot parse, a requirement counts."""
    try:
        files = os.listdir(wheels)
    except OSError:
        return []
    norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()  # noqa: E731  PEP 503
    have = {}
    for f in files:
        parts = f[: -len(".whl")].split("-") if f.endswith(".whl") else []
        if len(parts) >= 5:
            have[norm(parts[0])] = parts[1]
    out = []
    for req in requirements:
        name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
        if not name or norm(name.group(1)) not in have:
            continue
        try:
            from packaging.requirements import Requirement

            if Requirement(req).specifier.contains(have[norm(name.group(1))], prereleases=True):
                out.append(req)
        except Exception:
            continue
    return out


if __name__ == "__main__":
    main()
