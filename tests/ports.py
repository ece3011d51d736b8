"""Free ports for the servers the tests and benchmarks start.

Tests run in several pytest-xdist workers at once, and a port found free by one worker could be
taken by another before its server binds it (or while a room restarts on the same port). Each
worker therefore takes ports from a range of its own, below the range Linux hands out to
outgoing connections (32768 and up), so no other test's client socket lands there either.
"""

from __future__ import annotations

import os
import random

from klantreis.serve.network import port_taken

FIRST = 10_000
"""The first port of the first worker's range."""

WIDTH = 2_500
"""How many ports each worker has (eight workers fit below 30,000)."""


def worker_range() -> range:
    """The ports this test process may use: its xdist worker's range (``gw0`` the first), or
    the range after the workers' when it runs alone (a benchmark, pytest without ``-n``)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    number = int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 8
    start = FIRST + (number % 9) * WIDTH
    return range(start, start + WIDTH)


def free_port(span: int = 1, host: str = "127.0.0.1") -> int:
    """A port nothing listens on, together with the ``span - 1`` ports after it, from this
    process's range (see :func:`worker_range`)."""
    ports = worker_range()
    for _ in range(10 * len(ports)):
        port = random.randrange(ports.start, ports.stop - span)
        if not any(port_taken(host, port + offset) for offset in range(span)):
            return port
    raise RuntimeError(f"no {span} free ports in a row in {ports}")
