"""Packaging for acme-utils.

Metadata lives here (setuptools); the version lives in src/acme_utils/__init__.py.
Abstract dependencies go in install_requires; the pinned set that is deployed lives in requirements.txt.
"""
import os
import re

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def read_version():
    # `make upload` names the version of a build (a tag's release, or X.Y.Z.devN on other commits); an sdist
    # made by such a build keeps it in its PKG-INFO, so building from the sdist gives the same version.
    if os.environ.get("PYSERVICE_DIST_VERSION"):
        return os.environ["PYSERVICE_DIST_VERSION"]
    pkg_info = os.path.join(HERE, "PKG-INFO")
    if os.path.exists(pkg_info):
        with open(pkg_info, encoding="utf-8") as f:
            match = re.search(r"^Version:\s*(\S+)", f.read(), re.M)
        if match:
            return match.group(1)
    path = os.path.join(HERE, "src", "acme_utils", "__init__.py")
    with open(path, encoding="utf-8") as f:
        match = re.search(r"^__version__\s*=\s*[\"']([^\"']+)[\"']", f.read(), re.M)
    if not match:
        raise RuntimeError("cannot find __version__ in " + path)
    return match.group(1)


def read_readme():
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
        return f.read()


setup(
    name="acme-utils",
    version=read_version(),
    description="Say \"hi\" & it's `$HOME` \\n 100% $(id) <b> $x} # ünïcødé — ok",
    long_description=read_readme(),
    long_description_content_type="text/markdown",
    author="Zoë O'Brien \"Q\" \\ $USER",
    author_email="test@example.org",
    license="Proprietary",
    classifiers=[
        "License :: Other/Proprietary License",
        "Programming Language :: Python :: 3",
    ],
    package_dir={"": "src"},
    packages=find_packages(where="src"),
    python_requires=">=3.9",
    install_requires=[
        # Abstract runtime dependencies, e.g. "requests>=2.28". Pin exact versions in requirements.txt.
    ],
    entry_points={
        "console_scripts": [
            "acme-tool = acme_utils.cli:main",
        ],
    },
)
