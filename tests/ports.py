"""Free ports for the servers the tests and benchmarks start."""

from __future__ import annotations

import socket

from klantreis.serve.network import port_taken


def free_port(span: int = 1, host: str = "127.0.0.1") -> int:
    """A port nothing listens on, together with the ``span - 1`` ports after it."""
    while True:
        with socket.socket() as sock:
            sock.bind((host, 0))
            port = int(sock.getsockname()[1])
        if not any(port_taken(host, port + offset) for offset in range(1, span)):
            return port
