"""The room process on the C library's allocator (``klantreis serve`` starts itself again).

Kept apart from the room's own modules: the command re-starts itself before anything else is
imported, and importing the room (the widgets, Solara) first cost 2.4 s, paid twice.
"""

from __future__ import annotations

import os
import sys

SYSTEM_ALLOCATOR = "malloc"
"""``PYTHONMALLOC`` for the room process: every object through the C library's allocator."""


def on_system_allocator() -> bool:
    """True when this process hands Python's memory to the C library's allocator."""
    return os.environ.get("PYTHONMALLOC") == SYSTEM_ALLOCATOR


def restart_on_system_allocator(arguments: list[str]) -> None:
    """Run this command again (the same process, ``exec``) with Python's small objects going
    through the C library's allocator, unless that is so already. Python's own allocator keeps
    a 1 MB arena as long as one object in it lives, so after a hundred pages came and left the
    room held 395 MB where it started at 206 MB; through the C library, whose free pages the
    room hands back (``klantreis.widgets.room.memory.release_memory``), it held 258 MB
    (``benchmarks/room.py``, same run, at 6 ms more processor time per arrival). Call first
    thing: nothing has started yet.

    The command runs again as ``python -P -m klantreis``: ``-P`` keeps the current folder off
    the import path, so a room started from a source checkout runs the installed kit (with
    ``-m`` alone, the checkout's ``klantreis/`` folder shadowed it, and a normal install
    failed with ModuleNotFoundError)."""
    if on_system_allocator():
        return
    environment = dict(os.environ, PYTHONMALLOC=SYSTEM_ALLOCATOR)
    sys.stdout.flush()
    command = [sys.executable, "-P", "-m", "klantreis", *arguments]
    os.execve(sys.executable, command, environment)
