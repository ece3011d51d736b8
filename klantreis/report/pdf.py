"""HTML to PDF with headless Chromium, honouring the page size in the document's CSS.

nbconvert's own PDF route downloads a browser of its own, which a workshop laptop or an
offline machine cannot; the system's Chromium does the printing instead.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from klantreis.domain import KlantreisError
from klantreis.settings import chromium

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
QUIET_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
"""Headless Chromium without a sandbox (it runs as root in CI) and without any call home: the
printer, the browser tests, the benchmarks and the screenshot tools all start it like this."""


def find_chromium() -> str:
    """The Chromium to print with; a clear error when there is none."""
    configured = chromium()
    if configured and Path(configured).exists():
        return configured
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise KlantreisError("error.no_chromium")


def print_pdf(html_file: Path, pdf_file: Path, timeout: int = 120) -> Path:
    """Print ``html_file`` to ``pdf_file`` (page size from the CSS ``@page`` rule)."""
    chromium = find_chromium()
    pdf_file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="klantreis-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            *QUIET_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=15000",
            f"--print-to-pdf={pdf_file.resolve()}",
            html_file.resolve().as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, timeout=timeout)
    if result.returncode != 0 or not pdf_file.exists() or pdf_file.stat().st_size == 0:
        raise KlantreisError("error.pdf_failed", path=str(html_file))
    return pdf_file
