"""Watching the workshop for changes from inside a kernel, without blocking it.

A poller is an asyncio task on the kernel's own event loop: it asks the store for the
workshop's revision (one small query) every ``interval`` seconds and calls back when it grew.
Widgets updated from that callback reach the browser like any other change.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from klantreis.domain import KlantreisError
from klantreis.service import Service


class Poller:
    """Calls ``on_change()`` soon after anything in the workshop changes; ``tick()`` every round."""

    def __init__(
        self,
        service: Service,
        on_change: Callable[[], None],
        interval: float = 0.5,
        tick: Callable[[], None] | None = None,
    ) -> None:
        self.service = service
        self.on_change = on_change
        self.interval = interval
        self.tick = tick
        self.revision = service.revision()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start watching (needs a running event loop, as a kernel has)."""
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_event_loop()
            self.task = loop.create_task(self._run())

    def stop(self) -> None:
        """Stop watching."""
        if self.task is not None:
            self.task.cancel()

    def check(self) -> bool:
        """Look once; call back if the workshop changed. True when it did."""
        try:
            revision = self.service.revision()
        except KlantreisError:
            return False  # the database is busy or away for a moment: try again next round
        if revision == self.revision:
            return False
        self.revision = revision
        self.on_change()
        return True

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.check()
                if self.tick is not None:
                    self.tick()
            except Exception:
                continue
