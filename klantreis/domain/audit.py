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
