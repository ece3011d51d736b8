"""A room served by the real ``klantreis serve`` command in a process of its own, for tests."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from klantreis.widgets.room.keys import RoomKeys, room_keys

from tests.ports import free_port


@dataclass
class ServedRoom:
    """A room served by ``klantreis serve`` in a process of its own."""

    folder: Path
    process: subprocess.Popen[str]
    port: int
    keys: RoomKeys
    output: list[str] = field(default_factory=list)
    _reader: threading.Thread | None = None

    @property
    def join_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.port + 1}/"

    @property
    def dashboard_url(self) -> str:
        return f"http://127.0.0.1:{self.port + 2}/"

    def logs(self) -> str:
        """The end of the room's output and of its dashboard's log (for failure messages)."""
        dashboard = self.folder / "logs" / "dashboard.log"
        tail = dashboard.read_text()[-3000:] if dashboard.is_file() else ""
        return "".join(self.output)[-3000:] + tail

    def keep_reading(self) -> None:
        """Read the room's output as it comes, in a thread: nobody reading it would fill the
        pipe, and the room's next log line would then block the thread that writes it (once
        a page's updates stopped that way halfway through the browser tests)."""
        stream = self.process.stdout
        if stream is None:
            return

        def read() -> None:
            for line in stream:
                self.output.append(line)
                del self.output[:-2000]

        self._reader = threading.Thread(target=read, name="room-output", daemon=True)
        self._reader.start()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Stop the room as a service manager would; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        if self._reader is None:
            try:
                rest, _ = self.process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                rest, _ = self.process.communicate()
            self.output.append(rest or "")
        else:
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self._reader.join(timeout=10)
        return int(self.process.returncode)


def start_served_room(
    folder: Path,
    *options: str,
    timeout: float = 180,
    until: str = "Ctrl-C",
    port: int | None = None,
) -> ServedRoom:
    """Run ``klantreis serve FOLDER`` and wait until it says the room is open (or, with
    ``until``, another line of its output); on ``port`` (a free one when not given)."""
    import os
    import sys

    port = port or free_port(span=3)
    process = subprocess.Popen(
        [sys.executable, "-m", "klantreis", "serve", str(folder), "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, KLANTREIS_LANG="en"),
    )
    room = ServedRoom(folder, process, port, room_keys(folder))
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline()
        room.output.append(line)
        if until in line:
            room.keys = room_keys(folder)
            room.keep_reading()
            return room
    room.stop()
    raise RuntimeError(f"the room did not open: {room.logs()}")


@contextmanager
def served_room(folder: Path, *options: str) -> Iterator[ServedRoom]:
    """A room served by ``klantreis serve`` for the duration of the block."""
    room = start_served_room(folder, *options)
    try:
        yield room
    finally:
        room.stop()


def wait_until(condition: Callable[[], object], timeout: float = 60, step: float = 0.1) -> None:
    """Wait until ``condition()`` holds; fail the test when ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not so after {timeout} s")
        time.sleep(step)


def parents() -> dict[int, list[int]]:
    """Every process's children (from /proc, as ``ps`` would show them)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    return children


def children_of(pid: int) -> list[int]:
    """The processes ``pid`` started (its direct children)."""
    return parents().get(pid, [])


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    children = parents()
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def alive(pid: int) -> bool:
    """True while the process runs (a zombie does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
