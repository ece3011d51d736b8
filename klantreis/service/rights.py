"""Who may write what, and when: the one place both the service and the pages ask.

The service enforces these rules in every write (:meth:`ServiceCore._check_allowed`); the step
panels ask the same functions which buttons to show a person (:func:`is_facilitator`,
:func:`may_change`), so a button is never offered for something the service would refuse.
"""

from __future__ import annotations

from klantreis.domain import (
    Card,
    Entity,
    Goal,
    Idea,
    Journey,
    JourneyStep,
    Measure,
    MethodStep,
    NotAllowed,
    Participant,
    Persona,
    Role,
    Segment,
    Touchpoint,
    Workshop,
    WorkshopSnapshot,
    written_by,
)

#: Which method step must be open for a participant to add or change each kind of entry.
STEP_FOR: dict[type[Entity], MethodStep] = {
    Segment: MethodStep.SCOPE,
    Persona: MethodStep.PERSONA,
    Card: MethodStep.MAPPING,
    Goal: MethodStep.GOALS,
    Measure: MethodStep.GOALS,
    Touchpoint: MethodStep.JOURNEY,
    Journey: MethodStep.JOURNEY,
    JourneyStep: MethodStep.JOURNEY,
}


ALSO_OPEN_IN: dict[type[Entity], tuple[MethodStep, ...]] = {
    Touchpoint: (MethodStep.GOALS,),
}
"""Further steps in which participants may add an entry: a measure needs a touchpoint that
may not be on the list yet."""


def step_of(item: Entity) -> MethodStep | None:
    """The step in which participants may write ``item``, when it depends on the item (a
    proposal belongs to the step of its topic); None when its kind decides (:data:`STEP_FOR`)."""
    return item.step if isinstance(item, Idea) else None


def check_input_open(workshop: Workshop, actor: Participant, step: MethodStep) -> None:
    """Refuse a participant's input while it is locked or while ``step`` is not the open one."""
    if actor.role is Role.FACILITATOR:
        return
    if workshop.input_locked:
        raise NotAllowed("error.input_locked")
    if workshop.open_step is not step:
        raise NotAllowed("error.step_closed")


def check_may_write(
    workshop: Workshop,
    actor: Participant | None,
    cls: type[Entity],
    stored: Entity | None,
    step: MethodStep | None = None,
) -> None:
    """Participants write only in the open step (``step``, else the kind's), only when input is
    not locked, and only their own entries; the facilitator (and the tools, ``actor`` None)
    anything."""
    if actor is None or actor.role is Role.FACILITATOR:
        return
    step = step or STEP_FOR.get(cls, MethodStep.CHALLENGE)
    if workshop.open_step in ALSO_OPEN_IN.get(cls, ()):
        step = workshop.open_step
    check_input_open(workshop, actor, step)
    if stored is not None and not written_by(stored, actor.id):
        raise NotAllowed("error.not_yours")


def check_facilitator(actor: Participant | None) -> None:
    """Refuse a participant who is not the facilitator (``actor`` None: the tools, allowed)."""
    if actor is not None and actor.role is not Role.FACILITATOR:
        raise NotAllowed("error.facilitator_only")


def is_facilitator(snapshot: WorkshopSnapshot, actor_id: str | None) -> bool:
    """True for the facilitator's own tools (no actor) and for participants with that role."""
    if actor_id is None:
        return True
    person = next((p for p in snapshot.participants if p.id == actor_id), None)
    return person is not None and person.role is Role.FACILITATOR


def may_change(facilitator: bool, actor_id: str | None, entry: object) -> bool:
    """Whether a person may edit or withdraw an entry: the facilitator any, a participant
    their own (what :func:`check_may_write` lets through, the step and lock aside)."""
    return facilitator or written_by(entry, actor_id)


__all__ = [
    "ALSO_OPEN_IN",
    "STEP_FOR",
    "check_facilitator",
    "check_input_open",
    "check_may_write",
    "is_facilitator",
    "may_change",
    "step_of",
]
