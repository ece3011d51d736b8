"""The parts of a workshop and how they point at each other, written down once.

The exchange format checks a document's references with it, the importer gives every record a
fresh id and makes the references follow along with it, the service checks what a form sends
with it, and snapshots, documents and CSV exports list the parts in its order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from klantreis.domain.base import DomainModel, Entity
from klantreis.domain.card import Card
from klantreis.domain.errors import Problem
from klantreis.domain.goal import Goal, Measure
from klantreis.domain.idea import RATING_TARGET, Idea, Rating
from klantreis.domain.journey import Journey, JourneyStep, Touchpoint
from klantreis.domain.participant import Participant, Vote
from klantreis.domain.segment import Persona, Segment

COLLECTIONS: dict[str, type[Entity]] = {
    "segments": Segment,
    "personas": Persona,
    "cards": Card,
    "goals": Goal,
    "measures": Measure,
    "touchpoints": Touchpoint,
    "journeys": Journey,
    "steps": JourneyStep,
    "participants": Participant,
    "votes": Vote,
    "ideas": Idea,
    "ratings": Rating,
}
"""The lists of a workshop with their record type, in an order in which each refers only to
earlier ones (and to participants, which every list may name as author)."""

PHASES = "phases"
"""What a phase key points at: one of the workshop's phases (not a list of records)."""

ID_FIELDS: dict[str, str] = {
    "segment_id": "segments",
    "card_id": "cards",
    "card_ids": "cards",
    "touchpoint_id": "touchpoints",
    "journey_id": "journeys",
    "author_id": "participants",
    "participant_id": "participants",
}
"""Fields that hold the id (or a list of ids) of a record of another list."""

PHASE_FIELDS = ("phase_key", "more_phase_keys", "phase_keys")
"""Fields that hold a phase key (or a list of them)."""

UNKNOWN_RULES: dict[str, str] = {
    "segments": "rule.unknown_segment",
    "cards": "rule.unknown_card",
    "touchpoints": "rule.unknown_touchpoint",
    "journeys": "rule.unknown_journey",
    "participants": "rule.unknown_participant",
    PHASES: "rule.unknown_phase",
}
"""The rule a reference breaks when what it points at does not exist (a rating's target
breaks ``rule.unknown_rating_target``, whatever it rates)."""


@dataclass(frozen=True)
class Reference:
    """One value of a field that points at a record of ``target`` (or at a phase)."""

    field: str
    target: str
    value: str
    rule: str = ""
    """The rule broken when it points at nothing (the target's rule when empty)."""


def references(item: DomainModel) -> Iterator[Reference]:
    """Every reference ``item`` holds, in the order of its fields (each id of a list)."""
    for field in type(item).model_fields:
        target = ID_FIELDS.get(field) or (PHASES if field in PHASE_FIELDS else None)
        if target is None:
            continue
        value = getattr(item, field)
        for one in value if isinstance(value, list) else [value]:
            if one is not None:
                yield Reference(field, target, one)
    if isinstance(item, Rating):
        target = RATING_TARGET[item.kind]
        yield Reference("target_id", target, item.target_id, "rule.unknown_rating_target")


def unknown_references(
    item: DomainModel,
    exists: Callable[[str, str], bool],
    prefix: str = "",
    skip: tuple[str, ...] = (),
) -> list[Problem]:
    """A problem for each reference of ``item`` that ``exists(target, value)`` does not find
    (one per field), with the field's path after ``prefix``; fields in ``skip`` go unchecked."""
    problems: list[Problem] = []
    broken: set[str] = set()
    for ref in references(item):
        if ref.field in skip or ref.field in broken or exists(ref.target, ref.value):
            continue
        if ref.target != PHASES:
            broken.add(ref.field)  # one missing card of a list is enough to say
        rule = ref.rule or UNKNOWN_RULES[ref.target]
        problems.append(Problem(prefix + ref.field, rule, {"id": ref.value, "phase": ref.value}))
    return problems


__all__ = [
    "COLLECTIONS",
    "ID_FIELDS",
    "PHASES",
    "PHASE_FIELDS",
    "UNKNOWN_RULES",
    "Reference",
    "references",
    "unknown_references",
]
