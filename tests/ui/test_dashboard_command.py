"""``klantreis dashboard DIR``: the read-only dashboard for readers, served by Voila."""

from __future__ import annotations

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
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    assert process.returncode == 0
