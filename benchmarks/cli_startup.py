"""How fast the command line answers: each quick command against a baseline, in the same run.

    .venv/bin/python benchmarks/cli_startup.py [--baseline 238b37a] [--runs 7]

The baseline is the package as it was at ``--baseline`` (by default the commit before the
command line loaded its libraries lazily), installed without its dependencies into a scratch
folder and run with this environment's libraries, so the two differ only in klantreis itself.
Each command runs ``--runs`` times in a fresh process; the median wall time is printed, with
the modules it loaded and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS: list[list[str]] = [["--help"], ["templates"], ["data", "--help"], ["info", "{folder}"]]
HEAVY = ("alembic", "sqlalchemy", "pydantic", "pandas", "duckdb", "ipywidgets", "altair")
COUNT_MODULES = (
    "import sys, runpy\n"
    "sys.argv = ['klantreis', *{args!r}]\n"
    "try:\n"
    "    runpy.run_module('klantreis', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
    "heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))\n"
    "print('@@', len(sys.modules), ','.join(heavy) or '-', file=sys.stderr)\n"
)


def baseline_path(commit: str) -> Path:
    """A folder with klantreis as it was at ``commit`` (no dependencies): put it first on the
    path to run that version with this environment's libraries."""
    home = Path(tempfile.gettempdir()) / f"klantreis-cli-baseline-{commit}"
    if (home / "installed").is_file():
        return home / "site"
    source = home / "src"
    source.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
    subprocess.run([*pip, "--target", str(home / "site"), str(source)], check=True)
    (home / "installed").write_text(commit)
    return home / "site"


def run(args: list[str], path: Path | None, runs: int) -> tuple[float, int, str]:
    """Median seconds of ``python -m klantreis ARGS`` over ``runs``, modules loaded, heavy ones."""
    env = dict(os.environ, KLANTREIS_LANG="en")
    if path is not None:
        env["PYTHONPATH"] = str(path)
    else:
        env.pop("PYTHONPATH", None)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "klantreis", *args], env=env, capture_output=True, check=False
        )
        times.append(time.perf_counter() - started)
    probe = subprocess.run(
        [sys.executable, "-c", COUNT_MODULES.format(args=args, heavy=HEAVY)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in probe.stderr.splitlines() if x.startswith("@@")), "@@ 0 ?")
    _, modules, heavy = line.split(" ", 2)
    return statistics.median(times), int(modules), heavy


def interpreter(runs: int) -> float:
    """Median seconds of ``python -c pass``: the floor no command can go below."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", default="238b37a", help="commit to compare with")
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    base = baseline_path(options.baseline)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "orchestra"
        subprocess.run(
            [sys.executable, "-m", "klantreis", "init", str(folder), "--template", "orchestra"],
            check=True,
            capture_output=True,
        )
        print(f"python itself (start and stop): {interpreter(options.runs):.3f} s")
        header = f"{'command':<22}{'baseline s':>11}{'now s':>9}{'ratio':>8}  modules  heavy now"
        print(header)
        for command in COMMANDS:
            args = [a.format(folder=folder) for a in command]
            before = run(args, base, options.runs)
            now = run(args, None, options.runs)
            ratio = before[0] / now[0] if now[0] else float("inf")
            name = "klantreis " + " ".join(command).replace("{folder}", "DIR")
            print(
                f"{name:<22}{before[0]:>11.3f}{now[0]:>9.3f}{ratio:>7.1f}x"
                f"  {before[1]:>4}→{now[1]:<4} {now[2]}"
            )


if __name__ == "__main__":
    main()
