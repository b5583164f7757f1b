"""Where templates, static files and translations are: in the installed package, or in
a checkout; and which release this is."""

import functools
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent  # the repository, when run from a clone


def installed():
    """True when running from a wheel: setup.py put templates/ inside the package."""
    return (PACKAGE / "templates").is_dir()


def folder(name):
    """`templates`, `static` or `translations`: the wheel puts them inside the package."""
    return PACKAGE / name if installed() else CHECKOUT / name


@functools.cache
def version():
    """The installed release, from the git tag it was built from (setuptools-scm): `0.2.0`,
    or `0.2.1.dev3+g1234abc` for commits after a tag. Read once per process: looking it up
    searches every installed package's metadata, and /healthz spent a quarter of its time
    there (a new release is new code, which needs a restart anyway)."""
    try:
        return metadata.version("checkin")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"
