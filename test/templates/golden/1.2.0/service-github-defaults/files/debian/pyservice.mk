# debian/pyservice.mk: how demo is built (a service), included by debian/rules. Owned by the templates
# (`pyservice update` replaces it): put your changes in debian/rules.
#
# One virtualenv under /opt/venvs/demo (dh-virtualenv) holding the project's wheel and the deploy set
# of requirements.lock, installed with `--no-deps` and every file checked against its hash (pip's hash-checking
# mode): a tampered or unpinned requirement fails the build with pip's message. Where the files come from:
#   wheelhouse/ present (make wheelhouse)      only from there and Debian's wheels: no index needed at all
#   else an index-url in ./pip.conf            that index (login from ~/.netrc), plus Debian's wheels
#   else                                       Debian's wheels only (offline)
# A project without requirements.lock (made before templates 1.2.0) installs requirements.txt as before, unless
# pyservice deb found it to be the upstream project's own file (ignoreRequirementsTxt).

PACKAGE := demo
# The venv's bin/python links to this interpreter: debian/control makes the package depend on it.
PYTHON := /usr/bin/python3.11
VENV_ROOT := /opt/venvs
VENV := $(CURDIR)/debian/$(PACKAGE)$(VENV_ROOT)/$(PACKAGE)
# Debian's wheels of pip, setuptools and wheel (python3-*-whl).
WHEELS := /usr/share/python-wheels
PIP_WHEEL := $(lastword $(sort $(wildcard $(WHEELS)/pip-*.whl)))
# Scratch space of this build (removed by dh clean through debian/clean).
WORK := $(CURDIR)/debian/.pyservice
LOCK := $(wildcard requirements.lock)
REQUIREMENTS := $(or $(LOCK),$(wildcard requirements.txt))
WHEELHOUSE := $(wildcard wheelhouse)

export DH_VIRTUALENV_INSTALL_ROOT := $(VENV_ROOT)
# C extensions that pip compiles get Debian's build flags with full hardening (setuptools reads CFLAGS, LDFLAGS…).
BUILDFLAGS = $(shell DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=cmdline)

# Isolation: the package is built from this repository's configuration only. No PIP_* or PYTHON* settings of
# the caller's environment, no user-level pip.conf (pip skips it when PIP_CONFIG_FILE names an existing file).
unexport $(filter PIP_% PYTHON% VIRTUAL_ENV,$(.VARIABLES))
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1
export PYTHONDONTWRITEBYTECODE := 1

# The index is the one in ./pip.conf (index-url, never extra-index-url). Credentials never go in a URL: pip reads
# them from ~/.netrc (CI writes it from its secrets).
ifneq ($(WHEELHOUSE),)
export PIP_CONFIG_FILE := /dev/null
PIP_SOURCES := --no-index --find-links=$(CURDIR)/wheelhouse --find-links=$(WHEELS)
else ifneq ($(shell grep -Es '^[[:space:]]*index-url[[:space:]]*=' pip.conf),)
export PIP_CONFIG_FILE := $(CURDIR)/pip.conf
PIP_SOURCES := --find-links=$(WHEELS)
else
export PIP_CONFIG_FILE := /dev/null
PIP_SOURCES := --no-index --find-links=$(WHEELS)
endif

# Wheels keep upstream files as they were committed; two kinds would trip lintian, and are normalised in the venv:
# - an executable bit on a file that is neither ELF nor a script (executable-not-elf-or-script): dropped;
# - a #! line on a module that is not executable (script-not-executable, often with unusual-interpreter for
#   "#!/usr/bin/env python"): it is imported or run through the console scripts, never executed itself, so the
#   line is emptied (line numbers in tracebacks stay; debian/pyservice-record.py then records the new hash).
define VENV_FILES
import os, stat, sys
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(root, f)
        st = os.lstat(p)
        if not stat.S_ISREG(st.st_mode):
            continue
        with open(p, 'rb') as fh:
            data = fh.read()
        if st.st_mode & 0o111 and not data.startswith((b'#!', b'\x7fELF')):
            os.chmod(p, st.st_mode & ~0o111)
        elif not st.st_mode & 0o111 and f.endswith('.py') and data.startswith(b'#!'):
            with open(p, 'wb') as fh:
                fh.write(b'\n' + data.split(b'\n', 1)[1] if b'\n' in data else b'')
endef
export VENV_FILES

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
# 3. One pip run installs requirements.lock and that wheel, all hash-checked, --no-deps, --no-compile.
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
	$(PYTHON) -m build --wheel --no-isolation --skip-dependency-check --outdir $(WORK)/dist .
	{ $(if $(REQUIREMENTS),echo "-r $(CURDIR)/$(REQUIREMENTS)";) w=$$(echo $(WORK)/dist/*.whl); printf '%s' "$$w"; \
	  $(if $(LOCK),printf ' --hash=sha256:%s' "$$(sha256sum "$$w" | cut -d' ' -f1)";) echo; } > $(WORK)/requirements.txt
	DH_VERBOSE= PYTHONDONTWRITEBYTECODE= $(BUILDFLAGS) dh_virtualenv --builtin-venv --python $(PYTHON) \
		--extra-virtualenv-arg=--without-pip \
		--pip-tool=$(WORK)/pip/pip --skip-install \
		--requirements=$(WORK)/requirements.txt \
		$(addprefix --extra-pip-arg=,--no-compile --progress-bar=off $(if $(LOCK),--no-deps) $(PIP_SOURCES))
	$(PYTHON) -c "$$VENV_FILES" $(VENV)/lib
	$(PYTHON) -m compileall -q -j0 --invalidation-mode=checked-hash \
		-s $(CURDIR)/debian/$(PACKAGE) -p / $(VENV)/lib
	sed -i 's|$(CURDIR)/debian/$(PACKAGE)||g' $(VENV)/pyvenv.cfg
	find $(VENV)/lib -path '*.dist-info/direct_url.json' -delete
	$(PYTHON) debian/pyservice-record.py $(VENV)
	[ ! -d $(VENV)/include ] || find $(VENV)/include -type d -empty -delete
	rm -rf build/lib* build/bdist.* build/temp.* build/scripts-* *.egg-info src/*.egg-info
	[ ! -d build ] || rmdir --ignore-fail-on-non-empty build

# Binary wheels bundle their own shared libraries (auditwheel's <name>.libs/), which no Debian package provides:
# dpkg-shlibdeps would stop on them. Dependencies on system libraries (libc, libssl…) are still computed.
override_dh_shlibdeps:
	dh_shlibdeps -- --ignore-missing-info

# gzip instead of xz: the venv compresses a few percent worse and several times faster. dpkg-deb clamps file
# times to SOURCE_DATE_EPOCH (dpkg-buildpackage sets it from debian/changelog): two builds of one commit give
# the same bytes.
override_dh_builddeb:
	dh_builddeb -- -Zgzip -z9
