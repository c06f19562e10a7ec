# pyservice.mk: the targets and settings create-pyservice maintains for plain.
# Owned by the templates: `pyservice update` replaces it (your edits to it would be merged, but conflicts are
# likely). Change things in Makefile instead, which includes this file at its end and is yours: set any setting
# below there (VENV_FLAGS = , PYTEST_ARGS = -x), add targets, add prerequisites (test: lint).

NAME := plain
PACKAGE := plain
DISTRO := bookworm

# The interpreter that builds and tests. Debian's, not whatever python3 is first on PATH.
PYTHON ?= /usr/bin/python3
VENV ?= .venv
# Flags for `python3 -m venv`. --system-site-packages lets the venv use Debian's python3-pytest, python3-build
# and python3-wheel, so `make test` and `make dist` work offline. For an isolated venv run `make VENV_FLAGS=`
# and list pytest in requirements-dev.txt so pip installs it from your index.
VENV_FLAGS ?= --system-site-packages
# Extra arguments for pip, e.g. PIP_ARGS="--no-index --find-links=/path/to/wheels".
PIP_ARGS ?=
PYTEST_ARGS ?=
# python -m build arguments. --no-isolation builds with the venv's setuptools and wheel (offline-friendly);
# set BUILD_ARGS= to build in an isolated environment fetched from your index.
BUILD_ARGS ?= --no-isolation
# `make lint` byte-compiles every Python file. Point LINTER at your linter instead, e.g.
# make lint LINTER="$(VENV)/bin/python -m flake8 src tests". (Not LINT: GNU make predefines LINT as `lint`.)
LINTER ?= $(VENV)/bin/python -m compileall -q src tests
ifneq ($(filter environment command% file override,$(origin LINT)),)
LINTER = $(LINT)
endif
# The hash-locked deploy set `make lock` writes from install_requires (and requirements.txt's pins), and the
# directory `make wheelhouse` fills with exactly those files.
LOCK ?= requirements.lock
WHEELHOUSE ?= wheelhouse
IMAGE ?= $(PACKAGE)-builder:$(DISTRO)
DOCKER ?= docker

# pip never asks: without a login it fails (then see PIP_FAILED), instead of a prompt and an EOFError.
export PIP_NO_INPUT := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Never a second index from the caller's environment: pip would take the highest version from either
# (dependency confusion). The project's pip.conf names the one index.
unexport PIP_EXTRA_INDEX_URL
# Use the project's pip.conf when it sets an index: PIP_CONFIG_FILE makes pip skip the user's pip.conf, and the
# caller's other PIP_* settings (another index, find-links) are dropped so that pip.conf decides.
ifneq ($(shell grep -Es '^[[:space:]]*index-url[[:space:]]*=' pip.conf),)
unexport $(filter-out PIP_NO_INPUT PIP_DISABLE_PIP_VERSION_CHECK,$(filter PIP_%,$(.VARIABLES)))
export PIP_CONFIG_FILE := $(CURDIR)/pip.conf
endif
# NO_COLOR (https://no-color.org; the generated CI configurations set it): plain output from what make runs. pytest
# and debhelper read it themselves; pip (it hands rich its own --no-color setting) and dpkg need theirs.
ifneq ($(NO_COLOR),)
export PIP_NO_COLOR := 1
export DPKG_COLORS := never
endif
PIP_FAILED = { echo "make $@: pip failed. If the index refused you (401/403, or it wanted a login), save your read-only login: npx -p create-pyservice pyservice login" >&2; exit 1; }

.DEFAULT_GOAL := help
.PHONY: help venv test lint dist lock wheelhouse upload release-source image clean

help: ## List the targets
	@echo "Targets for $(NAME) (run any of them in the builder image with make docker-<target>):"
	@grep -hE '^[a-zA-Z%_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-16s %s\n", $$1, $$2}'

venv: $(VENV)/.installed ## Create .venv with requirements.txt and requirements-dev.txt

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV_FLAGS) $(VENV)
	$(VENV)/bin/python -m pip install $(PIP_ARGS) -r requirements.txt -r requirements-dev.txt || $(PIP_FAILED)
	touch $@

test: venv ## Run the tests with pytest
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: venv ## Check the sources (byte-compiles them; set LINTER to run your linter)
	$(LINTER)

dist: venv ## Build the sdist and wheel into dist/
	rm -rf dist
	$(VENV)/bin/python -m build $(BUILD_ARGS) --sdist --wheel --outdir dist .

lock: venv ## Resolve install_requires (and requirements.txt's pins) into requirements.lock, a hash for every file
	$(VENV)/bin/python -m pip install $(PIP_ARGS) --dry-run --ignore-installed --no-build-isolation --quiet \
		--report $(LOCK).report.json -r requirements.txt . || $(PIP_FAILED)
	$(PYTHON) build-aux/pyservice-lock.py $(LOCK).report.json $(NAME) > $(LOCK).tmp
	rm -f $(LOCK).report.json
	mv $(LOCK).tmp $(LOCK)

wheelhouse: venv ## Download the locked files into wheelhouse/ (hash-checked), for builds with the index down
	rm -rf $(WHEELHOUSE).tmp
	$(VENV)/bin/python -m pip download $(PIP_ARGS) --require-hashes --no-deps --dest $(WHEELHOUSE).tmp -r $(LOCK) || $(PIP_FAILED)
	rm -rf $(WHEELHOUSE)
	mv $(WHEELHOUSE).tmp $(WHEELHOUSE)

# Releases come from tags only: `upload` on a tag uploads the tag's version and fails when it differs from the
# project's; on any other commit it uploads X.Y.Z.devN (N = the number of commits on HEAD), a development version
# no release can equal. Duplicates fail (no --skip-existing): a silent skip hid code that differed from a tag.
TAG ?= $(shell git describe --tags --exact-match 2>/dev/null)
# Exported and read as "$$TAG" so that a tag is never spliced into the recipe's shell text.
export TAG

# twine colours its output even into a file or a CI log (it tells rich it has a terminal) and ignores NO_COLOR:
# --no-color unless its output is a terminal and NO_COLOR is unset.
TWINE = $(VENV)/bin/python -m twine $$([ -t 1 ] && [ -z "$${NO_COLOR:-}" ] || echo --no-color)
# twine gets the upload login from TWINE_USERNAME/TWINE_PASSWORD only: NETRC=/dev/null keeps it (requests) away
# from ~/.netrc, whose read-only installer login it would otherwise try.
upload: release-source venv ## Build and upload to the index: a tag's release, else X.Y.Z.devN (TWINE_USERNAME/TWINE_PASSWORD)
	$(PYTHON) build-aux/pyservice-release.py check-upload-login
	v=$$(PYTHON=$(VENV)/bin/python $(PYTHON) build-aux/pyservice-release.py version "$$TAG") && PYSERVICE_DIST_VERSION="$$v" $(MAKE) dist
	$(TWINE) check dist/*
	NETRC=/dev/null $(TWINE) upload --non-interactive --disable-progress-bar --config-file .pypirc -r private dist/*

# A release is made from exactly the code its tag names: HEAD is the tag's commit and no tracked file differs from
# it (build-aux/pyservice-tagged.py; without a TAG, for a development upload, only the second). Checked before the
# venv is built: `make upload TAG=v0.6.0` one commit after the tag, or with an uncommitted edit, uploaded that code.
release-source:
	$(PYTHON) build-aux/pyservice-tagged.py $${TAG:+"$$TAG"}

image: ## Build the builder image (the one CI uses)
	$(DOCKER) build -t $(IMAGE) .

# The project's folder and HOME reach the shell as "$$(pwd)" and "$$HOME", never spliced into its text: a folder
# named $(touch x) ran that command when it was "$(CURDIR)".
docker-%: image ## Run any target inside the builder image, e.g. make docker-test
	$(DOCKER) run --rm -v "$$(pwd)":/src -w /src -u "$$(id -u):$$(id -g)" -e HOME=/tmp $(DOCKER_NETRC) $(IMAGE) make $*

# Your read-only index login (~/.netrc), mounted read-only so pip in the container can reach private packages.
DOCKER_NETRC = $(if $(wildcard $(HOME)/.netrc),-v "$$HOME/.netrc:/tmp/.netrc:ro")

clean: ## Remove build products and the venv
	rm -rf $(VENV) build dist .pytest_cache src/*.egg-info $(LOCK).report.json $(LOCK).tmp $(WHEELHOUSE).tmp
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
