"""The service's core: opening a workshop, reading it whole, and the one way every change is
written (rules and rights checked, the audit entry in the same transaction, retried on races)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar

from sqlalchemy.exc import IntegrityError

from klantreis.domain import (
    Action,
    AuditEntry,
    Card,
    Entity,
    Goal,
    Idea,
    Journey,
    JourneyStep,
    Measure,
    MethodStep,
    NotFound,
    Participant,
    Persona,
    Rating,
    Segment,
    StorageError,
    Touchpoint,
    ValidationFailed,
    Vote,
    Workshop,
    WorkshopSnapshot,
)
from klantreis.domain.references import COLLECTIONS, PHASES, unknown_references
from klantreis.i18n import Language
from klantreis.service import rights
from klantreis.service.audit import entry
from klantreis.store.changes import Change, Subscription
from klantreis.store.rows import ENTITY_NAME
from klantreis.store.store import Store
from klantreis.store.transaction import Transaction

if TYPE_CHECKING:
    from klantreis.analytics.storage import DataFolder

T = TypeVar("T")
E = TypeVar("E", bound=Entity)
S = TypeVar("S", Card, Measure, Idea)

_RETRIES = 8
_ARRIVALS = 200
"""At most this many arrivals are added to a shared snapshot at once (more: read it whole)."""


class ServiceCore:
    """One workshop in one store: what every part of the service builds on."""

    def __init__(self, store: Store, workshop_id: str, folder: Path | None = None) -> None:
        self.store = store
        self.workshop_id = workshop_id
        self.folder = folder
        """The workshop's folder on disk, where its analytics data lives (None: a workshop
        opened from a database alone, which has no analytics data)."""
        self._data: DataFolder | None = None
        self._shared: WorkshopSnapshot | None = None
        self._sharing = False
        self._reading = threading.Lock()

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, store: Store, workshop: Workshop, folder: Path | None = None) -> Self:
        """Store a new workshop and return its service."""
        with store.write() as tx:
            tx.insert(workshop)
            tx.record(entry(workshop.id, None, Action.CREATE, workshop, title=workshop.title))
        return cls(store, workshop.id, folder)

    @classmethod
    def open(cls, store: Store, workshop_id: str, folder: Path | None = None) -> Self:
        """The service of an existing workshop; :class:`NotFound` if there is none."""
        with store.read() as tx:
            tx.require(Workshop, workshop_id)
        return cls(store, workshop_id, folder)

    @property
    def data_folder(self) -> DataFolder | None:
        """The analytics data of the workshop's folder (None without a folder). Loaded when
        first asked for: opening a workshop does not load pandas and DuckDB."""
        if self._data is None and self.folder is not None:
            from klantreis.analytics.storage import DataFolder

            self._data = DataFolder(self.folder)
        return self._data

    def workshop(self) -> Workshop:
        """The workshop as stored now."""
        with self.store.read() as tx:
            return tx.require(Workshop, self.workshop_id)

    @property
    def language(self) -> Language:
        """The workshop's language."""
        return self.workshop().language

    # -- reading the whole -----------------------------------------------------------------

    def snapshot(self) -> WorkshopSnapshot:
        """Everything of this workshop, read in one consistent transaction.

        After :meth:`share_snapshots`, a snapshot is read once per revision and the same
        (immutable) object is handed to every caller until the next change is announced."""
        if not self._sharing:
            return self._read_snapshot()
        shared = self._fresh_shared()
        if shared is not None:
            return shared
        with self._reading:  # a hundred pages asking at once: one reads, the others wait
            shared = self._fresh_shared()
            if shared is not None:
                return shared
            fresh = self._with_arrivals(self._shared) or self._read_snapshot()
            if self._shared is None or fresh.revision >= self._shared.revision:
                self._shared = fresh
            return fresh

    def _with_arrivals(self, shared: WorkshopSnapshot | None) -> WorkshopSnapshot | None:
        """``shared`` with the people who joined since, when joining is all that happened
        (else None: read the whole workshop again).

        A hundred people arriving at once make a hundred revisions; reading the whole workshop
        for each was a quarter of what one arrival cost the room. The group's results are the
        same object, so what was made from them (charts keyed on ``content_key``) stays."""
        if shared is None:
            return None
        with self.store.read() as tx:
            changes = tx.changes_since(self.workshop_id, shared.revision, limit=_ARRIVALS)
            if not changes or len(changes) >= _ARRIVALS:
                return None
            if not all(change.is_arrival for change in changes):
                return None
            people = [tx.get(Participant, change.entity_id) for change in changes]
        if any(person is None for person in people):
            return None  # gone again (a workshop reset): read it whole
        known = {person.id for person in shared.participants}
        joined = [person for person in people if person is not None and person.id not in known]
        everyone = sorted([*shared.participants, *joined], key=lambda p: (p.joined_at, p.id))
        return shared.model_copy(
            update={"participants": everyone, "revision": changes[-1].revision}
        )

    def _fresh_shared(self) -> WorkshopSnapshot | None:
        shared = self._shared
        announced = self.store.feed.revision(self.workshop_id)
        return shared if shared is not None and shared.revision >= announced else None

    def forget_snapshot(self) -> None:
        """Drop the shared snapshot; the next caller reads a new one. A room that emptied
        calls this so the workshop's objects are made again in compact memory, instead of
        pinning memory that its pages left scattered."""
        self._shared = None

    def share_snapshots(self) -> None:
        """Read the workshop once per change for all callers (a room's many pages); changes of
        other processes must reach this process's feed (a :class:`ChangeWatcher` does that)."""
        self._sharing = True

    def subscribe(self, listener: Callable[[list[Change]], None]) -> Subscription:
        """Call ``listener(changes)`` after every committed change of this workshop that this
        process makes or hears of."""
        return self.store.feed.subscribe(self.workshop_id, listener)

    def changes_since(self, revision: int, limit: int = 1000) -> list[Change]:
        """What changed after ``revision``, oldest first, from the audit trail."""
        with self.store.read() as tx:
            return tx.changes_since(self.workshop_id, revision, limit)

    def _read_snapshot(self) -> WorkshopSnapshot:
        with self.store.read() as tx:
            return WorkshopSnapshot(
                workshop=tx.require(Workshop, self.workshop_id),
                revision=tx.revision(self.workshop_id),
                segments=tx.find(Segment, self.workshop_id),
                personas=tx.find(Persona, self.workshop_id),
                cards=tx.find(Card, self.workshop_id),
                goals=tx.find(Goal, self.workshop_id),
                measures=tx.find(Measure, self.workshop_id),
                touchpoints=tx.find(Touchpoint, self.workshop_id),
                journeys=tx.find(Journey, self.workshop_id),
                steps=tx.find(JourneyStep, self.workshop_id),
                participants=tx.find(Participant, self.workshop_id),
                votes=tx.find(Vote, self.workshop_id),
                ideas=tx.find(Idea, self.workshop_id),
                ratings=tx.find(Rating, self.workshop_id),
                removal_entries=tx.removal_entries(self.workshop_id),
            )

    def revision(self) -> int:
        """A number that grows with every change: poll it to know when to redraw."""
        with self.store.read() as tx:
            return tx.revision(self.workshop_id)

    def audit_trail(self, limit: int = 100) -> list[AuditEntry]:
        """The latest changes, newest first: who changed what, when."""
        with self.store.read() as tx:
            return tx.audit_entries(self.workshop_id, limit)

    # -- shared machinery ------------------------------------------------------------------

    def _save(
        self,
        item: E,
        actor_id: str | None,
        check: Callable[[Transaction, E], None],
        summary: dict[str, Any],
    ) -> E:
        """Insert ``item`` if new, else update it at its version; check rules and rights first."""
        if item.workshop_id != self.workshop_id:
            raise NotFound(entity=ENTITY_NAME[type(item)])

        def save(tx: Transaction) -> E:
            stored = tx.get(type(item), item.id)
            if stored is not None and stored.workshop_id != self.workshop_id:
                raise NotFound(entity=ENTITY_NAME[type(item)])
            self._check_allowed(tx, actor_id, type(item), stored, rights.step_of(item))
            check(tx, item)
            if stored is None:
                new_author = (
                    {"author_id": actor_id}
                    if actor_id and getattr(item, "author_id", False) is None
                    else {}
                )
                saved = tx.insert(item.model_copy(update=new_author))
                action = Action.CREATE
            else:
                keep_author = {"author_id": getattr(stored, "author_id", None)}
                changed = (
                    item.model_copy(update=keep_author)
                    if "author_id" in type(item).model_fields
                    else item
                )
                saved = tx.update(changed)
                action = Action.UPDATE
            tx.record(entry(self.workshop_id, actor_id, action, saved, **summary))
            return saved

        return self._write(save, retry_on=())

    def _write(self, work: Callable[[Transaction], T], retry_on: tuple[type[Exception], ...]) -> T:
        """Run ``work`` in a write transaction, again on the given (racing) errors."""
        for attempt in range(_RETRIES):
            try:
                with self.store.write() as tx:
                    return work(tx)
            except retry_on:
                if attempt == _RETRIES - 1:
                    raise
            except IntegrityError as exc:
                raise StorageError() from exc
        raise StorageError()  # pragma: no cover - the loop always returns or raises

    def _actor(self, tx: Transaction, actor_id: str | None) -> Participant | None:
        if actor_id is None:
            return None
        return tx.require(Participant, actor_id, self.workshop_id)

    def _require_facilitator(self, tx: Transaction, actor_id: str | None) -> None:
        rights.check_facilitator(self._actor(tx, actor_id))

    def _check_allowed(
        self,
        tx: Transaction,
        actor_id: str | None,
        cls: type[Entity],
        stored: Entity | None,
        step: MethodStep | None = None,
    ) -> None:
        """Refuse what :func:`rights.check_may_write` refuses this actor."""
        actor = self._actor(tx, actor_id)
        if actor is None:
            return
        workshop = tx.require(Workshop, self.workshop_id)
        rights.check_may_write(workshop, actor, cls, stored, step)

    def _check_references(self, tx: Transaction, item: Entity) -> None:
        """Refuse ``item`` when it points at a record or phase this workshop does not have
        (its author is the one saving it, so that is not checked)."""
        workshop = tx.require(Workshop, self.workshop_id)

        def exists(target: str, value: str) -> bool:
            if target == PHASES:
                return workshop.phase(value) is not None
            found = tx.get(COLLECTIONS[target], value)
            return found is not None and found.workshop_id == self.workshop_id

        problems = unknown_references(item, exists, skip=("author_id",))
        if problems:
            raise ValidationFailed(problems)


def build(cls: type[E], **values: Any) -> E:
    """Construct a domain object from loose values, raising :class:`ValidationFailed`."""
    from pydantic import ValidationError

    from klantreis.domain import validation_failed

    try:
        return cls(**values)
    except ValidationError as exc:
        raise validation_failed(exc) from exc
