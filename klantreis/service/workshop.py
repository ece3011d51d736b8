"""The workshop itself and its parts that each exist once: the room's controls, the people,
segments and personas, and the four goals of a segment."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Final

from sqlalchemy.exc import IntegrityError

from klantreis.domain import (
    Action,
    Card,
    Conflict,
    Goal,
    Idea,
    Journey,
    JourneyStep,
    KlantreisError,
    Measure,
    MethodStep,
    NotFound,
    Participant,
    Persona,
    Problem,
    Rating,
    Role,
    Segment,
    ValidationFailed,
    Workshop,
    name_key,
)
from klantreis.i18n import t
from klantreis.service.audit import entry
from klantreis.service.core import ServiceCore, build
from klantreis.store.transaction import Transaction


class Unchanged(enum.Enum):
    """The type of :data:`UNCHANGED`."""

    UNCHANGED = "unchanged"


UNCHANGED: Final = Unchanged.UNCHANGED
"""A room control left as it is (``None`` is a value: no countdown)."""


class WorkshopPart(ServiceCore):
    """Saving the workshop, the room's controls, people, segments, personas and goals."""

    def update_workshop(self, changed: Workshop, actor_id: str | None = None) -> Workshop:
        """Save the challenge, end goal, scope, phases or room settings (facilitator only)."""
        if changed.id != self.workshop_id:
            raise NotFound(entity="workshop")
        with self.store.write() as tx:
            self._require_facilitator(tx, actor_id)
            old = tx.require(Workshop, self.workshop_id)
            removed = set(old.phase_keys) - set(changed.phase_keys)
            if removed:
                self._check_phases_unused(tx, removed)
            saved = tx.update(changed)
            tx.record(entry(self.workshop_id, actor_id, Action.UPDATE, saved, title=saved.title))
            return saved

    def open_method_step(self, step: MethodStep | None, actor_id: str | None = None) -> Workshop:
        """Open one step of the method for participants (None closes all)."""
        return self._change_controls(actor_id, open_step=step)

    def set_controls(
        self,
        actor_id: str | None = None,
        *,
        timer_ends_at: datetime | Unchanged | None = UNCHANGED,
        results_hidden: bool | Unchanged = UNCHANGED,
        input_locked: bool | Unchanged = UNCHANGED,
        joins_closed: bool | Unchanged = UNCHANGED,
        max_participants: int | Unchanged = UNCHANGED,
    ) -> Workshop:
        """Change the room's controls: the countdown, hidden results, locked input, whether
        new people may join and how many at most (what is not given stays as it is)."""
        given = {
            "timer_ends_at": timer_ends_at,
            "results_hidden": results_hidden,
            "input_locked": input_locked,
            "joins_closed": joins_closed,
            "max_participants": max_participants,
        }
        changes = {name: value for name, value in given.items() if value is not UNCHANGED}
        return self._change_controls(actor_id, **changes)

    def _change_controls(self, actor_id: str | None, **changes: Any) -> Workshop:
        def change(tx: Transaction) -> Workshop:
            self._require_facilitator(tx, actor_id)
            current = tx.require(Workshop, self.workshop_id)
            saved = tx.update(current.model_copy(update=changes))
            action = Action.UPDATE
            if "open_step" in changes:
                action = Action.OPEN_STEP if changes["open_step"] else Action.CLOSE_STEP
            summary = {k: str(v) if v is not None else None for k, v in changes.items()}
            tx.record(entry(self.workshop_id, actor_id, action, saved, **summary))
            return saved

        return self._write(change, retry_on=(Conflict,))

    def _check_phases_unused(self, tx: Transaction, removed: set[str]) -> None:
        placed: list[str | None] = [s.phase_key for s in tx.find(JourneyStep, self.workshop_id)]
        for measure in tx.find(Measure, self.workshop_id):
            placed += measure.phase_keys
        for key in placed:
            if key in removed:
                raise ValidationFailed([Problem("phases", "rule.phase_in_use", {"phase": key})])

    # -- people ----------------------------------------------------------------------------

    def join(
        self, name: str | None, *, anonymous: bool = False, role: Role = Role.PARTICIPANT
    ) -> Participant:
        """Join the workshop. Joining again with the same name continues as the same person."""

        def admit(tx: Transaction, workshop: Workshop) -> None:
            """A new person may join only while the room is open and not full."""
            if role is Role.FACILITATOR:
                return  # the facilitator's own tools are never shut out
            if workshop.joins_closed:
                raise KlantreisError("room.joins_closed")
            if tx.count(Participant, self.workshop_id) >= workshop.max_participants:
                raise KlantreisError("room.full", count=workshop.max_participants)

        def do_join(tx: Transaction) -> Participant:
            workshop = tx.require(Workshop, self.workshop_id)
            if anonymous or not (name or "").strip():
                if not workshop.allow_anonymous:
                    raise ValidationFailed([Problem("name", "error.name_required")])
                number = tx.count(Participant, self.workshop_id) + 1
                person = Participant(
                    workshop_id=self.workshop_id,
                    name=t("participant.anonymous_name", workshop.language, number=number),
                    anonymous=True,
                    role=role,
                )
            else:
                person = build(Participant, workshop_id=self.workshop_id, name=name, role=role)
                existing = tx.participant_by_name(self.workshop_id, person.name_key)
                if existing is not None:
                    return existing
            admit(tx, workshop)
            tx.insert(person)
            tx.record(entry(self.workshop_id, person.id, Action.JOIN, person, name=person.name))
            return person

        return self._write(do_join, retry_on=(IntegrityError,))

    def participant(self, participant_id: str) -> Participant:
        """One participant of this workshop."""
        with self.store.read() as tx:
            return tx.require(Participant, participant_id, self.workshop_id)

    def participants(self) -> list[Participant]:
        """Everyone who joined, in order of arrival."""
        with self.store.read() as tx:
            return tx.find(Participant, self.workshop_id)

    # -- segments and personas -------------------------------------------------------------

    def save_segment(self, segment: Segment, actor_id: str | None = None) -> Segment:
        """Add a segment, or save changes to one. Saving one as focus unsets the others."""

        def check(tx: Transaction, item: Segment) -> None:
            for other in tx.find(Segment, self.workshop_id):
                if other.id != item.id and name_key(other.name) == name_key(item.name):
                    # "Students", "students " and "Stu\u200bdents" are one segment
                    raise ValidationFailed(
                        [Problem("name", "rule.segment_exists", {"name": other.name})]
                    )
            if item.is_focus:
                for other in tx.find(Segment, self.workshop_id, is_focus=True):
                    if other.id != item.id:
                        tx.update(other.model_copy(update={"is_focus": False}))

        return self._save(segment, actor_id, check, summary={"name": segment.name})

    def choose_focus(self, segment_id: str, actor_id: str | None = None) -> Segment:
        """Make one segment the focus of the workshop."""
        with self.store.read() as tx:
            segment = tx.require(Segment, segment_id, self.workshop_id)
        return self.save_segment(segment.model_copy(update={"is_focus": True}), actor_id)

    def remove_segment(self, segment_id: str, actor_id: str | None = None) -> None:
        """Delete a segment with its persona, cards, goals and measures (facilitator only)."""
        with self.store.write() as tx:
            self._require_facilitator(tx, actor_id)
            segment = tx.require(Segment, segment_id, self.workshop_id)
            for cls in (Persona, Card, Goal, Measure, Idea):
                tx.delete_where(cls, self.workshop_id, segment_id=segment_id)
            tx.delete_where(Rating, self.workshop_id, target_id=segment_id)
            for journey in tx.find(Journey, self.workshop_id, segment_id=segment_id):
                tx.update(journey.model_copy(update={"segment_id": None}))
            tx.delete(Segment, segment_id)
            tx.record(entry(self.workshop_id, actor_id, Action.REMOVE, segment))

    def save_persona(self, persona: Persona, actor_id: str | None = None) -> Persona:
        """Add or save the persona of a segment (one persona per segment)."""

        def check(tx: Transaction, item: Persona) -> None:
            self._check_references(tx, item)
            other = tx.find(Persona, self.workshop_id, segment_id=item.segment_id)
            if any(p.id != item.id for p in other):
                raise ValidationFailed([Problem("segment_id", "rule.one_persona_per_segment")])

        return self._save(persona, actor_id, check, summary={"name": persona.name})

    def save_goal(self, goal: Goal, actor_id: str | None = None) -> Goal:
        """Write down (or rewrite) one of the four goals of a segment."""

        def check(tx: Transaction, item: Goal) -> None:
            self._check_references(tx, item)
            same = tx.find(Goal, self.workshop_id, segment_id=item.segment_id, kind=item.kind)
            if any(g.id != item.id for g in same):
                raise ValidationFailed([Problem("kind", "rule.one_goal_per_kind")])

        return self._save(goal, actor_id, check, summary={"kind": goal.kind.value})
