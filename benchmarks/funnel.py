"""The funnel and paths over large event logs: DuckDB against plain pandas, in the same run.

    .venv/bin/python -m benchmarks.funnel [--sizes 1000000 10000000] [--workdir DIR]

For each size, a seeded log for the orchestra template's ideal journey is generated (Parquet),
imported (DuckDB checks it and writes the clean log), and then the funnel, timings, paths and
channel mix are computed twice, each in a fresh process so its peak memory is its own:

- DuckDB on the Parquet file (``klantreis.analytics.engine``), the kit's path;
- plain pandas reading the whole log (``klantreis.analytics.reference``), the baseline.

Prints wall time, peak resident memory, the ratios, and whether both gave the same result.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from klantreis.analytics.results import journey_data
from klantreis.analytics.sample import sample_rules, write_event_log
from klantreis.analytics.storage import DataFolder
from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder, open_folder


def prepare(folder: Path, events: int) -> dict[str, float]:
    """Make the workshop, generate and import the log; return how long each took."""
    service = create_folder(folder, load_template("orchestra", "en"))
    snapshot = service.snapshot()
    raw = folder / "raw.parquet"
    started = time.perf_counter()
    written = write_event_log(snapshot, raw, events, seed=1)
    generated = time.perf_counter() - started
    data = DataFolder(folder)
    data.save_rules(sample_rules(snapshot, "en"))
    started = time.perf_counter()
    data.import_events(raw)
    imported = time.perf_counter() - started
    raw.unlink()
    return {"events": written, "generate_s": generated, "import_s": imported}


def measure_one(folder: Path, engine_name: str) -> None:
    """Child process: compute once, print seconds, peak memory and a digest as JSON."""
    service = open_folder(folder)
    data = DataFolder(folder)
    started = time.perf_counter()
    result = journey_data(service.snapshot(), data, engine_name)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    digest = {
        "funnel": result.funnel[["open", "closed"]].to_dict("list"),
        "timing": [round(x, 3) for x in result.timing["median_seconds"].fillna(-1)],
        "paths": result.paths[["path", "customers"]].to_dict("list"),
        "mix": int(result.mix["count"].sum()) if not result.mix.empty else 0,
    }
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "digest": digest}))


def measure(folder: Path, engine_name: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", engine_name, "--workdir", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def baseline_memory() -> float:
    """Peak memory of a process that only imports what the measured ones import."""
    code = (
        "import resource, klantreis.analytics.results, klantreis.folder;"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--one", choices=["duckdb", "pandas"], default=None)
    options = parser.parse_args()
    if options.one:
        measure_one(options.workdir, options.one)
        return
    root = options.workdir or Path(tempfile.mkdtemp(prefix="klantreis-funnel-"))
    floor = baseline_memory()
    print(f"memory of a process with the kit imported, before any data: {floor:.0f} MB")
    rows = []
    for size in options.sizes:
        folder = root / f"w{size}"
        prepared = prepare(folder, size)
        print(
            f"{prepared['events']:,.0f} events: generated in {prepared['generate_s']:.1f} s, "
            f"imported (checked, written as Parquet) by DuckDB in {prepared['import_s']:.1f} s",
            flush=True,
        )
        fast = measure(folder, "duckdb")
        plain = measure(folder, "pandas")
        same = fast["digest"] == plain["digest"]
        rows.append((prepared["events"], fast, plain, same))
        print(
            f"  duckdb {fast['seconds']:.2f} s, peak {fast['peak_mb']:.0f} MB | "
            f"pandas {plain['seconds']:.2f} s, peak {plain['peak_mb']:.0f} MB | same: {same}",
            flush=True,
        )
    print()
    print(
        f"{'events':>12} {'duckdb s':>9} {'pandas s':>9} {'speed-up':>9} "
        f"{'duckdb MB':>10} {'pandas MB':>10} {'memory':>7} {'same':>5}"
    )
    for events, fast, plain, same in rows:
        speed = float(plain["seconds"]) / float(fast["seconds"])  # type: ignore[arg-type]
        memory = float(fast["peak_mb"]) / float(plain["peak_mb"])  # type: ignore[arg-type]
        print(
            f"{events:>12,.0f} {fast['seconds']:>9.2f} {plain['seconds']:>9.2f} {speed:>8.1f}x "
            f"{fast['peak_mb']:>10.0f} {plain['peak_mb']:>10.0f} {memory:>6.2f}x {same!s:>5}"
        )


if __name__ == "__main__":
    main()
