"""What the audit trail says of each change: one entry per change, in the change's transaction."""

from __future__ import annotations

from typing import Any

from klantreis.domain import Action, AuditEntry, Card, Entity, Idea, Measure, Vote, Workshop
from klantreis.store.rows import ENTITY_NAME


def entry(
    workshop_id: str,
    actor_id: str | None,
    action: Action,
    item: Entity | Workshop | Vote,
    **summary: Any,
) -> AuditEntry:
    """The audit entry of one change of ``item``, with a short ``summary`` of it."""
    return AuditEntry(
        workshop_id=workshop_id,
        actor_id=actor_id,
        action=action,
        entity=ENTITY_NAME[type(item)],
        entity_id=item.id,
        summary={key: short(value) for key, value in summary.items()},
    )


def short(value: Any) -> Any:
    """A text of at most 80 characters (a longer one ends in an ellipsis); others unchanged."""
    if isinstance(value, str) and len(value) > 80:
        return value[:79] + "…"
    return value


def summary_of(item: Card | Measure | Idea) -> dict[str, Any]:
    """What the audit trail keeps of a card, measure or proposal besides its id."""
    if isinstance(item, Card):
        return {"kind": item.kind.value, "text": item.text}
    if isinstance(item, Idea):
        return {"topic": item.topic.value, "text": item.text}
    return {"title": item.title}


__all__ = ["entry", "short", "summary_of"]
