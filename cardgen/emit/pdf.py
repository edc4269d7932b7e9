"""Print HTML files to PDF with a headless Chromium-family browser found on the machine.

The browser is the one named by `--browser`, else by the `CARDGEN_BROWSER`
environment variable, else the first of `BROWSERS` on PATH. Each print runs in a
fresh, throw-away profile with networking, sync and updates off, so a print
neither reads nor changes anyone's browser and works offline.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from cardgen.errors import BrowserNotFound, PrintFailed

BROWSER_ENV = "CARDGEN_BROWSER"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge")
DEFAULT_TIMEOUT = 120.0

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


def find_browser(explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The browser to print with: EXPLICIT, else `$CARDGEN_BROWSER`, else the first of BROWSERS on PATH."""
    env = os.environ if env is None else env
    for named, origin in ((explicit, "the browser asked for"), (env.get(BROWSER_ENV) or None, BROWSER_ENV)):
        if named:
            found = shutil.which(named, path=env.get("PATH"))
            if found is None:
                raise BrowserNotFound(f"{origin}: {named!r} is not an executable program")
            return found
    for name in BROWSERS:
        found = shutil.which(name, path=env.get("PATH"))
        if found is not None:
            return found
    raise BrowserNotFound(
        f"no Chromium-family browser found (looked for {', '.join(BROWSERS)} on PATH); "
        f"install Chromium or name the browser to print with (or set {BROWSER_ENV})"
    )


def print_pdf(html: Path, pdf: Path, browser: str, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Print the HTML file HTML to the PDF file PDF with BROWSER and return PDF."""
    html = html.resolve()
    pdf = pdf.resolve()
    if not html.is_file():
        raise PrintFailed(f"{html}: no such HTML file")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="cardgen-browser-", ignore_cleanup_errors=True) as profile:
        command = [browser, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", html.as_uri()]
        stderr = _run(command, timeout, html)
    if not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF"):
        last = stderr.strip().splitlines()[-1:] or ["no output"]
        raise PrintFailed(f"{html.name}: {Path(browser).name} wrote no PDF ({last[0]})")
    return pdf


def _run(command: list[str], timeout: float, html: Path) -> str:
    """Run COMMAND in its own process group, so a timeout ends the browser and all its helpers."""
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise PrintFailed(f"cannot run {command[0]}: {exc.strerror}") from None
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _end_group(proc.pid)
        proc.communicate()
        raise PrintFailed(f"{html.name}: {Path(command[0]).name} did not finish within {timeout:g} s") from None
    # Helpers the browser left behind would keep the throw-away profile busy.
    _end_group(proc.pid)
    return err.decode("utf-8", "replace")


def _end_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
