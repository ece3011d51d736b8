"""The room's readiness probe asks each app where it listens, without starting a kernel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from klantreis.serve.network import probe_url, wait_until_serving
from tests.ports import free_port


class _NotFound(BaseHTTPRequestHandler):
    """Answers every request with 404, as Voila does for the probe's static file."""

    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _NotFound.asked.append(self.path)
        self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _server_on(host: str) -> Iterator[int]:
    """A server bound to ``host`` only; yields its port."""
    server = ThreadingHTTPServer((host, free_port(host=host)), _NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def test_apps_bound_to_one_address_are_probed_there() -> None:
    """``--host 127.0.0.2`` binds that address only: 127.0.0.1 would never answer."""
    with _server_on("127.0.0.2") as port:
        wait_until_serving((("127.0.0.2", port),), timeout=10)
    assert "/voila/static/klantreis-ready-probe" in _NotFound.asked


def test_apps_on_every_interface_are_probed_on_loopback() -> None:
    with _server_on("0.0.0.0") as port:
        assert probe_url("0.0.0.0", port).startswith(f"http://127.0.0.1:{port}/")
        wait_until_serving((("0.0.0.0", port),), timeout=10)


def test_an_app_that_never_answers_is_reported() -> None:
    with pytest.raises(RuntimeError, match="did not start"):
        wait_until_serving((("127.0.0.1", free_port()),), timeout=1)


def test_ipv6_addresses_are_bracketed() -> None:
    assert probe_url("::1", 8866) == "http://[::1]:8866/voila/static/klantreis-ready-probe"
