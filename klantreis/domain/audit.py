"""The audit trail: who changed what, in order. Its sequence number doubles as a change counter."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from klantreis.domain.base import DomainModel, Identifier, utc_now


class Action(StrEnum):
    """What happened."""

    CREATE = "create"
    UPDATE = "update"
    WITHDRAW = "withdraw"
    REMOVE = "remove"
    RESTORE = "restore"
    MOVE = "move"
    VOTE = "vote"
    UNVOTE = "unvote"
    JOIN = "join"
    OPEN_STEP = "open_step"
    CLOSE_STEP = "close_step"
    IMPORT = "import"


class AuditEntry(DomainModel):
    """One change: when, by whom (None for the facilitator's own tools), to which entity."""

    seq: int | None = None
    workshop_id: Identifier
    at: datetime = Field(default_factory=utc_now)
    actor_id: Identifier | None = None
    action: Action
    entity: str
    entity_id: Identifier
    summary: dict[str, Any] = Field(default_factory=dict)


KEPT_ON_REMOVAL = ("step", "touchpoint", "rating")
"""Entities deleted for good on removal (they carry positions and links that a state would
leave dangling); their removal entry keeps a copy under ``summary["kept"]`` so the facilitator
can bring them back (see ``Service.restore_removed``)."""


def removals(entries: list[AuditEntry], present: set[str]) -> list[AuditEntry]:
    """The latest removal of each kept entity that is not back, newest first."""
    latest: dict[str, AuditEntry] = {}
    for entry in entries:
        if entry.entity_id in present or "kept" not in entry.summary:
            continue
        known = latest.get(entry.entity_id)
        if known is None or (entry.seq or 0) > (known.seq or 0):
            latest[entry.entity_id] = entry
    return sorted(latest.values(), key=lambda e: e.seq or 0, reverse=True)
