"""Where templates, static files and translations are: in the installed package, or in
a checkout."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent  # the repository, when run from a clone


def folder(name):
    """`templates`, `static` or `translations`: the wheel puts them inside the package."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else CHECKOUT / name
