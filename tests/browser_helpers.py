"""What the browser tests need: Debian's Chromium, a real server, and a
watch on every page for console errors, failed requests and dialogs.

Playwright cannot download its own browser build here, so it drives
/usr/bin/chromium (`make browser` installs it). Without it the browser
tests skip, and fail when CI=true. The site runs as it does in
production: `ingest.site.serve` (uvicorn) in a subprocess, on a free port.
Nothing may leave that server: requests elsewhere (map tiles) are answered
in the browser with a blank tile and recorded, so a test can tell what
the page tried to fetch.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers import REPO

CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium's background connections (updates, sync, QUIC
# probes) fail on a closed network and some end up as console noise.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Where the main pages' screenshots go: docs/screenshots with `make
# screenshots` (PRESS_ATLAS_SCREENSHOTS=docs/screenshots), else a temporary
# folder, so that a test run leaves the repository as it was (JPEG bytes
# differ from run to run).
SCREENSHOTS = REPO / os.environ.get("PRESS_ATLAS_SCREENSHOTS",
                                    str(Path(tempfile.gettempdir()) / "press-atlas-screenshots"))
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def blank_tile(rgb: tuple[int, int, int] = (232, 236, 239)) -> bytes:
    """A 1x1 PNG of one colour: what a map tile looks like offline."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb))) + chunk(b"IEND", b""))


BLANK_TILE = blank_tile()


def require_chromium() -> Path:
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing: `make browser` installs Debian's chromium for the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`ingest.site.serve(db)` in a subprocess, until stop(); `settings`
    override datasette.yml's (a test's lower sql_time_limit_ms)."""

    def __init__(self, db: Path, log: Path, settings: dict | None = None):
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self.log = open(log, "wb")
        code = ("import json, sys; from ingest.site import serve; "
                "serve(sys.argv[1], port=int(sys.argv[2]), settings=json.loads(sys.argv[3]))")
        self.process = subprocess.Popen([sys.executable, "-c", code, str(db), str(self.port),
                                         json.dumps(settings or {})], cwd=REPO,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.origin}/-/versions.json", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start in {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@dataclass
class Watch:
    """Everything that went wrong on a page, and where it tried to go."""

    origin: str
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text} ({m.location})"))
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: r.url.startswith(self.origin)
                and self.errors.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.url.startswith(self.origin) and r.status >= 400
                and self.errors.append(f"HTTP {r.status}: {r.url}"))

        async def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            await dialog.dismiss()

        page.on("dialog", on_dialog)

    async def answer_outside(self, route) -> None:
        """Requests that leave our server: recorded, answered with a blank
        image (map tiles), never sent."""
        self.outside.append(route.request.url)
        await route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)

    def assert_clean(self) -> None:
        assert not self.errors, "\n".join(self.errors)
        assert not self.dialogs, self.dialogs
        not_tiles = [u for u in self.outside if "tile.openstreetmap.org/" not in u]
        assert not not_tiles, f"requests outside the site: {not_tiles}"


async def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page."""
    from axe_playwright_python.async_playwright import Axe

    results = (await Axe().run(page)).response
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]
