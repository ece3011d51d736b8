"""Conversion between domain entities and table rows; column names equal field names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import JSON, Table

from klantreis.domain import (
    AuditEntry,
    Card,
    DomainModel,
    Goal,
    Idea,
    Journey,
    JourneyStep,
    Measure,
    Participant,
    Persona,
    Rating,
    Segment,
    Touchpoint,
    Vote,
    Workshop,
)
from klantreis.store import tables

M = TypeVar("M", bound=DomainModel)

TABLE_FOR: dict[type[DomainModel], Table] = {
    Workshop: tables.workshops,
    Segment: tables.segments,
    Persona: tables.personas,
    Card: tables.cards,
    Goal: tables.goals,
    Measure: tables.measures,
    Touchpoint: tables.touchpoints,
    Journey: tables.journeys,
    JourneyStep: tables.steps,
    Participant: tables.participants,
    Vote: tables.votes,
    Idea: tables.ideas,
    Rating: tables.ratings,
    AuditEntry: tables.audit,
}

ENTITY_NAME: dict[type[DomainModel], str] = {
    cls: table.name.rstrip("s") for cls, table in TABLE_FOR.items()
}
"""The singular name of each entity, as the audit trail records it ('card', 'measure')."""


def table_for(cls: type[DomainModel]) -> Table:
    """The table that stores ``cls``."""
    return TABLE_FOR[cls]


def to_row(model: DomainModel) -> dict[str, Any]:
    """The column values of a model: JSON-ready values for JSON columns, Python ones elsewhere."""
    table = table_for(type(model))
    python = model.model_dump(mode="python")
    as_json = model.model_dump(mode="json")
    row: dict[str, Any] = {}
    for column in table.columns:
        if column.name not in python:
            continue
        row[column.name] = (
            as_json[column.name] if isinstance(column.type, JSON) else python[column.name]
        )
    if isinstance(model, Participant):
        row["name_key"] = None if model.anonymous else model.name_key
    if isinstance(model, AuditEntry) and model.seq is None:
        row.pop("seq", None)
    return row


def from_row(cls: type[M], row: Mapping[Any, Any]) -> M:
    """Rebuild a model from a row; columns the model does not have (name_key) are ignored."""
    fields = cls.model_fields
    return cls.model_validate({name: value for name, value in row.items() if name in fields})
