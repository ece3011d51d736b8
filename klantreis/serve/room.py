"""``klantreis serve``: the live room as three Voila apps started and stopped together.

- the participant app on the room's address (``--host``/``--port``), the address people join;
- the facilitator console on this machine only (port + 1), protected by the facilitator token;
- the live dashboard, read-only, on the room's address (port + 2).

Kernels are warmed before anyone arrives (``--preheat``), idle ones are culled, and the
chart scripts are built once before the servers start.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from klantreis.charts.bundles import ensure_bundles
from klantreis.domain import KlantreisError
from klantreis.room import (
    DASHBOARD_URL_ENV,
    JOIN_CODE_ENV,
    JOIN_URL_ENV,
    TOKEN_ENV,
    RoomKeys,
    room_keys,
)
from klantreis.serve.commands import jupyter_env, voila_argv

APPS = ("participant", "console", "dashboard")


def app_notebook(name: str) -> Path:
    """The shipped notebook of one app (participant, console, dashboard, report)."""
    return Path(str(resources.files("klantreis.notebooks").joinpath("apps", f"{name}.ipynb")))


def room_address(host: str) -> str:
    """The address others in the room type: the host itself, or this machine's name when the
    server listens on every interface."""
    if not _every_interface(host):
        return host
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "localhost"


def _every_interface(host: str) -> bool:
    return host in ("0.0.0.0", "::", "")


def port_taken(host: str, port: int) -> bool:
    """Whether something on this machine already listens on ``port`` (for ``host``)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the servers themselves do: closed connections still waiting out TIME_WAIT do not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("" if _every_interface(host) else host, port))
        except OSError:
            return True
    return False


def free_port(span: int = 1, host: str = "127.0.0.1") -> int:
    """A port nothing listens on, together with the ``span - 1`` ports after it."""
    while True:
        with socket.socket() as sock:
            sock.bind((host, 0))
            port = int(sock.getsockname()[1])
        if not any(port_taken(host, port + offset) for offset in range(1, span)):
            return port


def probe_url(host: str, port: int) -> str:
    """A URL on the server bound to ``host``:``port`` that answers 404 without starting a kernel.

    A server bound to every interface is asked on the loopback address; one bound to a single
    address (a LAN address, say) only answers there.
    """
    target = "127.0.0.1" if _every_interface(host) else host
    if ":" in target:
        target = f"[{target}]"
    return f"http://{target}:{port}/voila/static/klantreis-ready-probe"


def server_answers(
    probe: str, deadline: float, stopped: Callable[[], bool] = lambda: False
) -> bool:
    """Wait until the server behind ``probe`` answers at all (a 404 counts: it is up).
    False when ``deadline`` (a ``time.monotonic()`` value) passes or ``stopped()`` says the
    server process ended first."""
    while True:
        try:
            urllib.request.urlopen(probe, timeout=5).close()
            return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            if time.monotonic() > deadline or stopped():
                return False
            time.sleep(0.3)


@dataclass
class Room:
    """The running servers of one workshop."""

    folder: Path
    keys: RoomKeys
    join_url: str
    console_url: str
    dashboard_url: str
    endpoints: tuple[tuple[str, int], ...] = ()
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def wait_ready(self, timeout: float = 120) -> None:
        """Block until every app's server answers.

        The probe asks each server for a static file that does not exist: the 404 proves the
        server is up without rendering the notebook, which would start (and spend) a kernel per
        attempt and, on a slow machine, pile up kernels that keep the next attempt slow too.
        """
        deadline = time.monotonic() + timeout

        def stopped() -> bool:
            return any(process.poll() is not None for process in self.processes)

        for host, port in self.endpoints:
            if not server_answers(probe_url(host, port), deadline, stopped):
                raise RuntimeError("the room did not start; see the log in the workshop folder")

    def stop(self) -> None:
        """Stop every server (kernels go with them; everything saved is in the database)."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def start_room(
    folder: Path,
    host: str = "127.0.0.1",
    port: int = 8866,
    preheat: int = 2,
    db_url: str | None = None,
    public_url: str | None = None,
) -> Room:
    """Start the three apps for the workshop in ``folder``; they run until :meth:`Room.stop`."""
    ensure_bundles()
    keys = room_keys(folder)
    address = room_address(host)
    join_url = public_url or f"http://{address}:{port}/"
    dashboard_url = f"http://{address}:{port + 2}/"
    console_url = f"http://127.0.0.1:{port + 1}/"
    base = {"KLANTREIS_DB": db_url} if db_url else {}
    apps = {
        "participant": (host, port, preheat, {JOIN_CODE_ENV: keys.join_code}),
        "console": (
            "127.0.0.1",
            port + 1,
            1,
            {
                TOKEN_ENV: keys.facilitator_token,
                JOIN_CODE_ENV: keys.join_code,
                JOIN_URL_ENV: join_url,
                DASHBOARD_URL_ENV: dashboard_url,
            },
        ),
        # Not preheated: Voila renders a preheated page before anyone connects, and changes made
        # in between would never reach it. The dashboard is opened by few, so it starts fresh.
        "dashboard": (host, port + 2, 0, {}),
    }
    endpoints = tuple((bind, app_port) for bind, app_port, _, _ in apps.values())
    taken = [app_port for bind, app_port in endpoints if port_taken(bind, app_port)]
    if taken:
        raise KlantreisError("cli.serve.port_taken", port=taken[0], first=port, last=port + 2)
    room = Room(folder, keys, join_url, console_url, dashboard_url, endpoints)
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    for name, (bind, app_port, warm, env) in apps.items():
        command = voila_argv(app_notebook(name), app_port, bind, preheat=warm)
        log = (logs / f"{name}.log").open("ab")
        room.processes.append(
            subprocess.Popen(
                command,
                env=jupyter_env(folder, **base, **env),
                cwd=folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return room
