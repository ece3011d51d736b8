"""``klantreis dashboard DIR``: the read-only dashboard for readers, served by Voila."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder
from tests.ports import free_port

BAD_PATHS = (
    "/x/y/z",
    "/../x",
    "/api/kernels",
    "/voila/",
    "/voila/templates/../../x",  # was a 500
    "/voila/static/../x",  # was a 403
    "/voila/files/../../x",
    "/voila/files/workshop.sqlite",
    "/voila/render/../x",
)
"""Paths the dashboard does not serve: each is answered 404 at once (no redirect)."""


def first_status(port: int, path: str) -> int:
    """The status of the first answer to ``GET path``, the path sent as it is written."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_dashboard_command_serves_the_charts_read_only(
    tmp_path: Path, offline_page: Any
) -> None:
    folder = tmp_path / "readers"
    create_folder(folder, load_template("orchestra", "nl"))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "klantreis", "dashboard", str(folder), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first, first
        view = offline_page(390, 844)
        deadline = time.monotonic() + 60
        while True:  # Voila needs a moment after the address is printed
            try:
                view.page.goto(f"http://127.0.0.1:{port}/")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        view.page.wait_for_function(
            "document.querySelectorAll('.vega-embed svg.marks').length >= 1", timeout=120_000
        )
        view.page.get_by_text("Het orkest").first.wait_for()
        fields = view.page.evaluate(
            "document.querySelectorAll('.klantreis input, .klantreis textarea,"
            " .klantreis select, .klantreis button').length"
        )
        assert fields == 0  # read-only: nothing to type into or press
        assert view.errors == []
        for path in BAD_PATHS:
            assert first_status(port, path) == 404, path
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    assert process.returncode == 0
