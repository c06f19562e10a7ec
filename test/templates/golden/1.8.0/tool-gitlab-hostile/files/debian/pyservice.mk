# debian/pyservice.mk: how acme-cli is built (a command-line tool: no unit, no user), included by debian/rules. Owned by the templates
# (`pyservice update` replaces it): put your changes in debian/rules.
#
# One virtualenv under /opt/venvs/acme-cli (dh-virtualenv) holding the project's wheel and the deploy set
# of requirements.lock, installed with `--no-deps` and every file checked against its hash (pip's hash-checking
# mode): a tampered or unpinned requirement fails the build with pip's message. Where the files come from:
#   wheelhouse/ present (make wheelhouse)      only from there and Debian's wheels: no index needed at all
#   else an index-url in ./pip.conf            that index (login from ~/.netrc), plus Debian's wheels
#   else                                       Debian's wheels only (offline)
# A project without requirements.lock (made before templates 1.2.0) installs requirements.txt as before, unless
# pyservice deb found it to be the upstream project's own file (ignoreRequirementsTxt).

PACKAGE := acme-cli
# The venv's bin/python links to this interpreter: debian/control makes the package depend on it.
PYTHON := /usr/bin/python3.11
VENV_ROOT := /opt/venvs
# Paths in recipes are relative to the package's folder (debian/rules runs there) or read by the shell itself
# ("$$(pwd)"): the folder's name never becomes shell text. Templates 1.6.0 spliced $(CURDIR) into the commands, so
# a project in a folder named $(touch x) ran that command, and one named "a b" did not build.
VENV := debian/$(PACKAGE)$(VENV_ROOT)/$(PACKAGE)
# Debian's wheels of pip, setuptools and wheel (python3-*-whl).
WHEELS := /usr/share/python-wheels
PIP_WHEEL := $(lastword $(sort $(wildcard $(WHEELS)/pip-*.whl)))
# Scratch space of this build (removed by dh clean through debian/clean).
WORK := debian/.pyservice
LOCK := $(wildcard requirements.lock)
REQUIREMENTS := $(or $(LOCK),$(wildcard requirements.txt))
WHEELHOUSE := $(wildcard wheelhouse)

export DH_VIRTUALENV_INSTALL_ROOT := $(VENV_ROOT)
# C extensions that pip compiles get Debian's build flags with full hardening (setuptools reads CFLAGS, LDFLAGS…):
# dpkg-buildflags --query's values go into dh_virtualenv's environment, never into shell text (templates 1.6.0
# spliced `--export=cmdline`, so a DEB_CFLAGS_APPEND holding $(…) or a quote from the caller's environment ran or
# broke the command).
define WITH_BUILDFLAGS
import os, subprocess, sys
env = dict(os.environ, DEB_BUILD_MAINT_OPTIONS='hardening=+all')
flag = None
for line in subprocess.run(['dpkg-buildflags', '--query'], env=env, stdout=subprocess.PIPE, check=True, text=True).stdout.split('\n'):
    if line.startswith('Flag: '):
        flag = line[6:]
    elif line.startswith('Value: ') and flag:
        os.environ[flag] = line[7:]
        flag = None
os.execvp(sys.argv[1], sys.argv[1:])
endef
export WITH_BUILDFLAGS

# Isolation: the package is built from this repository's configuration only. No PIP_* or PYTHON* settings of
# the caller's environment, no user-level pip.conf (pip skips it when PIP_CONFIG_FILE names an existing file).
unexport $(filter PIP_% PYTHON% VIRTUAL_ENV,$(.VARIABLES))
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1
export PYTHONDONTWRITEBYTECODE := 1
# NO_COLOR (https://no-color.org; the generated CI configurations set it) makes the build's output plain: pip
# ignores it (it passes its own --no-color setting to rich), so it gets PIP_NO_COLOR.
ifneq ($(NO_COLOR),)
export PIP_NO_COLOR := 1
endif

# The index is the one in ./pip.conf (index-url, never extra-index-url). Credentials never go in a URL: pip reads
# them from ~/.netrc (CI writes it from its secrets).
ifneq ($(WHEELHOUSE),)
export PIP_CONFIG_FILE := /dev/null
PIP_SOURCES := --no-index --find-links=wheelhouse --find-links=$(WHEELS)
else ifneq ($(shell grep -Es '^[[:space:]]*index-url[[:space:]]*=' pip.conf),)
export PIP_CONFIG_FILE := $(CURDIR)/pip.conf
PIP_SOURCES := --find-links=$(WHEELS)
else
export PIP_CONFIG_FILE := /dev/null
PIP_SOURCES := --no-index --find-links=$(WHEELS)
endif

# Wheels keep upstream files as they were committed; what would trip lintian is normalised in the venv's lib/
# (bin/ is dh_virtualenv's: it points the console scripts at bin/python):
# - an executable bit on a file that is neither ELF nor a script (executable-not-elf-or-script): dropped;
# - a .py file with a #! line is a module (imported, or run through the console scripts, never executed itself,
#   as Debian treats dist-packages): unless it is an executable python3 script lintian accepts, its executable
#   bit is dropped and the line emptied (line numbers in tracebacks stay). This covers "#!/usr/bin/env python"
#   (unusual-interpreter: Debian has no python), a placeholder such as "#!<<PYTHON>>" (interpreter-not-absolute)
#   and a #! on a module that is not executable (script-not-executable);
# - another file with a #! line: an interpreter that is no absolute path cannot run it, so it is not executable;
#   one naming python other than python3 (python, python2, "env python -u") runs the venv's bin/python instead,
#   as the console scripts do; a script with an absolute interpreter (/bin/sh, python3) is executable.
# debian/pyservice-record.py then records the new hashes.
define VENV_FILES
import os, re, stat, sys
venv_python = sys.argv[2].encode() + b'/bin/python'
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(root, f)
        st = os.lstat(p)
        if not stat.S_ISREG(st.st_mode):
            continue
        with open(p, 'rb') as fh:
            data = fh.read()
        mode = stat.S_IMODE(st.st_mode) & ~0o111
        if not data.startswith(b'#!'):
            if st.st_mode & 0o111 and not data.startswith(b'\x7fELF'):
                os.chmod(p, mode)
            continue
        line, nl, rest = data.partition(b'\n')
        words = line[2:].split()
        env = len(words) > 1 and words[0] == b'/usr/bin/env'
        name = os.path.basename(words[1 if env else 0]) if words else b''
        absolute = bool(words) and words[0].startswith(b'/')
        python3 = absolute and re.fullmatch(rb'python3(\.[0-9]+)?', name) is not None
        python = absolute and re.fullmatch(rb'python[0-9.]*', name) is not None
        if f.endswith('.py'):
            if not (st.st_mode & 0o111 and python3):
                os.chmod(p, mode)
                with open(p, 'wb') as fh:
                    fh.write(nl + rest)
        elif not absolute:
            os.chmod(p, mode)
        else:
            if python and not python3:
                with open(p, 'wb') as fh:
                    fh.write(b' '.join([b'#!' + venv_python] + words[2 if env else 1:]) + nl + rest)
            os.chmod(p, mode | 0o111)
endef
export VENV_FILES

# A tree with neither git history nor PKG-INFO (an upstream tarball, read by `pyservice deb --upstream-version`)
# gives setuptools_scm, hatch-vcs and pbr no version: the wheel's build gets debian/changelog's, in its PEP 440
# form (1.2.0~rc1 -> 1.2.0rc1, 1.2.0~~dev1 -> 1.2.0.dev1, 1.2.0+post1 -> 1.2.0.post1, 1:2.0.0 -> 1!2.0.0, a snapshot
# 1.2.0~20261129120000+git1a2b3c4 -> 1.2.0.dev20261129120000+git1a2b3c4; a Debian revision -1 dropped), as
# SETUPTOOLS_SCM_PRETEND_VERSION and PBR_VERSION, unless the caller's environment sets them. Other backends ignore
# both; a git checkout keeps asking git (build releases from a tagged commit).
define UPSTREAM_VERSION
import re, sys
v = re.sub(r'-[^-]*\Z', '', sys.argv[1])
v = re.sub(r'^([0-9]+):', r'\1!', v)
v = re.sub(r'(\+0)?~([0-9]{14})\+git([0-9a-f]+)\Z', lambda m: ('.post0' if m.group(1) else '') + '.dev' + m.group(2) + '+git' + m.group(3), v)
v = re.sub(r'~(a|b|rc)([0-9]+)', r'\1\2', v)
v = re.sub(r'\+post([0-9]+)', r'.post\1', v)
v = re.sub(r'~~?dev([0-9]+)', r'.dev\1', v)
v = re.sub(r'\+local\.', '+', v)
print(v)
endef
export UPSTREAM_VERSION
ifeq ($(wildcard PKG-INFO)$(shell git rev-parse --git-dir 2>/dev/null),)
VERSION_ENV = v=$$($(PYTHON) -c "$$UPSTREAM_VERSION" "$$(dpkg-parsechangelog -SVersion)") && echo "debian/rules: no git history or PKG-INFO: building version $$v (debian/changelog)" && \
	SETUPTOOLS_SCM_PRETEND_VERSION="$${SETUPTOOLS_SCM_PRETEND_VERSION:-$$v}" PBR_VERSION="$${PBR_VERSION:-$$v}"
endif

# The console scripts in the venv's bin/: where the build folder's path has a blank (or is longer than a #! line
# may be), pip writes them as `#!/bin/sh` + `'''exec' "/build path/…/bin/python" "$0" "$@"`, and dh_virtualenv's
# rewrite of that line leaves a stray quote: the script is a shell syntax error. Such a script starts with
# `#!/opt/venvs/PKG/bin/python` instead, as pip writes it for a short plain path (the same bytes wherever it is
# built). Written atomically (temp file, rename), with the script's mode.
define VENV_SCRIPTS
import os, re, sys
python = sys.argv[2].encode() + b'/bin/python'
for f in sorted(os.listdir(sys.argv[1])):
    p = os.path.join(sys.argv[1], f)
    if os.path.islink(p) or not os.path.isfile(p):
        continue
    with open(p, 'rb') as fh:
        data = fh.read()
    m = re.match(rb"#!/bin/sh\n'''exec' [^\n]*\n' '''\n", data)
    if m:
        with open(p + '.tmp', 'wb') as fh:
            fh.write(b'#!' + python + b'\n' + data[m.end():])
        os.chmod(p + '.tmp', os.stat(p).st_mode)
        os.replace(p + '.tmp', p)
endef
export VENV_SCRIPTS

# pyvenv.cfg's `command =` line names the venv's build path: it goes, as text (sed took the folder's name as a
# pattern, and the shell read it inside '…'). Written atomically: a temp file renamed over it.
define BUILD_PATH_OUT
import os, sys
cfg, build = sys.argv[1], os.path.join(os.getcwd(), sys.argv[2])
with open(cfg, encoding='utf-8', errors='surrogateescape') as f:
    text = f.read()
with open(cfg + '.tmp', 'w', encoding='utf-8', errors='surrogateescape') as f:
    f.write(text.replace(build, ''))
os.replace(cfg + '.tmp', cfg)
endef
export BUILD_PATH_OUT

%:
	dh $@ --with python-virtualenv

# dh_auto_configure fails on a setup.py at compat 13 ("removed in compat 12"); dh_virtualenv does the work.
override_dh_auto_configure:

# 1. pip, unpacked from Debian's wheel: pip runs from there (a zipped wheel would be compiled again on every
#    start) into a venv made --without-pip, so pip, setuptools and wheel stay out of the package. The pip run
#    may write bytecode (PYTHONDONTWRITEBYTECODE emptied for it) into that unpacked copy only: compiling just
#    the modules it imports costs less than compiling all of pip up front.
# 2. The project's wheel, built by its own build backend (PEP 517) with Debian's packages (Build-Depends) and no
#    isolated environment (`python3 -m build --wheel --no-isolation`, one backend process; pip wheel cost a pip
#    start and a metadata process more): nothing is fetched to build it, and what it holds does not depend on
#    the plugins installed (MANIFEST.in).
# 3. One pip run installs requirements.lock and that wheel, all hash-checked, --no-deps, --no-compile, and
#    --ignore-installed: the venv starts empty, so what pip would count as installed is only its own unpacked
#    copy (a project that requires pip got none: pipdeptree) or, for a venv with system site packages, Debian's
#    python3-* packages; every requirement goes into the venv.
# Then one byte-compile writes hash-based .pyc files (valid whatever the file times, reproducible, no build
# path inside), and the build directory's path is taken out of the package (pyvenv.cfg records the venv
# command; PEP 610 direct_url.json records where the wheel came from), and RECORD gets the hashes of the
# files as packaged (dh_virtualenv rewrote the scripts' #! lines after pip recorded them).
# DH_VERBOSE is off for dh_virtualenv: it would pass --verbose to venv, which has none.
override_dh_virtualenv:
	$(if $(PIP_WHEEL),,$(error no pip wheel in $(WHEELS): install python3-pip-whl))
	$(if $(WHEELHOUSE),@echo "debian/rules: installing from wheelhouse/ and $(WHEELS) only (no index)")
	$(if $(WHEELHOUSE),,$(if $(filter --no-index,$(PIP_SOURCES)),@echo "debian/rules: no index-url in ./pip.conf: installing from $(WHEELS) only (offline)"))
	rm -rf $(WORK)
	mkdir -p $(WORK)/dist
	cd $(WORK) && $(PYTHON) -m zipfile -e $(PIP_WHEEL) pip
	$(VERSION_ENV) $(PYTHON) -m build --wheel --no-isolation --skip-dependency-check --outdir $(WORK)/dist .
	{ $(if $(REQUIREMENTS),echo "-r ../../$(REQUIREMENTS)";) w=$$(echo $(WORK)/dist/*.whl); printf '%s' "$$w"; \
	  $(if $(LOCK),printf ' --hash=sha256:%s' "$$(sha256sum "$$w" | cut -d' ' -f1)";) echo; } > $(WORK)/requirements.txt
	DH_VERBOSE= PYTHONDONTWRITEBYTECODE= $(PYTHON) -c "$$WITH_BUILDFLAGS" dh_virtualenv --builtin-venv --python $(PYTHON) \
		--extra-virtualenv-arg=--without-pip \
		--pip-tool="$$(pwd)/$(WORK)/pip/pip" --skip-install \
		--requirements=$(WORK)/requirements.txt \
		$(addprefix --extra-pip-arg=,--ignore-installed --no-compile --progress-bar=off $(if $(LOCK),--no-deps) $(PIP_SOURCES))
	$(PYTHON) -c "$$VENV_FILES" $(VENV)/lib $(VENV_ROOT)/$(PACKAGE)
	$(PYTHON) -c "$$VENV_SCRIPTS" $(VENV)/bin $(VENV_ROOT)/$(PACKAGE)
	$(PYTHON) -m compileall -q -j0 --invalidation-mode=checked-hash \
		-s debian/$(PACKAGE) -p / $(VENV)/lib
	$(PYTHON) -c "$$BUILD_PATH_OUT" $(VENV)/pyvenv.cfg debian/$(PACKAGE)
	find $(VENV)/lib -path '*.dist-info/direct_url.json' -delete
	$(PYTHON) debian/pyservice-record.py $(VENV)
	[ ! -d $(VENV)/include ] || find $(VENV)/include -type d -empty -delete
	rm -rf build/lib* build/bdist.* build/temp.* build/scripts-* *.egg-info src/*.egg-info
	[ ! -d build ] || rmdir --ignore-fail-on-non-empty build

# Binary wheels bundle their own shared libraries (auditwheel's <name>.libs/), which no Debian package provides:
# dpkg-shlibdeps would stop on them. Dependencies on system libraries (libc, libssl…) are still computed.
# `make deb` of an UNRELEASED debian/changelog is a developer's build: pyservice.mk gives its .deb a version below
# every CI snapshot and release of that changelog version (debian/pyservice-version local), in
# PYSERVICE_DEB_VERSION; read by the shell, never spliced. Unset (dpkg-buildpackage by hand, CI): the changelog's.
override_dh_gencontrol:
	dh_gencontrol $(if $(PYSERVICE_DEB_VERSION),-- -v"$$PYSERVICE_DEB_VERSION")

override_dh_shlibdeps:
	dh_shlibdeps -- --ignore-missing-info

# gzip instead of xz: the venv compresses a few percent worse and several times faster. dpkg-deb clamps file
# times to SOURCE_DATE_EPOCH (dpkg-buildpackage sets it from debian/changelog): two builds of one commit give
# the same bytes.
override_dh_builddeb:
	dh_builddeb -- -Zgzip -z9
