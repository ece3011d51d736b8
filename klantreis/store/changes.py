"""How committed changes travel: announced once, heard by every page that shows them.

Every write transaction records its changes in the audit trail (the source of truth: its
sequence number is the workshop's revision). After the commit the store announces them:

- in this process through its :class:`ChangeFeed` at once (the room's pages subscribe here);
- to other processes through PostgreSQL ``NOTIFY`` (sent inside the transaction, so it is
  delivered exactly when the commit is). A :class:`ChangeWatcher` in another process (the
  Voila dashboard, a second room process, a notebook) ``LISTEN``\\s and re-announces what it
  hears on its own feed. On SQLite, which has no notifications, the watcher asks for the
  revision a few times a second (one indexed query) and reads what is new.

A subscriber is called once per batch with the changes it has not seen, in revision order;
a batch that is announced twice (in-process, then again through the watcher) is delivered once.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

CHANNEL = "klantreis_changes"
"""The PostgreSQL notification channel; the payload is ``workshop_id:revision``."""


@dataclass(frozen=True)
class Change:
    """One committed change: which workshop, its new revision, what was done to which entity."""

    workshop_id: str
    revision: int
    action: str
    entity: str
    entity_id: str

    @property
    def is_arrival(self) -> bool:
        """Someone joined: the room's people changed, none of the group's results (a page that
        shows no list of people has nothing to redraw)."""
        return self.action == "join"


Listener = Callable[[list[Change]], None]


class Subscription:
    """One listener on one workshop; :meth:`close` ends it."""

    def __init__(self, feed: ChangeFeed, workshop_id: str, listener: Listener) -> None:
        self.feed = feed
        self.workshop_id = workshop_id
        self.listener = listener

    def close(self) -> None:
        """Stop listening (idempotent)."""
        self.feed._remove(self)


class ChangeFeed:
    """The in-process announcement board of committed changes, per workshop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: dict[str, list[Subscription]] = {}
        self._revision: dict[str, int] = {}
        self._seen: dict[str, set[int]] = {}

    def subscribe(self, workshop_id: str, listener: Listener) -> Subscription:
        """Call ``listener(changes)`` after every commit that changed ``workshop_id``."""
        subscription = Subscription(self, workshop_id, listener)
        with self._lock:
            self._subscriptions.setdefault(workshop_id, []).append(subscription)
        return subscription

    def subscribers(self, workshop_id: str) -> int:
        """How many listeners follow ``workshop_id`` now."""
        with self._lock:
            return len(self._subscriptions.get(workshop_id, ()))

    def revision(self, workshop_id: str) -> int:
        """The highest revision announced for ``workshop_id`` so far (0 when none)."""
        with self._lock:
            return self._revision.get(workshop_id, 0)

    def publish(self, changes: list[Change]) -> None:
        """Announce committed changes; each revision reaches the listeners once."""
        by_workshop: dict[str, list[Change]] = {}
        with self._lock:
            for change in sorted(changes, key=lambda c: c.revision):
                seen = self._seen.setdefault(change.workshop_id, set())
                if change.revision in seen:
                    continue
                seen.add(change.revision)
                if len(seen) > 10_000:  # remember recent revisions only
                    floor = max(seen) - 5_000
                    self._seen[change.workshop_id] = {r for r in seen if r > floor}
                current = self._revision.get(change.workshop_id, 0)
                self._revision[change.workshop_id] = max(current, change.revision)
                by_workshop.setdefault(change.workshop_id, []).append(change)
            targets = {
                workshop: list(self._subscriptions.get(workshop, ())) for workshop in by_workshop
            }
        for workshop, batch in by_workshop.items():
            for subscription in targets[workshop]:
                try:
                    subscription.listener(batch)
                except Exception:  # one broken page must not keep the news from the others
                    logger.exception("a change listener failed")

    def _remove(self, subscription: Subscription) -> None:
        with self._lock:
            listeners = self._subscriptions.get(subscription.workshop_id, [])
            with contextlib.suppress(ValueError):
                listeners.remove(subscription)
