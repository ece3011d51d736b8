"""The projector: how soon it shows the workshop, and what the room reads while nothing happens.

    .venv/bin/python -m benchmarks.projector [--baseline a0a80ed] [--idle 10] [--no-baseline]

For this checkout and for the room as it was at ``--baseline`` (measured in the same run), on a
fresh orchestra workshop with its mapping step open:

- first paint: seconds from ``klantreis serve`` printing its addresses until a headless
  Chromium (Debian's, started before the room) that opened the projector's address shows a
  drawn chart;
- idle processor time: milliseconds of CPU per second spent by the room and every process it
  started (the room, and before it the Voila dashboard and its kernel), with the projector
  open and nobody doing anything, over ``--idle`` seconds;
- idle statements: SQL statements per second the room sent its database over the same time
  (from the room's status). The baseline does not count them; by its code it asked for the
  revision ten times a second in the room and ten times a second in the projector's kernel.

Every request stays on this machine; every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.baseline import machine_speed
from benchmarks.room import Served, baseline_python, cpu_seconds, serve
from tests.served import process_tree

CHROMIUM = "/usr/bin/chromium"
DRAWN = "document.querySelectorAll('.vega-embed svg.marks, .vega-embed canvas.marks').length >= 1"


def statements(room: Served) -> int | None:
    """SQL statements the room sent its database so far (None: the room does not say)."""
    try:
        url = f"http://127.0.0.1:{room.port + 1}/_klantreis/status"
        with urllib.request.urlopen(url, timeout=10) as answer:
            value = json.load(answer).get("statements")
    except (OSError, ValueError):
        return None
    return int(value) if value is not None else None


def measure(python: Path, key: str, workdir: Path, idle: float, browser: Any) -> dict[str, Any]:
    """First paint and idle reads of one room (see the module's docstring)."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    room = serve(python, key, workdir, [])
    started = time.perf_counter()  # serve() returns as the room prints its addresses
    try:
        page.goto(room.dashboard_url, timeout=300_000)
        page.wait_for_function(DRAWN, timeout=300_000)
        first_paint = time.perf_counter() - started
        page.wait_for_timeout(5_000)  # whatever the first paint set going has settled
        pids = process_tree(room.process.pid)
        cpu, sent = cpu_seconds(pids), statements(room)
        begun = time.perf_counter()
        page.wait_for_timeout(idle * 1000)
        elapsed = time.perf_counter() - begun
        result: dict[str, Any] = {
            "first_paint": first_paint,
            "cpu_ms": (cpu_seconds(pids) - cpu) / elapsed * 1000,
            "processes": len(pids),
        }
        after = statements(room)
        if sent is not None and after is not None:
            result["statements"] = (after - sent) / elapsed
        return result
    finally:
        page.close()
        room.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default="a0a80ed", help="commit of the Voila projector")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of quiet measured")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(machine_speed(), flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="klantreis-projector-bench-"))
    rooms = [("klantreis", Path(sys.executable))]
    if not options.no_baseline:
        rooms.append((f"baseline {options.baseline}", baseline_python(options.baseline, workdir)))
    figures: dict[str, dict[str, Any]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for name, python in rooms:
            key = "klantreis" if name == "klantreis" else "baseline"
            figures[name] = measure(python, key, workdir, options.idle, browser)
            shown = figures[name]
            sent = f"{shown['statements']:.1f}/s" if "statements" in shown else "not counted"
            print(
                f"{name}: first paint {shown['first_paint']:.2f} s after the addresses; idle: "
                f"{shown['cpu_ms']:.1f} ms CPU per second in {shown['processes']} processes, "
                f"SQL statements {sent}",
                flush=True,
            )
        browser.close()
    if len(figures) == 2:
        ours, base = figures["klantreis"], figures[rooms[1][0]]
        print(
            f"\nfirst paint {ours['first_paint']:.2f} s vs {base['first_paint']:.2f} s "
            f"({ours['first_paint'] / base['first_paint']:.2g}x; goal <= 5 s: "
            f"{'met' if ours['first_paint'] <= 5 else 'NOT met'}); idle CPU "
            f"{ours['cpu_ms']:.1f} vs {base['cpu_ms']:.1f} ms/s"
        )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
