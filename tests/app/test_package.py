"""The package installs: a wheel built from a clean copy of the repository (no compiled
catalogs, no checkout beside it) serves the visitors' week in Swedish with its stylesheet."""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.server import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _clean_copy(target):
    """The files a fresh clone has: tracked or new, never ignored ones (.venv, .mo, instance)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    assert not list(target.glob("translations/*/LC_MESSAGES/*.mo"))


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own server)
        return response.status, response.headers, response.read().decode()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to copy the repository")
def test_wheel_installed_elsewhere_serves_the_week_in_swedish_with_its_stylesheet(tmp_path):
    source, wheels, site = tmp_path / "src", tmp_path / "wheels", tmp_path / "site"
    source.mkdir()
    site.mkdir()
    _clean_copy(source)
    # A build/ left by an earlier `pip install .` holds a module deleted upstream since
    # (operations.md, "Upgrading"): setup.py empties build/…/checkin first, so it is not shipped.
    stale = source / "build" / "lib" / "checkin" / "deleted_upstream.py"
    stale.parent.mkdir(parents=True)
    stale.write_text("SHIPPED = True\n")
    # Not editable: setup.py must put templates, static and compiled catalogs in the wheel.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels),
                    str(source)], check=True, timeout=600)
    wheel = next(wheels.glob("checkin-*.whl"))
    with zipfile.ZipFile(wheel) as built:
        assert "checkin/deleted_upstream.py" not in built.namelist()
        assert "checkin/visits/phones.py" in built.namelist()

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, timeout=300)
    # Flask and the rest come from the project's environment: a plain path line, so the
    # editable checkin installed there is not put on the path.
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CHECKIN_", "PYTHON", "VIRTUAL_ENV"))}
    port = free_port()
    env.update({"CHECKIN_BASE_URL": f"http://127.0.0.1:{port}",
                "CHECKIN_DAILY_FIRST_RUN_SECONDS": "86400"})
    checkin = str(venv / "bin" / "checkin")

    where = subprocess.run([str(python), "-c", "import checkin; print(checkin.__file__)"],
                           cwd=site, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(venv)), where.stdout
    for command in (["init-db"], ["seed-demo"]):
        done = subprocess.run([checkin, *command], cwd=site, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "No compiled translations" not in done.stderr
    # No CHECKIN_INSTANCE: the installed package keeps its data in ./instance.
    assert (site / "instance" / "checkin.db").is_file()

    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen([checkin, "serve", "--port", str(port)], cwd=site, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _headers, page = _get(f"http://127.0.0.1:{port}/mallis/")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert status == 200
        assert '<html lang="sv">' in page
        assert "Veckans schema" in page and "This week's programme" not in page
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)[1]
        status, headers, css = _get(f"http://127.0.0.1:{port}{stylesheet}")
        assert status == 200
        assert headers["Content-Type"].startswith("text/css") and ".day" in css
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    assert "No compiled translations" not in (tmp_path / "serve.log").read_text()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to copy the repository")
def test_the_sdist_is_complete_and_twine_checks_it_clean(tmp_path):
    """Built from a clean copy: the tests with their conftest and helpers, the licence, the
    changelog and docs; `twine check` without a warning (a long description, a licence)."""
    import tarfile

    source, dist = tmp_path / "src", tmp_path / "dist"
    source.mkdir()
    _clean_copy(source)
    subprocess.run([sys.executable, "-m", "build", "--sdist", "--outdir", str(dist),
                    str(source)], check=True, timeout=600, capture_output=True)
    sdist = next(dist.glob("checkin-*.tar.gz"))
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in ("tests/conftest.py", "tests/helpers.py", "tests/server.py",
                   "tests/data/migration_checksums.json", "LICENSE", "CHANGELOG.md",
                   "README.md", "docs/operations.md", "deploy/litestream.yml",
                   "checkin/__init__.py", "templates/week/home.html",
                   "translations/sv/LC_MESSAGES/messages.po", "setup.py", "run.sh"):
        assert needed in names, needed
    assert not [n for n in names if n.endswith((".pyc", ".mo")) or "/.venv/" in n]
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(sdist)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "PASSED" in checked.stdout and "WARNING" not in checked.stdout
