"""How fast and how heavy the live room is, against plain Voila measured in the same run.

    .venv/bin/python benchmarks/room.py [--participants 20] [--rounds 3]

Prints, for the baseline (plain Voila: lab template, a comparable form and one chart via
Altair's own offline mode, no preheating) and for klantreis' participant app (offline template,
bundle built once, preheated kernels):

- time from opening the address to an interactive form, cold and with preheated kernels;
- resident memory per connected participant (kernel RSS);
- time from a participant's save to the card on the live dashboard, with 1 and with N people;
- megabytes a browser receives for the live dashboard, first visit and again, with the chart
  code sent inside every chart widget (the baseline) and served once as a cacheable file.

Every request stays on this machine; each loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from klantreis.room import JOIN_CODE_ENV, room_keys
from klantreis.serve.room import (
    app_notebook,
    free_port,
    probe_url,
    server_answers,
    start_room,
)
from playwright.sync_api import sync_playwright

from klantreis.charts.bundles import SERVED_ENV, ensure_bundles
from klantreis.domain import Card, CardKind, MethodStep
from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder, open_folder
from klantreis.report.pdf import QUIET_FLAGS
from klantreis.serve.commands import jupyter_env, voila_argv

ARGS = list(QUIET_FLAGS)
BASELINE_NOTEBOOK = """import altair as alt
import ipywidgets as w
import pandas as pd
alt.JupyterChart.enable_offline()
name = w.Text(placeholder="Your name")
join = w.Button(description="Join")
data = pd.DataFrame({"x": list("abc"), "y": [1, 2, 3]})
chart = alt.JupyterChart(alt.Chart(data).mark_bar().encode(x="x", y="y"))
w.VBox([name, join, chart])"""


def kernel_pids(server_pid: int) -> list[int]:
    """The kernel processes under a server (ipykernel children)."""
    return [int(entry.name) for entry in _kernel_entries(server_pid)]


def renice_kernels(server_pid: int, niceness: int) -> None:
    """Give every thread of the server's kernels ``niceness`` (lowering it needs root)."""
    for pid in kernel_pids(server_pid):
        for task in Path(f"/proc/{pid}/task").iterdir():
            os.setpriority(os.PRIO_PROCESS, int(task.name), niceness)


def kernels_rss_mb(server_pid: int) -> list[float]:
    """Resident memory of the kernel processes under a server (ipykernel children)."""
    result = []
    for entry in _kernel_entries(server_pid):
        status = (entry / "status").read_text()
        rss = int(
            next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
        )
        result.append(rss / 1024)
    return result


def _kernel_entries(server_pid: int) -> list[Path]:
    result = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = int(
            next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:"))
        )
        if ppid == server_pid and "ipykernel" in cmdline:
            result.append(entry)
    return result


def time_to_form(browser, url: str, placeholder: str) -> float:
    page = browser.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.get_by_placeholder(placeholder).wait_for(timeout=120_000)
    elapsed = time.perf_counter() - started
    page.close()
    return elapsed


def serve(
    notebook: Path, folder: Path, preheat: int, template: str | None, env: dict[str, str]
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = voila_argv(notebook, port, preheat=preheat)
    if template is None:  # the baseline: Voila as it comes
        command = [
            sys.executable,
            "-m",
            "voila",
            str(notebook),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
        ]
    process = subprocess.Popen(
        command, env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/"
    if not server_answers(probe_url("127.0.0.1", port), time.monotonic() + 120):
        raise RuntimeError(f"{url} did not start")
    return process, url


def measure_form(
    browser, notebook, folder, preheat, template, env, placeholder, rounds
) -> tuple[list[float], list[float]]:
    process, url = serve(notebook, folder, preheat, template, env)
    try:
        if preheat:
            time.sleep(12)  # let the pool fill, as it does before a session
        times = []
        for _ in range(rounds):
            times.append(time_to_form(browser, url, placeholder))
            if preheat:
                time.sleep(8)  # the pool refills between arrivals
        pages = [browser.new_page() for _ in range(3)]
        for page in pages:
            page.goto(url)
            page.get_by_placeholder(placeholder).wait_for(timeout=120_000)
        time.sleep(2)
        rss = kernels_rss_mb(process.pid)
        for page in pages:
            page.close()
        return times, rss
    finally:
        process.terminate()
        process.wait(timeout=30)


def cpu_seconds(root_pid: int) -> float:
    """CPU time used so far by a process and its children (from /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == root_pid or int(fields[1]) == root_pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def wait_until_idle(root_pid: int, timeout: float = 600) -> None:
    """Wait until a server and its kernels use (almost) no processor for three seconds."""
    deadline = time.monotonic() + timeout
    last = cpu_seconds(root_pid)
    while time.monotonic() < deadline:
        time.sleep(3)
        now = cpu_seconds(root_pid)
        if now - last < 0.3:
            return
        last = now


def _message(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> str:
    import uuid
    from datetime import UTC, datetime

    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "session": session,
        "username": "bench",
        "date": datetime.now(UTC).isoformat(),
        "version": "5.3",
    }
    return json.dumps(
        {
            "header": header,
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
    )


async def _arrive(url: str, timeout: float) -> float:
    """One participant's whole arrival as the server sees it, without a browser: the page, then
    the kernel's websocket and the widgets' state, asked for as ipywidgets' front-end asks."""
    import asyncio
    import re
    import uuid

    from tornado.httpclient import AsyncHTTPClient
    from tornado.websocket import websocket_connect

    started = time.perf_counter()
    page = await AsyncHTTPClient().fetch(url, connect_timeout=timeout, request_timeout=timeout)
    kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', page.body.decode()).group(1)
    session = uuid.uuid4().hex
    socket_url = (
        url.replace("http://", "ws://") + f"api/kernels/{kernel}/channels?session_id={session}"
    )
    connection = await websocket_connect(socket_url)
    comm = uuid.uuid4().hex
    opened = {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}}
    version = {"version": "1.0.0"}  # ipywidgets' control protocol, as its front-end sends it
    await connection.write_message(_message("comm_open", opened, session, version))
    request = {"comm_id": comm, "data": {"method": "request_states"}}
    await connection.write_message(_message("comm_msg", request, session))
    while True:
        left = timeout - (time.perf_counter() - started)
        reply = await asyncio.wait_for(connection.read_message(), timeout=max(left, 0.1))
        if reply is None:
            raise RuntimeError("the kernel's websocket closed")
        message = json.loads(reply)
        data = message.get("content", {}).get("data", {})
        if message.get("msg_type") == "comm_msg" and data.get("method") == "update_states":
            elapsed = time.perf_counter() - started
            connection.close()
            return elapsed


@dataclass
class Crowd:
    """How a crowd's arrivals went: seconds for those who got their form, and how many did not
    within the time allowed (with the first reason)."""

    times: list[float]
    failed: int
    reason: str

    def summary(self) -> str:
        got = len(self.times)
        text = f"{got} of {got + self.failed} arrived"
        if self.times:
            text += f", median {statistics.median(self.times):.1f} s, last {max(self.times):.1f} s"
        if self.failed:
            text += f"; {self.failed} not within the time allowed ({self.reason})"
        return text


def arrive_at_once(url: str, people: int, timeout: float = 300) -> Crowd:
    """Seconds until each of ``people`` arrivals, started at the same moment, had the page and
    the widgets' state: everything the server does for an arrival, with no browser running.
    Arrivals that take longer than ``timeout`` count as failed."""
    import asyncio

    async def crowd() -> Crowd:
        from tornado.httpclient import AsyncHTTPClient

        AsyncHTTPClient.configure(None, max_clients=people)  # all at once, no client-side queue
        results = await asyncio.gather(
            *(_arrive(url, timeout) for _ in range(people)), return_exceptions=True
        )
        times = sorted(r for r in results if isinstance(r, float))
        errors = [r for r in results if isinstance(r, BaseException)]
        reason = f"{type(errors[0]).__name__}: {errors[0]}"[:120] if errors else ""
        return Crowd(times, len(errors), reason)

    import concurrent.futures

    # In a thread of its own: Playwright's synchronous API keeps an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, crowd()).result()


def arrivals_at_once(
    browser, env, folder, people: int, preheat: int, with_browsers: bool = True
) -> list[float] | Crowd:
    """Seconds until each of ``people`` pages, opened at the same moment, shows its form.

    All pages share this machine's two cores with the server and its kernels, so the figures
    are an upper bound for a room where every participant has a device of their own. Without
    browsers, only the server's part is measured (:func:`arrive_at_once`).
    """
    process, url = serve(app_notebook("participant"), folder, preheat, "klantreis", env)
    try:
        deadline = time.monotonic() + 30 + 8 * preheat
        while len(kernels_rss_mb(process.pid)) < preheat and time.monotonic() < deadline:
            time.sleep(1)
        if preheat:
            wait_until_idle(process.pid)  # the warmed kernels ran the notebook: the pool is full
        if not with_browsers:
            return arrive_at_once(url, people)
        # one context each: every participant has a browser of their own (own connections)
        pages = [browser.new_context().new_page() for _ in range(people)]
        started = time.perf_counter()
        for page in pages:
            page.goto(url, wait_until="commit", timeout=300_000)
        ready = []
        for page in pages:
            page.get_by_placeholder("Your name").wait_for(timeout=300_000)
            ready.append(time.perf_counter() - started)
        for page in pages:
            page.context.close()
        return ready
    finally:
        process.terminate()
        process.wait(timeout=60)


def page_megabytes(browser, env: dict[str, str], folder: Path) -> tuple[float, float]:
    """Megabytes a browser receives to show the live dashboard (HTTP bodies and websocket
    messages), on a first visit and on a second visit with the browser's cache."""
    process, url = serve(app_notebook("dashboard"), folder, 0, "klantreis", env)
    context = browser.new_context()
    try:
        visits = []
        for _ in range(2):
            page = context.new_page()
            received = [0]
            # What crossed the wire, from Chromium: a cached file counts 0, a 304 its headers.
            wire = context.new_cdp_session(page)
            wire.send("Network.enable")
            wire.on(
                "Network.loadingFinished",
                lambda event, received=received: received.__setitem__(
                    0, received[0] + event["encodedDataLength"]
                ),
            )
            wire.on(
                "Network.webSocketFrameReceived",
                lambda event, received=received: received.__setitem__(
                    0, received[0] + len(event["response"]["payloadData"])
                ),
            )
            page.goto(url)
            page.wait_for_function(
                "document.querySelectorAll('.vega-embed .marks').length >= 1", timeout=180_000
            )
            page.wait_for_timeout(1500)
            visits.append(received[0] / 1e6)
            page.close()
        return visits[0], visits[1]
    finally:
        context.close()
        process.terminate()
        process.wait(timeout=60)


def dashboard_latency(
    browser, people: int, samples: int, with_browsers: bool = True, niceness: int | None = None
) -> list[float]:
    """Seconds from a save to the card on the live dashboard, with ``people`` joined.

    Every participant's kernel keeps polling the workshop whether or not its page is open; with
    ``with_browsers=False`` the pages are closed after joining, which leaves the server's load
    (kernels, database) and takes the participants' browsers off this machine's two cores.
    ``niceness`` overrides the participant kernels' priority after joining (0: as plain Voila).
    """
    root = Path(tempfile.mkdtemp(prefix="klantreis-bench-"))
    folder = root / "room"
    create_folder(folder, load_template("orchestra", "en"))
    port = free_port()
    room = start_room(folder, port=port, preheat=min(people, 4))
    try:
        room.wait_ready(timeout=240)
        service = open_folder(folder)
        service.open_step(MethodStep.MAPPING)
        code = room.keys.join_code
        pages = []
        for number in range(people):
            page = browser.new_page()
            page.goto(room.join_url)
            page.get_by_placeholder("Your name").wait_for(timeout=180_000)
            page.get_by_placeholder("for example K7M2QX").fill(code)
            page.get_by_placeholder("Your name").fill(f"Bench {number}")
            page.get_by_role("button", name="Join").click()
            page.get_by_text(f"You are taking part as Bench {number}").wait_for(timeout=180_000)
            if with_browsers:
                pages.append(page)
            else:
                page.close()
        if niceness is not None:
            renice_kernels(room.processes[0].pid, niceness)
        dashboard = browser.new_page()
        dashboard.goto(room.dashboard_url)
        dashboard.wait_for_function(
            "document.querySelectorAll('.vega-embed .marks').length >= 1",
            timeout=120_000,
        )
        person = service.participants()[0]
        focus = service.snapshot().focus_segment
        latencies = []
        for sample in range(samples):
            text = (
                f"Probe {sample}-{time.time_ns() % 10_000}"  # short: the board truncates long text
            )
            started = time.perf_counter()
            service.add_card(
                Card(
                    workshop_id=service.workshop_id,
                    segment_id=focus.id,
                    kind=CardKind.NEED,
                    text=text,
                ),
                person.id,
            )
            dashboard.wait_for_function(
                f"document.body.textContent.includes({json.dumps(text)})", timeout=30_000
            )
            latencies.append(time.perf_counter() - started)
        for page in [*pages, dashboard]:
            page.close()
        return latencies
    finally:
        room.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--room", type=int, default=30, help="people opening the join address at the same moment"
    )
    parser.add_argument(
        "--only-bytes", action="store_true", help="measure only what a chart page sends"
    )
    parser.add_argument(
        "--only-crowd",
        action="store_true",
        help="measure only the server's share of a crowd arriving at once (no browsers)",
    )
    parser.add_argument(
        "--only-latency",
        action="store_true",
        help="measure only save-to-dashboard times (with and without participants' browsers)",
    )
    options = parser.parse_args()
    ensure_bundles()
    root = Path(tempfile.mkdtemp(prefix="klantreis-bench-"))
    folder = root / "workshop"
    create_folder(folder, load_template("orchestra", "en"))
    keys = room_keys(folder)
    baseline = root / "baseline.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BASELINE_NOTEBOOK)]), baseline
    )
    plain_env = dict(os.environ)
    our_env = jupyter_env(folder, **{JOIN_CODE_ENV: keys.join_code})
    inline_env = {k: v for k, v in our_env.items() if k != SERVED_ENV}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        sent = {
            "chart code in every widget": page_megabytes(browser, inline_env, folder),
            "chart code served as a file": page_megabytes(browser, our_env, folder),
        }
        for name, (first, again) in sent.items():
            print(f"dashboard page, {name}: {first:.2f} MB first visit, {again:.2f} MB again")
        if options.only_bytes:
            return
        if options.only_crowd:
            for people in sorted({4, options.room}):
                process, url = serve(baseline, folder, 0, None, plain_env)
                try:
                    crowd = arrive_at_once(url, people)
                finally:
                    process.terminate()
                    process.wait(timeout=60)
                print(f"{people} at once, no browsers, plain Voila (baseline): {crowd.summary()}")
                for preheat in (0, people):
                    crowd = arrivals_at_once(
                        browser, our_env, folder, people, preheat, with_browsers=False
                    )
                    print(
                        f"{people} at once, no browsers, klantreis, {preheat} preheated:"
                        f" {crowd.summary()}",
                        flush=True,
                    )
            return
        if options.only_latency:
            for people, with_browsers, niceness in (
                (1, True, None),
                (options.participants, True, None),
                (options.participants, False, 0),
                (options.participants, False, None),
            ):
                times = dashboard_latency(browser, people, 10, with_browsers, niceness)
                where = "browsers here" if with_browsers else "pages closed after joining"
                if niceness == 0:
                    where += ", participant kernels at normal priority"
                print(
                    f"save -> dashboard, {people} participants, {where}: median"
                    f" {statistics.median(times):.2f} s, all {[round(x, 2) for x in times]}",
                    flush=True,
                )
            return
        rows = []
        base_cold, base_rss = measure_form(
            browser, baseline, folder, 0, None, plain_env, "Your name", options.rounds
        )
        ours_cold, ours_rss = measure_form(
            browser,
            app_notebook("participant"),
            folder,
            0,
            "klantreis",
            our_env,
            "Your name",
            options.rounds,
        )
        ours_warm, _ = measure_form(
            browser,
            app_notebook("participant"),
            folder,
            2,
            "klantreis",
            our_env,
            "Your name",
            options.rounds,
        )
        rows.append(
            (
                "time to interactive form, cold (s)",
                statistics.median(base_cold),
                statistics.median(ours_cold),
            )
        )
        rows.append(("time to interactive form, preheated (s)", None, statistics.median(ours_warm)))
        rows.append(
            (
                "kernel memory per participant (MB)",
                statistics.mean(base_rss),
                statistics.mean(ours_rss),
            )
        )
        crowds = {}
        for people, preheat in ((4, 0), (4, 4), (options.room, options.room)):
            crowds[(people, preheat)] = arrivals_at_once(browser, our_env, folder, people, preheat)
            print(f"{people} at once, {preheat} preheated:", crowds[(people, preheat)], flush=True)
        served = arrivals_at_once(
            browser, our_env, folder, options.room, options.room, with_browsers=False
        )
        print(f"{options.room} at once, warm pool, no browsers:", served.summary(), flush=True)
        one = dashboard_latency(browser, 1, 5)
        print("save -> dashboard, 1 participant:", one, flush=True)
        many = dashboard_latency(browser, options.participants, 5)
        print(f"save -> dashboard, {options.participants} participants:", many, flush=True)
        many_server = dashboard_latency(browser, options.participants, 5, with_browsers=False)
        print(f"save -> dashboard, {options.participants} kernels, pages closed:", many_server)
        browser.close()
    print(f"{'measure':45} {'plain Voila':>12} {'klantreis':>12} {'ratio':>7}")
    for name, base, ours in rows:
        ratio = f"{ours / base:.2f}" if base else "-"
        base_text = f"{base:12.2f}" if base is not None else f"{'-':>12}"
        print(f"{name:45} {base_text} {ours:12.2f} {ratio:>7}")
    print(
        f"{'save -> live dashboard, 1 participant (s)':45} {'-':>12} {statistics.median(one):12.2f}"
    )
    print(
        f"{f'save -> live dashboard, {options.participants} participants (s)':45} {'-':>12}"
        f" {statistics.median(many):12.2f}"
    )
    print(
        f"{'  same, pages closed after joining (s)':45} {'-':>12}"
        f" {statistics.median(many_server):12.2f}"
    )
    name = f"{options.room} arrivals at once (page + widget state), warm pool, no browsers"
    print(f"{name}: {served.summary()}")
    for (people, preheat), times in crowds.items():
        name = f"{people} arriving at once, {preheat} preheated: median/last (s)"
        print(f"{name:58} {statistics.median(times):6.1f} {max(times):6.1f}")
    print(
        "(single runs, s: plain cold",
        [round(x, 1) for x in base_cold],
        "klantreis cold",
        [round(x, 1) for x in ours_cold],
        "preheated",
        [round(x, 1) for x in ours_warm],
        ")",
    )


if __name__ == "__main__":
    main()
