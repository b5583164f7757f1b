"""Where templates, static files and translations are: in the installed package, or in
a checkout."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent  # the repository, when run from a clone


def installed():
    """True when running from a wheel: setup.py put templates/ inside the package."""
    return (PACKAGE / "templates").is_dir()


def folder(name):
    """`templates`, `static` or `translations`: the wheel puts them inside the package."""
    return PACKAGE / name if installed() else CHECKOUT / name
