"""Installable: the site's files travel with the package.

The checkout keeps datasette.yml, metadata.yml, plugins/, templates/ and
static/ at its top level; a wheel carries them as ingest/site/root/. The
slow tests build a wheel (and an editable install) from a copy of the
checkout, install it into a fresh venv outside the checkout, and use its
own `press-atlas`.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import lxml.html
import pytest

from helpers import REPO, shared_path
from ingest.site import app

SITE_DIRS = ("plugins", "templates", "static")


def test_the_site_runs_from_the_checkouts_top_level():
    assert app.site_root() == REPO
    assert not (REPO / "ingest" / "site" / "root" / "datasette.yml").exists()


def test_every_site_file_is_package_data():
    """A new template, script or plugin file travels in the wheel."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"]["ingest.site.root"] == "."
    patterns = config["package-data"]["ingest.site.root"]
    shipped = {p.relative_to(REPO) for pattern in patterns for p in REPO.glob(pattern) if p.is_file()}
    wanted = {Path("datasette.yml"), Path("metadata.yml")} | {
        p.relative_to(REPO) for d in SITE_DIRS for p in (REPO / d).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts}
    assert wanted <= shipped, sorted(wanted - shipped)


# --- A fresh venv outside the checkout ----------------------------------------------


def _copy_of_the_checkout(tmp_path: Path) -> Path:
    """The checkout without its venv, history and build output: the build
    writes build/ and *.egg-info beside the sources, so not into the tree."""
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "__pycache__", ".pytest_cache", "build", "*.egg-info", "*.db", "*.db-journal",
        ".*.analyses*", ".*.building", "*.whl"))
    return source


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(args, cwd: Path, timeout: float = 300) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=_clean_env(), capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{args}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _venv(path: Path) -> Path:
    """A new venv whose own site-packages come first; the project venv's
    are appended by a .pth line (the dependencies, not downloaded again;
    its .pth files, the editable install's among them, are not run)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, timeout=120)
    python = path / "bin" / "python"
    purelib = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], path).strip())
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (purelib / "_project_dependencies.pth").write_text("".join(f"{p}\n" for p in ours), encoding="utf-8")
    return python


def _where(python: Path, cwd: Path) -> tuple[Path, Path]:
    """(ingest's __init__.py, the site's root) as that interpreter finds them."""
    out = _run([python, "-c", "import ingest, ingest.site; print(ingest.__file__); print(ingest.site.site_root())"],
               cwd).splitlines()
    return Path(out[0]).resolve(), Path(out[1]).resolve()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def _wait_until_served(url: str, server: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        try:
            _get(url)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    pytest.fail(f"nothing answered at {url} within {limit:.0f} s")


@pytest.mark.shared
@pytest.mark.nlp
@pytest.mark.slow
def test_a_wheel_installed_outside_the_checkout_builds_and_serves(tmp_path):
    seeds = shared_path("corpus", "seeds")
    source = _copy_of_the_checkout(tmp_path)
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--quiet",
          "-w", dist, source], source)
    [wheel] = dist.glob("press_atlas-*.whl")
    venv = tmp_path / "venv"
    python = _venv(venv)
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", "--quiet",
          "--disable-pip-version-check", wheel], tmp_path)
    ingest_file, root = _where(python, tmp_path)
    assert ingest_file.is_relative_to(venv.resolve()), ingest_file  # not the checkout, not the editable install
    assert root == ingest_file.parent / "site" / "root", root

    db = tmp_path / "site.db"
    press_atlas = venv / "bin" / "press-atlas"
    _run([press_atlas, "build", seeds, "--db", db], tmp_path, timeout=500)
    conn = sqlite3.connect(db)
    articles = conn.execute("select count(*) from articles").fetchone()[0]
    article_id, title = conn.execute("select id, title from articles where title is not null order by id").fetchone()
    conn.close()
    assert articles > 0

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([str(press_atlas), "serve", "--db", str(db), "--port", str(port)], cwd=tmp_path,
                              env=_clean_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_served(base + "/", server)
        status, text = _get(base + "/")
        assert status == 200, text[:500]
        home = lxml.html.fromstring(text)
        counts = home.cssselect(".counts li")[0].text_content()  # home.py and index.html, from the package
        assert f"{articles} articles" in " ".join(counts.split())
        status, text = _get(f"{base}/press_atlas/articles/{article_id}")
        assert status == 200, text[:500]
        page = lxml.html.fromstring(text)
        assert page.cssselect("h1#article-title")[0].text_content() == title
        assert page.cssselect(".article-body p")  # rendered by article.py
        status, css = _get(base + "/static/press-atlas.css")
        assert status == 200 and css.strip()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
        log.close()


@pytest.mark.slow
def test_an_editable_install_runs_the_site_from_its_checkout(tmp_path):
    """What `make install` does (pip install -e .): the code and the site's
    files are the checkout's own."""
    source = _copy_of_the_checkout(tmp_path)
    venv = tmp_path / "venv"
    python = _venv(venv)
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--no-build-isolation", "--ignore-installed",
          "--quiet", "--disable-pip-version-check", "-e", source], tmp_path)
    ingest_file, root = _where(python, tmp_path)
    assert ingest_file == (source / "ingest" / "__init__.py").resolve()
    assert root == source.resolve()
    assert "press-atlas" in _run([venv / "bin" / "press-atlas", "--version"], tmp_path)
