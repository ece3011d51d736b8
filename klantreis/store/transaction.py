"""One database transaction, speaking in domain objects.

Obtained from :meth:`klantreis.store.Store.read` or :meth:`~klantreis.store.Store.write`;
everything done through one ``Transaction`` commits together or not at all.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Connection, Table, and_, delete, func, insert, select, text, update

from klantreis.domain import (
    Action,
    AuditEntry,
    Conflict,
    DomainModel,
    Entity,
    NotFound,
    Participant,
    Vote,
    Workshop,
)
from klantreis.domain.audit import KEPT_ON_REMOVAL
from klantreis.store import tables
from klantreis.store.changes import CHANNEL, Change
from klantreis.store.rows import ENTITY_NAME, from_row, table_for, to_row

M = TypeVar("M", bound=DomainModel)

_ORDER: dict[str, tuple[str, ...]] = {
    "segments": ("position", "name"),
    "cards": ("created_at", "id"),
    "measures": ("created_at", "id"),
    "journeys": ("position", "name"),
    "steps": ("journey_id", "position"),
    "participants": ("joined_at", "id"),
    "votes": ("created_at", "id"),
    "touchpoints": ("name", "id"),
    "goals": ("segment_id", "kind"),
    "personas": ("segment_id", "id"),
}


class Transaction:
    """Typed reads and writes inside one open transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.changes: list[Change] = []
        """What this transaction recorded, announced by the store once it commits."""
        self._entries: list[AuditEntry] = []

    # -- reading ---------------------------------------------------------------------------

    def get(self, cls: type[M], entity_id: str, *, held: bool = False) -> M | None:
        """The entity with this id, or None. ``held``: nobody changes it until this transaction
        ends, and a change committed meanwhile is waited for and read (PostgreSQL's ``FOR
        SHARE``; SQLite's writers take turns anyway)."""
        table = table_for(cls)
        query = select(table).where(table.c.id == entity_id)
        if held:
            query = query.with_for_update(read=True)
        row = self.connection.execute(query).first()
        return from_row(cls, row._mapping) if row else None

    def require(
        self, cls: type[M], entity_id: str, workshop_id: str | None = None, *, held: bool = False
    ) -> M:
        """The entity with this id (in this workshop, if given); :class:`NotFound` otherwise.
        ``held``: see :meth:`get`."""
        found = self.get(cls, entity_id, held=held)
        if found is None or (
            workshop_id is not None and getattr(found, "workshop_id", workshop_id) != workshop_id
        ):
            raise NotFound(entity=ENTITY_NAME[cls])
        return found

    def find(self, cls: type[M], workshop_id: str, **where: Any) -> list[M]:
        """All entities of ``cls`` in a workshop matching the column values in ``where``."""
        table = table_for(cls)
        conditions = [table.c.workshop_id == workshop_id]
        conditions += [table.c[name] == value for name, value in where.items()]
        order = [table.c[name] for name in _ORDER.get(table.name, ("id",))]
        rows = self.connection.execute(select(table).where(and_(*conditions)).order_by(*order))
        return [from_row(cls, row._mapping) for row in rows]

    def workshops(self) -> list[Workshop]:
        """Every workshop in this database, newest first."""
        table = tables.workshops
        rows = self.connection.execute(select(table).order_by(table.c.created_at.desc()))
        return [from_row(Workshop, row._mapping) for row in rows]

    def participant_by_name(self, workshop_id: str, key: str) -> Participant | None:
        """The named participant whose name matches ``key`` (see ``name_key``)."""
        table = tables.participants
        row = self.connection.execute(
            select(table).where(table.c.workshop_id == workshop_id, table.c.name_key == key)
        ).first()
        return from_row(Participant, row._mapping) if row else None

    def dots_used(self, participant_id: str, round_: str) -> list[Vote]:
        """The votes one participant placed in one round."""
        table = tables.votes
        rows = self.connection.execute(
            select(table)
            .where(table.c.participant_id == participant_id, table.c.round == round_)
            .order_by(table.c.dot)
        )
        return [from_row(Vote, row._mapping) for row in rows]

    def revision(self, workshop_id: str) -> int:
        """The sequence number of the workshop's latest change (0 when none)."""
        table = tables.audit
        value = self.connection.execute(
            select(func.max(table.c.seq)).where(table.c.workshop_id == workshop_id)
        ).scalar()
        return int(value or 0)

    def changes_since(self, workshop_id: str, revision: int, limit: int = 1000) -> list[Change]:
        """The workshop's changes after ``revision``, oldest first (at most ``limit``)."""
        table = tables.audit
        rows = self.connection.execute(
            select(table.c.seq, table.c.action, table.c.entity, table.c.entity_id)
            .where(table.c.workshop_id == workshop_id, table.c.seq > revision)
            .order_by(table.c.seq)
            .limit(limit)
        )
        return [
            Change(workshop_id, int(row.seq), row.action, row.entity, row.entity_id) for row in rows
        ]

    def audit_entries(self, workshop_id: str, limit: int = 100) -> list[AuditEntry]:
        """The latest changes of a workshop, newest first."""
        table = tables.audit
        rows = self.connection.execute(
            select(table)
            .where(table.c.workshop_id == workshop_id)
            .order_by(table.c.seq.desc())
            .limit(limit)
        )
        return [from_row(AuditEntry, row._mapping) for row in rows]

    def removal_entries(self, workshop_id: str) -> list[AuditEntry]:
        """The workshop's removals of entities kept only in the trail (``KEPT_ON_REMOVAL``)."""
        table = tables.audit
        rows = self.connection.execute(
            select(table).where(
                table.c.workshop_id == workshop_id,
                table.c.action == Action.REMOVE.value,
                table.c.entity.in_(KEPT_ON_REMOVAL),
            )
        )
        return [from_row(AuditEntry, row._mapping) for row in rows]

    def last_removal(self, workshop_id: str, entity_id: str) -> AuditEntry | None:
        """The latest removal entry of this entity, if any."""
        table = tables.audit
        row = self.connection.execute(
            select(table)
            .where(
                table.c.workshop_id == workshop_id,
                table.c.action == Action.REMOVE.value,
                table.c.entity_id == entity_id,
            )
            .order_by(table.c.seq.desc())
            .limit(1)
        ).first()
        return from_row(AuditEntry, row._mapping) if row else None

    def count(self, cls: type[DomainModel], workshop_id: str) -> int:
        """How many entities of ``cls`` a workshop has."""
        table = table_for(cls)
        value = self.connection.execute(
            select(func.count()).select_from(table).where(table.c.workshop_id == workshop_id)
        ).scalar()
        return int(value or 0)

    # -- writing ---------------------------------------------------------------------------

    def insert(self, model: M) -> M:
        """Store a new entity."""
        self.connection.execute(insert(table_for(type(model))).values(**to_row(model)))
        return model

    def update(self, model: M) -> M:
        """Store a changed entity if nobody changed it since it was read; returns it, version+1.

        Raises :class:`Conflict` when the stored version differs from ``model.version`` and
        :class:`NotFound` when it is gone.
        """
        table = table_for(type(model))
        expected = getattr(model, "version", None)
        bumped = model.model_copy(update={"version": expected + 1}) if expected else model
        values = to_row(bumped)
        values.pop("id")
        statement = update(table).where(table.c.id == model.id).values(**values)  # type: ignore[attr-defined]
        if expected is not None:
            statement = statement.where(table.c.version == expected)
        result = self.connection.execute(statement)
        if result.rowcount == 0:
            if self.get(type(model), model.id) is None:  # type: ignore[attr-defined]
                raise NotFound(entity=ENTITY_NAME[type(model)])
            raise Conflict(entity=ENTITY_NAME[type(model)])
        return bumped

    def delete(self, cls: type[Entity], entity_id: str) -> None:
        """Delete an entity by id (rows that depend on it go with it)."""
        table: Table = table_for(cls)
        self.connection.execute(delete(table).where(table.c.id == entity_id))

    def delete_where(self, cls: type[Entity], workshop_id: str, **where: Any) -> int:
        """Delete the entities of a workshop matching ``where``; returns how many."""
        table = table_for(cls)
        conditions = [table.c.workshop_id == workshop_id]
        conditions += [table.c[name] == value for name, value in where.items()]
        return self.connection.execute(delete(table).where(and_(*conditions))).rowcount

    def record(self, entry: AuditEntry) -> None:
        """Add an entry to the audit trail; it is written by :meth:`write_audit` just before
        the commit and announced once the transaction commits (on PostgreSQL also to other
        processes, through ``NOTIFY``)."""
        self._entries.append(entry)

    def write_audit(self) -> None:
        """Write what :meth:`record` collected, the last thing before the commit.

        A workshop's revisions must follow the order of the commits: a reader that saw
        revision 11 must never meet revision 10 later. PostgreSQL hands out sequence numbers
        when rows are inserted, not when they commit, so its writers of one workshop take
        that workshop's lock for the rest of the transaction first (SQLite already lets one
        writer in at a time). The lock is held only while the audit rows are written and the
        transaction commits, so it cannot wait on a writer that waits on it."""
        if not self._entries:
            return
        postgresql = self.connection.dialect.name == "postgresql"
        if postgresql:
            for workshop_id in sorted({entry.workshop_id for entry in self._entries}):
                self.connection.execute(
                    text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                    {"key": f"klantreis:{workshop_id}"},
                )
        for entry in self._entries:
            result = self.connection.execute(insert(tables.audit).values(**to_row(entry)))
            revision = int(result.inserted_primary_key[0])  # type: ignore[index]
            self.changes.append(
                Change(
                    entry.workshop_id, revision, entry.action.value, entry.entity, entry.entity_id
                )
            )
            if postgresql:
                self.connection.execute(
                    text("SELECT pg_notify(:channel, :payload)"),
                    {"channel": CHANNEL, "payload": f"{entry.workshop_id}:{revision}"},
                )
        self._entries = []
