"""Addresses and ports of the servers klantreis starts: which address others type, whether a
port is free, and waiting until a server answers."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable


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


def wait_until_serving(
    endpoints: tuple[tuple[str, int], ...],
    timeout: float = 120,
    stopped: Callable[[], bool] = lambda: False,
) -> None:
    """Block until a server answers at every ``(host, port)``, each asked where it is bound.

    The probe asks for a static file that does not exist: the 404 proves the server is up
    without rendering a page (which, under Voila, would start and spend a kernel per attempt).
    RuntimeError when ``timeout`` seconds pass or ``stopped()`` says a server ended first.
    """
    deadline = time.monotonic() + timeout
    for host, port in endpoints:
        if not server_answers(probe_url(host, port), deadline, stopped):
            raise RuntimeError("a server did not start; see the log in the workshop folder")
