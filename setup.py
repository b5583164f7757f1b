"""Build hooks the declarative pyproject.toml cannot express: the top-level templates/,
static/ and translations/ go into the wheel as checkin/templates, checkin/static and
checkin/translations, and the catalogs are compiled (.mo) while the wheel is built.

The .mo files are not committed (several people edit the .po files at once and binary
catalogs cannot be merged); building them here means a wheel from a fresh clone or from
the sdist always speaks Swedish.
"""

import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# The folders keep their place at the top of the repository; in the wheel they sit inside
# the package, where checkin/resources.py looks first.
FOLDERS = {"checkin.templates": "templates", "checkin.static": "static",
           "checkin.translations": "translations"}


class BuildWithCatalogs(build_py):
    """build_py, then compile every translations/<lang>/LC_MESSAGES/messages.po into the
    build as messages.mo."""

    def run(self):
        if not self.editable_mode:
            # A build/ left by an earlier `pip install .` would ship modules deleted since.
            shutil.rmtree(Path(self.build_lib, "checkin"), ignore_errors=True)
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's own folders
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        catalogs = [*(HERE / "translations").glob("*/LC_MESSAGES/messages.po"),
                    *(HERE / "translations").glob("easy/*/LC_MESSAGES/messages.po")]
        for po in sorted(catalogs):
            lang = po.parent.parent.name
            with open(po, "rb") as f:
                catalog = read_po(f, locale=lang)
            target = Path(self.build_lib, "checkin", *po.parent.relative_to(HERE).parts,
                          "messages.mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as f:
                write_mo(f, catalog)


setup(
    packages=find_packages(include=["checkin", "checkin.*"]) + list(FOLDERS),
    package_dir=FOLDERS,
    include_package_data=False,  # only what package_data names: no .po, no stray files
    package_data={
        "checkin.accounts": ["data/*.txt"],
        "checkin.publishing": ["data/*.json"],  # the cell-key table (publishing/cell_key.py)
        "checkin.templates": ["**/*.html"],
        "checkin.static": ["*.css", "*.svg"],
        # messages.mo is written by BuildWithCatalogs; the .po sources stay out of the wheel.
        "checkin.translations": [],
    },
    cmdclass={"build_py": BuildWithCatalogs},
)
