"""Following the workshop from inside a Jupyter kernel (the Voila dashboard), without blocking it.

A :class:`~klantreis.store.watch.ChangeWatcher` thread hears the changes other processes commit
(PostgreSQL ``LISTEN``, or a revision check on SQLite) and announces them on the store's feed;
the poller, an asyncio task on the kernel's own event loop, is woken by that announcement and
calls back on the kernel's thread. It also looks at the feed's revision (in memory, no query)
every ``interval`` seconds, so nothing depends on the wake-up alone. Widgets updated from that
callback reach the browser like any other change.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from klantreis.service import Service
from klantreis.store.changes import Change, Subscription
from klantreis.store.watch import ChangeWatcher


class Poller:
    """Calls ``on_change()`` soon after anything in the workshop changes; ``tick()`` every round.

    ``since``: the revision of the snapshot its caller drew. A change committed after that
    snapshot but before the poller was made is then called back too, not missed.
    """

    def __init__(
        self,
        service: Service,
        on_change: Callable[[], None],
        interval: float = 0.1,
        tick: Callable[[], None] | None = None,
        since: int | None = None,
    ) -> None:
        self.service = service
        self.on_change = on_change
        self.interval = interval
        self.tick = tick
        self.watcher = ChangeWatcher(service.store, service.workshop_id, since)
        self.revision = self.watcher.revision
        self.task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._subscription: Subscription | None = None

    def start(self) -> None:
        """Start watching (needs a running event loop, as a kernel has)."""
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_event_loop()
            wake = self._wake = asyncio.Event()

            def announced(_changes: list[Change]) -> None:
                loop.call_soon_threadsafe(wake.set)

            self._subscription = self.service.store.feed.subscribe(
                self.service.workshop_id, announced
            )
            self.watcher.start()
            self.task = loop.create_task(self._run())

    def stop(self) -> None:
        """Stop watching."""
        if self.task is not None:
            self.task.cancel()
        if self._subscription is not None:
            self._subscription.close()
        self.watcher.stop()

    def check(self) -> bool:
        """Look once; call back if the workshop changed. True when it did."""
        revision = self.service.store.feed.revision(self.service.workshop_id)
        if revision <= self.revision:
            return False
        self.revision = revision
        self.on_change()
        return True

    async def _run(self) -> None:
        ticked = 0.0
        loop = asyncio.get_running_loop()
        while True:
            if self._wake is None:
                await asyncio.sleep(self.interval)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.interval)
                self._wake.clear()
            try:
                self.check()
                if self.tick is not None and loop.time() - ticked >= 0.25:
                    ticked = loop.time()
                    self.tick()
            except Exception:
                continue
