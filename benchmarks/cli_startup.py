"""How fast the command line answers: each quick command against a baseline, in the same run.

    .venv/bin/python -m benchmarks.cli_startup [--baseline 238b37a] [--runs 7]

The baseline is the package as it was at ``--baseline`` (by default the commit before the
command line loaded its libraries lazily), laid out as installed in a scratch folder (without
its dependencies) and run with this environment's libraries, so the two differ only in
klantreis itself.
Each command runs ``--runs`` times in a fresh process; the median wall time is printed, with
the modules it loaded and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from benchmarks.baseline import ROOT, baseline_home, extract_source, machine_speed, mark_ready

SCRATCH = tempfile.gettempdir()
"""Where the commands run: not in the source tree, whose klantreis/ would come first."""
COMMANDS: list[list[str]] = [["--help"], ["templates"], ["data", "--help"], ["info", "{folder}"]]
HEAVY = ("alembic", "sqlalchemy", "pydantic", "pandas", "duckdb", "ipywidgets", "altair")
RUNNER = (
    "import runpy, sys\n"
    "base = {base!r}\n"
    "if base:\n"
    "    # the editable install's finder comes before PYTHONPATH: take it out for the baseline\n"
    "    sys.meta_path[:] = [f for f in sys.meta_path\n"
    "                        if not type(f).__module__.startswith('__editable__')]\n"
    "sys.argv = ['klantreis', *{args!r}]\n"
    "try:\n"
    "    runpy.run_module('klantreis', run_name='__main__', alter_sys=True)\n"
    "except SystemExit:\n"
    "    pass\n"
    "if {count!r}:\n"
    "    heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))\n"
    "    where = sys.modules['klantreis'].__file__\n"
    "    print('@@', len(sys.modules), ','.join(heavy) or '-', where, file=sys.stderr)\n"
)
"""Runs ``klantreis ARGS`` as ``python -m klantreis`` does, from the baseline folder when given
(and, when counting, says how many modules it loaded, which heavy ones, and from where)."""


def baseline_path(commit: str) -> Path:
    """A folder with klantreis as it was at ``commit`` laid out as installed (each top-level
    folder where pyproject's package-dir puts it), without dependencies: put it first on the
    path to run that version with this environment's libraries."""
    home, ready = baseline_home("cli-baseline", commit)
    site = home / "site"
    if ready:
        return site
    source = extract_source(commit, home / "src")
    config = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))
    for package, folder in config["tool"]["setuptools"]["package-dir"].items():
        shutil.copytree(source / folder, site.joinpath(*package.split(".")), dirs_exist_ok=True)
    mark_ready(home, commit)
    return site
    shutil.rmtree(home, ignore_errors=True)
    source = home / "src"
    source.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    config = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))
    for package, folder in config["tool"]["setuptools"]["package-dir"].items():
        shutil.copytree(source / folder, site.joinpath(*package.split(".")), dirs_exist_ok=True)
    (home / "installed").write_text(commit)
    return site


def run(args: list[str], path: Path | None, runs: int) -> tuple[float, int, str]:
    """Median seconds of ``klantreis ARGS`` in a fresh process over ``runs``, the modules it
    loaded and the heavy ones among them."""
    env = dict(os.environ, KLANTREIS_LANG="en")
    base = str(path) if path else ""
    if base:
        env["PYTHONPATH"] = base  # the baseline first on the path
    else:
        env.pop("PYTHONPATH", None)
    times = []
    for _ in range(runs):
        code = RUNNER.format(base=base, args=args, count=False, heavy=HEAVY)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=SCRATCH, capture_output=True, check=False
        )
        times.append(time.perf_counter() - started)
    code = RUNNER.format(base=base, args=args, count=True, heavy=HEAVY)
    probe = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=SCRATCH, capture_output=True, text=True
    )
    line = next((x for x in probe.stderr.splitlines() if x.startswith("@@")), "@@ 0 ? ?")
    _, modules, heavy, where = line.split(" ", 3)
    if path is not None and not where.startswith(str(path)):
        raise RuntimeError(f"the baseline ran the wrong klantreis: {where}")
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
        print(machine_speed())
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
