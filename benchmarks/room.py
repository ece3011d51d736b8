"""The room's server share, against the Voila room of an earlier commit measured in the same run.

    .venv/bin/python -m benchmarks.room [--people 30 100] [--saves 10] [--soak 100x20]
                                        [--baseline cf2367e] [--baseline-people 10 30]
                                        [--baseline-kind voila|room]

Participants are simulated without browsers (tests/room_client.py: the page, its websocket and
the widget protocol, exactly what a browser's widget manager sends), so the figures are what
the server spends, not what ten Chromiums on the same two cores spend. For each room it prints:

- resident memory per connected participant (joined, in the mapping step);
- server CPU per arrival (the join page, joining, the first form of the open step);
- N participants arriving at the same moment, no warm pool: median and last one ready;
- a save seen by every other participant's page and by the live dashboard (the projector's
  page): p50 and p95;
- soak: P participants x S saves each: saves lost and duplicated, memory before and after.

The baseline is the room as it was at ``--baseline`` (a Voila kernel per participant),
installed once into a virtual environment of its own under the temporary folder and served by
its own ``klantreis serve``. It is measured with fewer people where a kernel each would not fit
(``--baseline-people``). Every request stays on this machine; every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from klantreis.widgets.room.keys import room_keys

from benchmarks.baseline import baseline_home, extract_source, machine_speed, mark_ready
from klantreis.domain import MethodStep
from klantreis.folder import open_folder
from klantreis.i18n import t
from tests.ports import free_port
from tests.room_client import RoomClient, VoilaClient, add_card, join
from tests.served import process_tree

TICK = os.sysconf("SC_CLK_TCK")


# -- processes -------------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS:")), 0)
    return total / 1024


def room_releases(room: Served) -> int:
    """How many times the room handed memory back (its status on the console's listener);
    -1 when it does not say (the Voila room)."""
    try:
        url = f"http://127.0.0.1:{room.port + 1}/_klantreis/status"
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(json.load(answer).get("releases", -1))
    except (OSError, ValueError):
        return -1


@dataclass
class Served:
    """One room under test: its process, addresses and code."""

    name: str
    process: subprocess.Popen[str]
    folder: Path
    port: int
    code: str
    client: type[RoomClient]
    participant_pids: callable = field(default=None)  # type: ignore[valid-type]

    @property
    def join_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def dashboard_url(self) -> str:
        return f"http://127.0.0.1:{self.port + 2}/"

    def server_pids(self) -> list[int]:
        """The processes that serve participants (the room process, or Voila and its kernels)."""
        if self.client is RoomClient:  # one process: this one, or an earlier commit's
            return [self.process.pid]
        voila = [p for p in process_tree(self.process.pid) if _port_of(p) == self.port]
        return process_tree(voila[0]) if voila else []

    def stop(self) -> None:
        """Stop the room and everything under it (the baseline's serve left its Voila servers
        and kernels running on SIGTERM, the bug the one-process room fixed)."""
        everything = process_tree(self.process.pid)
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        for pid in everything:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _port_of(pid: int) -> int | None:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    for part in command:
        if part.startswith(b"--port="):
            return int(part.split(b"=")[1])
    return None


OPEN_MAPPING = (
    "import sys; from pathlib import Path; from klantreis.domain import MethodStep; "
    "from klantreis.folder import open_folder; s = open_folder(Path(sys.argv[1])); "
    "(getattr(s, 'open_method_step', None) or s.open_step)"
    f"(MethodStep.{MethodStep.MAPPING.name})"
)
"""Opens the mapping step of a workshop folder (run by the Python of the room under test; an
earlier commit's service called it ``open_step``)."""


def serve(python: Path, name: str, workdir: Path, extra: list[str], voila: bool = False) -> Served:
    """``klantreis serve`` of one installation on a fresh orchestra workshop (English)."""
    folder = workdir / f"{name}-{time.time_ns()}"
    init = ["init", str(folder), "--template", "orchestra", "--lang", "en"]
    # From the work folder: ``python -m klantreis`` in the repository would find its source
    # tree first, not the installation under test.
    # Both steps by the installation under test: a folder this checkout opened is migrated to
    # its newer schema, which an earlier commit's room refuses to serve.
    subprocess.run(
        [str(python), "-m", "klantreis", *init], check=True, capture_output=True, cwd=workdir
    )
    subprocess.run([str(python), "-c", OPEN_MAPPING, str(folder)], check=True, cwd=workdir)
    port = free_port(span=3)
    process = subprocess.Popen(
        [str(python), "-m", "klantreis", "serve", str(folder), "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, KLANTREIS_LANG="en"),
        cwd=workdir,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if "Ctrl-C" in line or not line:
            break
    client = VoilaClient if voila else RoomClient
    return Served(name, process, folder, port, room_keys(folder).join_code, client)


def baseline_python(commit: str, workdir: Path) -> Path:
    """The Python of a virtual environment with klantreis as it was at ``commit``."""
    home, ready = baseline_home("baseline", commit)
    python = home / "venv" / "bin" / "python"
    if ready:
        return python
    source = extract_source(commit, home / "src")
    subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(source)], check=True)
    mark_ready(home, commit)
    return python


# -- what a participant does -----------------------------------------------------------------


async def arrive(room: Served, name: str) -> RoomClient:
    """Open the join address, join, and wait for the mapping step's form."""
    client = await room.client(room.join_url).open(timeout=900)
    await join(client, room.code, name, timeout=900)
    add = t("form.add", "en")
    await client.wait_for(lambda: client.find(description=add) is not None, timeout=900)
    return client


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# -- the measurements ------------------------------------------------------------------------


async def memory_and_cpu(room: Served, people: int) -> tuple[float, float]:
    """MB per connected participant and server CPU seconds per arrival (one after another)."""
    warm = await arrive(room, "Warm-up")
    await asyncio.sleep(2)
    before_mb = rss_mb(room.server_pids())
    before_cpu = cpu_seconds(room.server_pids())
    clients = [await arrive(room, f"Seq {n}") for n in range(people)]
    cpu = (cpu_seconds(room.server_pids()) - before_cpu) / people
    await asyncio.sleep(2)
    per_person = (rss_mb(room.server_pids()) - before_mb) / people
    for client in [warm, *clients]:
        await client.close()
    return per_person, cpu


async def crowd(room: Served, people: int) -> tuple[float, float, int]:
    """People arriving at the same moment: median and last ready (s), and how many failed."""
    started = time.perf_counter()

    async def one(number: int) -> float:
        client = await arrive(room, f"Crowd {number}")
        ready = time.perf_counter() - started
        await client.close()
        return ready

    results = await asyncio.gather(*(one(n) for n in range(people)), return_exceptions=True)
    times = [r for r in results if isinstance(r, float)]
    failed = len(results) - len(times)
    if not times:
        return float("nan"), float("nan"), failed
    return statistics.median(times), max(times), failed


async def save_latency(room: Served, people: int, saves: int) -> tuple[list[float], list[float]]:
    """Seconds from a save until every other participant's page shows it, and until the live
    dashboard (a page of the room; in the baseline a Voila app of its own) has it."""
    clients = list(await asyncio.gather(*(arrive(room, f"Lat {n}") for n in range(people))))
    dashboard = await room.client(room.dashboard_url).open(timeout=900)
    pages, board = [], []
    for number in range(saves):
        text = f"Probe {number}-{time.time_ns() % 100000}"
        for client in clients[1:]:
            client.listen_to_wire()
        dashboard.listen_to_wire()
        started = time.perf_counter()
        await add_card(clients[0], text)

        async def seen(client: RoomClient, text: str = text) -> None:
            await client.wait_for_wire(text, timeout=120)

        await asyncio.gather(*(seen(c) for c in clients[1:]))
        pages.append(time.perf_counter() - started)
        await seen(dashboard)
        board.append(time.perf_counter() - started)
        await asyncio.sleep(0.3)
    for client in [*clients, dashboard]:
        await client.close()
    return pages, board


async def soak(room: Served, people: int, saves: int) -> tuple[int, int, float, float]:
    """Every participant saves ``saves`` cards; how many were lost and duplicated, and the
    server's memory before and after everyone left."""
    before = rss_mb(room.server_pids())
    clients = list(await asyncio.gather(*(arrive(room, f"Soak {n}") for n in range(people))))

    unseen = [0]

    async def work(number: int, client: RoomClient) -> None:
        for index in range(saves):
            text = f"Soak card {number}.{index}"
            await add_card(client, text)
            try:
                await client.wait_for_row(text, timeout=120)
            except TimeoutError:
                unseen[0] += 1  # counted; whether it was stored is read from the store below

    await asyncio.gather(*(work(n, c) for n, c in enumerate(clients)))
    if unseen[0]:
        print(f"soak: {unseen[0]} saves not shown on their own page within 120 s", flush=True)
    released = room_releases(room)
    for client in clients:
        await client.close()
    # The room hands memory back once pages stopped leaving for a while (at most a minute).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and room_releases(room) <= released:
        await asyncio.sleep(1)
    after = rss_mb(room.server_pids())
    stored = [c.text for c in open_folder(room.folder).snapshot().cards]
    expected = {f"Soak card {n}.{i}" for n in range(people) for i in range(saves)}
    soaked = [text for text in stored if text.startswith("Soak card ")]
    lost = len(expected - set(soaked))
    duplicated = len(soaked) - len(set(soaked))
    return lost, duplicated, before, after


# -- the report ------------------------------------------------------------------------------


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2g}x" if base and value == value and base == base else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=[30, 100])
    parser.add_argument("--baseline", default="cf2367e", help="commit of the Voila room")
    parser.add_argument("--baseline-people", type=int, nargs="+", default=[10, 30])
    parser.add_argument(
        "--baseline-kind",
        choices=["voila", "room"],
        default="voila",
        help="the baseline is a Voila room (a kernel each) or the one-process room",
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--only-baseline", action="store_true")
    parser.add_argument("--saves", type=int, default=10, help="saves timed per crowd size")
    parser.add_argument("--soak", default="100x20", help="PEOPLExSAVES")
    parser.add_argument("--sequential", type=int, default=10, help="arrivals for memory/CPU")
    options = parser.parse_args()
    print(machine_speed(), flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="klantreis-room-bench-"))
    python = Path(sys.executable)
    rooms: list[tuple[str, Path, list[str], list[int]]] = (
        [] if options.only_baseline else [("klantreis", python, [], options.people)]
    )
    if not options.no_baseline:
        base = baseline_python(options.baseline, workdir)
        rooms.append(
            (
                f"{options.baseline_kind} room ({options.baseline})",
                base,
                ["--preheat", "0"] if options.baseline_kind == "voila" else [],
                options.baseline_people,
            )
        )
    figures: dict[str, dict[str, Any]] = {}
    for name, interpreter, extra, crowds in rooms:
        key = "klantreis" if interpreter == python else "baseline"
        voila = key == "baseline" and options.baseline_kind == "voila"
        result: dict[str, Any] = {}
        room = serve(interpreter, key, workdir, extra, voila)
        try:
            result["memory"], result["cpu"] = asyncio.run(memory_and_cpu(room, options.sequential))
        finally:
            room.stop()
        for people in crowds:
            room = serve(interpreter, key, workdir, extra, voila)
            try:
                result[f"crowd{people}"] = asyncio.run(crowd(room, people))
                result[f"latency{people}"] = asyncio.run(save_latency(room, people, options.saves))
            finally:
                room.stop()
        if key == "klantreis":
            people, saves = (int(x) for x in options.soak.split("x"))
            room = serve(interpreter, key, workdir, extra, voila)
            try:
                result["soak"] = (people, saves, *asyncio.run(soak(room, people, saves)))
                print(f"[{name}] soak: {result['soak']}", flush=True)
            finally:
                room.stop()
        figures[key] = result
        print(f"\n== {name} ==", flush=True)
        report(result)
    if "baseline" in figures and "klantreis" in figures:
        compare(figures["klantreis"], figures["baseline"])
    shutil.rmtree(workdir, ignore_errors=True)


def report(result: dict[str, Any]) -> None:
    print(f"memory per connected participant: {result['memory']:.1f} MB")
    print(f"server CPU per arrival (page, join, first form): {result['cpu'] * 1000:.0f} ms")
    for key, value in result.items():
        if key.startswith("crowd"):
            median, last, failed = value
            people = key.removeprefix("crowd")
            print(
                f"{people} arriving at once: median {median:.2f} s, last {last:.2f} s, "
                f"{failed} failed"
            )
        if key.startswith("latency"):
            pages, board = value
            people = key.removeprefix("latency")
            print(
                f"save seen by the other {int(people) - 1} pages ({people} connected): "
                f"p50 {percentile(pages, 0.5):.2f} s, p95 {percentile(pages, 0.95):.2f} s; "
                f"by the dashboard p50 {percentile(board, 0.5):.2f} s, "
                f"p95 {percentile(board, 0.95):.2f} s"
            )
    if "soak" in result:
        people, saves, lost, duplicated, before, after = result["soak"]
        print(
            f"soak {people} x {saves} saves: {lost} lost, {duplicated} duplicated; "
            f"server {before:.0f} MB before, {after:.0f} MB after all left"
        )


GOALS = {"memory": 10.0, "cpu": 0.100, "crowd30": 2.0, "crowd100": 5.0}
"""The issue's goals: MB per participant, CPU seconds per arrival, last one ready (s)."""

LATENCY_GOALS = {30: 0.3, 100: 1.0}
"""The issue's goals for a save seen by every other page, p95 (s), by people connected."""


def compare(ours: dict[str, Any], base: dict[str, Any]) -> None:
    """Every figure of klantreis with the baseline's, their ratio and the goal."""
    print("\n== klantreis against the baseline (ratio: klantreis / baseline) ==")

    def line(label: str, mine: float, theirs: float | None, unit: str, goal: float | None) -> None:
        scale, shown = (1000, "ms") if unit == "ms" else (1, unit)
        digits = {"ms": 0, "MB": 1}.get(unit, 2)
        against = (
            f"{theirs * scale:.{digits}f} {shown} ({ratio(mine, theirs)})"
            if theirs is not None
            else f"not measured (a kernel each: {base['memory']:.0f} MB per person)"
        )
        verdict = ""
        if goal is not None:
            met = "met" if mine <= goal else "NOT met"
            verdict = f"; goal <= {goal * scale:g} {shown}: {met}"
        print(f"{label}: {mine * scale:.{digits}f} {shown} vs {against}{verdict}")

    line("memory per participant", ours["memory"], base["memory"], "MB", GOALS["memory"])
    line("CPU per arrival", ours["cpu"], base["cpu"], "ms", GOALS["cpu"])
    for key in ours:
        if key.startswith("crowd"):
            theirs = base[key][1] if key in base else None
            label = f"{key.removeprefix('crowd')} at once, last ready"
            line(label, ours[key][1], theirs, "s", GOALS.get(key))
        if key.startswith("latency"):
            connected = int(key.removeprefix("latency"))
            mine = percentile(ours[key][0], 0.95)
            theirs = percentile(base[key][0], 0.95) if key in base else None
            label = f"{connected} connected, save seen by all pages p95"
            line(label, mine, theirs, "s", LATENCY_GOALS.get(connected))
    if "soak" in ours:
        people, saves, lost, duplicated, before, after = ours["soak"]
        met = "met" if lost == duplicated == 0 else "NOT met"
        print(
            f"soak {people} x {saves}: {lost} lost, {duplicated} duplicated (goal 0, 0: {met}); "
            f"{before:.0f} MB before, {after:.0f} MB after all left; the baseline has no soak"
        )


if __name__ == "__main__":
    main()
