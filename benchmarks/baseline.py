"""The source tree as it was at an earlier commit, for benchmarks that measure against it."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def baseline_home(name: str, commit: str) -> tuple[Path, bool]:
    """A scratch folder for ``commit``'s baseline and whether it is ready (an earlier run
    finished it: its ``installed`` file exists). A folder that is not ready is emptied."""
    home = Path(tempfile.gettempdir()) / f"klantreis-{name}-{commit}"
    if (home / "installed").is_file():
        return home, True
    shutil.rmtree(home, ignore_errors=True)
    return home, False


def extract_source(commit: str, target: Path) -> Path:
    """Write the tracked files at ``commit`` into ``target`` (made if missing)."""
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def mark_ready(home: Path, commit: str) -> None:
    """Say the baseline in ``home`` is complete (see :func:`baseline_home`)."""
    (home / "installed").write_text(commit)


def machine_speed() -> str:
    """How fast this machine runs plain Python today: the seconds for ten million additions
    (the best of three). Printed beside a benchmark's figures, it tells a slower day from a
    slower change when runs of different days are compared (the same code measured 78 ms and
    224 ms per arrival on two days of this shared machine)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(10_000_000):
            total += number
        best = min(best, time.perf_counter() - started)
    return f"machine: 10 million Python additions in {best:.2f} s (best of 3)"
