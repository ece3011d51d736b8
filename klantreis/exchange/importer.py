"""Storing an exchange document as a new workshop, in one transaction, with fresh ids."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from klantreis.domain import (
    Action,
    AuditEntry,
    DomainModel,
    Workshop,
    new_id,
    utc_now,
    validation_failed,
)
from klantreis.domain.references import COLLECTIONS, PHASES, references
from klantreis.exchange.document import InvalidDocument, WorkshopDocument, reference_problems
from klantreis.service import Service
from klantreis.store.store import Store


def changed_workshop(document: WorkshopDocument, **workshop_changes: Any) -> Workshop:
    """The document's workshop with ``workshop_changes`` (a title the user typed), checked
    like any other input: :class:`ValidationFailed` names what is wrong."""
    try:
        return type(document.workshop).model_validate(
            {**document.workshop.model_dump(), **workshop_changes}
        )
    except ValidationError as exc:
        raise validation_failed(exc) from exc


def renumbered(document: WorkshopDocument, **workshop_changes: Any) -> WorkshopDocument:
    """A copy of ``document`` in which every id is fresh and every reference follows along."""
    problems = reference_problems(document)
    if problems:
        raise InvalidDocument(problems)
    workshop_id = new_id()
    mapping: dict[str, dict[str, str]] = {
        name: {item.id: new_id() for item in getattr(document, name)} for name in COLLECTIONS
    }

    def remap(item: DomainModel, collection: str) -> DomainModel:
        changes: dict[str, Any] = {"id": mapping[collection][item.id], "workshop_id": workshop_id}  # type: ignore[attr-defined]
        for ref in references(item):
            if ref.target == PHASES:  # phase keys are the workshop's own, not renumbered
                continue
            new = mapping[ref.target][ref.value]
            if isinstance(getattr(item, ref.field), list):
                changes.setdefault(ref.field, []).append(new)
            else:
                changes[ref.field] = new
        return item.model_copy(update=changes)

    changed = changed_workshop(document, **workshop_changes)
    workshop = changed.model_copy(update={"id": workshop_id, "version": 1, "created_at": utc_now()})
    collections = {
        name: [remap(item, name) for item in getattr(document, name)] for name in COLLECTIONS
    }
    return document.model_copy(update={"workshop": workshop, **collections})


def import_document(store: Store, document: WorkshopDocument, **workshop_changes: Any) -> Service:
    """Store ``document`` as a new workshop; all of it, or (on any error) nothing.

    ``workshop_changes`` override workshop fields, e.g. ``title=...``.
    """
    fresh = renumbered(document, **workshop_changes)
    # Validate the overrides through the model before anything is written.
    fresh_workshop = type(fresh.workshop).model_validate(fresh.workshop.model_dump())
    with store.write() as tx:
        tx.insert(fresh_workshop)
        for name in COLLECTIONS:
            for item in getattr(fresh, name):
                tx.insert(item)
        tx.record(
            AuditEntry(
                workshop_id=fresh_workshop.id,
                action=Action.IMPORT,
                entity="workshop",
                entity_id=fresh_workshop.id,
                summary={"title": fresh_workshop.title, "generator": document.generator},
            )
        )
    return Service(store, fresh_workshop.id)
