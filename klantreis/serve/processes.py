"""Servers klantreis starts as processes: run them until the user stops, then stop them whole.

A server runs in a session of its own (with the kernels it starts); Ctrl-C, SIGTERM (a service
manager's stop) and SIGHUP (a closed terminal) all stop that whole process group, so no server
or kernel is left running and every port is freed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def start_server(
    command: list[str], env: dict[str, str], cwd: Path, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``command`` in a session of its own (output to ``log`` when given). On Linux the
    server is also stopped when this process dies without stopping it (``kill -9``), so a
    restart finds its ports free."""
    if log is None:
        return subprocess.Popen(
            command, env=env, cwd=cwd, start_new_session=True, preexec_fn=_die_with_parent
        )
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )


def _die_with_parent() -> None:
    """In the child, before it runs: ask Linux for SIGTERM when the parent dies."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_process_group(process: subprocess.Popen[bytes] | None, wait: float = 15) -> None:
    """Stop a server started by :func:`start_server`, and every kernel it started."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def stop_requests() -> Iterator[threading.Event]:
    """An event set by Ctrl-C, SIGTERM or SIGHUP while the block runs (handlers restored after)."""
    stop = threading.Event()
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_until_stopped(
    processes: list[subprocess.Popen[bytes]],
    stop: Callable[[], None] | None = None,
    alive: Callable[[], bool] = lambda: True,
    requested: threading.Event | None = None,
) -> None:
    """Wait until the user stops (a stop signal) or a server ends; then stop every one.

    The signal handlers stay in place while stopping: a second signal (a service manager or
    ``timeout`` sends one more, an impatient Ctrl-C) must not kill this process halfway and
    leave its servers running. Pass ``requested`` from a :func:`stop_requests` block that was
    entered before the servers started: a signal that comes while they start (right after
    the command said they are ready) then stops them too, instead of killing this process."""
    if requested is None:
        with stop_requests() as requested:
            run_until_stopped(processes, stop, alive, requested)
        return
    try:
        while not requested.wait(0.5):
            if not alive() or any(process.poll() is not None for process in processes):
                break
    finally:
        if stop is not None:
            stop()
        for process in processes:
            stop_process_group(process)
