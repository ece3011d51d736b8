"""The facade: the one API that the CLI, the widgets, the notebooks and the dashboards call.

A :class:`Service` is bound to one workshop in one store. Methods take and return domain
objects. ``actor_id`` names the participant doing something; ``None`` means the facilitator's or
analyst's own tools, which may do everything. Every change is recorded in the audit trail in the
same transaction, and every change to an existing object carries the version it was based on,
so two people never silently overwrite each other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import IntegrityError

from klantreis.domain import (
    STEP_OF_RATING,
    Action,
    AuditEntry,
    Card,
    Conflict,
    Entity,
    EntryState,
    Goal,
    Idea,
    ImportFailed,
    Journey,
    JourneyStep,
    KlantreisError,
    Measure,
    MethodStep,
    NotAllowed,
    NotFound,
    Participant,
    Persona,
    Problem,
    Rating,
    RatingKind,
    Role,
    Segment,
    StorageError,
    Touchpoint,
    ValidationFailed,
    Vote,
    VoteLimitReached,
    Workshop,
    WorkshopSnapshot,
    name_key,
    utc_now,
    written_by,
)
from klantreis.domain.references import COLLECTIONS, PHASES, unknown_references
from klantreis.i18n import Language, t
from klantreis.store.changes import Change, Subscription
from klantreis.store.rows import ENTITY_NAME
from klantreis.store.store import Store
from klantreis.store.transaction import Transaction

if TYPE_CHECKING:
    import pandas as pd

    from klantreis.analytics.events import EventLogInfo
    from klantreis.analytics.storage import DataFolder
    from klantreis.domain.mapping import MappingRules

T = TypeVar("T")
E = TypeVar("E", bound=Entity)
S = TypeVar("S", Card, Measure, Idea)

_RETRIES = 8
_ARRIVALS = 200
"""At most this many arrivals are added to a shared snapshot at once (more: read it whole)."""

#: Which step must be open for a participant to add or change each kind of entry.
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


class Service:
    """Everything one can do with one workshop."""

    def __init__(self, store: Store, workshop_id: str) -> None:
        self.store = store
        self.workshop_id = workshop_id
        self._shared: WorkshopSnapshot | None = None
        self._sharing = False
        self._reading = threading.Lock()

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, store: Store, workshop: Workshop) -> Service:
        """Store a new workshop and return its service."""
        with store.write() as tx:
            tx.insert(workshop)
            tx.record(_entry(workshop.id, None, Action.CREATE, workshop, title=workshop.title))
        return cls(store, workshop.id)

    @classmethod
    def open(cls, store: Store, workshop_id: str) -> Service:
        """The service of an existing workshop; :class:`NotFound` if there is none."""
        with store.read() as tx:
            tx.require(Workshop, workshop_id)
        return cls(store, workshop_id)

    # -- the workshop itself ---------------------------------------------------------------

    def workshop(self) -> Workshop:
        """The workshop as stored now."""
        with self.store.read() as tx:
            return tx.require(Workshop, self.workshop_id)

    @property
    def language(self) -> Language:
        """The workshop's language."""
        return self.workshop().language

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
            tx.record(_entry(self.workshop_id, actor_id, Action.UPDATE, saved, title=saved.title))
            return saved

    def open_step(self, step: MethodStep | None, actor_id: str | None = None) -> Workshop:
        """Open one step of the method for participants (None closes all)."""
        return self._room(actor_id, open_step=step)

    def set_room(
        self,
        actor_id: str | None = None,
        *,
        timer_ends_at: datetime | object | None = ...,
        results_hidden: bool | object = ...,
        input_locked: bool | object = ...,
    ) -> Workshop:
        """Change the room controls: countdown, hidden results, locked input."""
        changes: dict[str, Any] = {}
        if timer_ends_at is not ...:
            changes["timer_ends_at"] = timer_ends_at
        if results_hidden is not ...:
            changes["results_hidden"] = results_hidden
        if input_locked is not ...:
            changes["input_locked"] = input_locked
        return self._room(actor_id, **changes)

    def _room(self, actor_id: str | None, **changes: Any) -> Workshop:
        def change(tx: Transaction) -> Workshop:
            self._require_facilitator(tx, actor_id)
            current = tx.require(Workshop, self.workshop_id)
            saved = tx.update(current.model_copy(update=changes))
            action = Action.UPDATE
            if "open_step" in changes:
                action = Action.OPEN_STEP if changes["open_step"] else Action.CLOSE_STEP
            summary = {k: str(v) if v is not None else None for k, v in changes.items()}
            tx.record(_entry(self.workshop_id, actor_id, action, saved, **summary))
            return saved

        return self._write(change, retry_on=(Conflict,))

    # -- people ----------------------------------------------------------------------------

    def join(
        self, name: str | None, *, anonymous: bool = False, role: Role = Role.PARTICIPANT
    ) -> Participant:
        """Join the workshop. Joining again with the same name continues as the same person."""

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
                person = _build(Participant, workshop_id=self.workshop_id, name=name, role=role)
                existing = tx.participant_by_name(self.workshop_id, person.name_key)
                if existing is not None:
                    return existing
            tx.insert(person)
            tx.record(_entry(self.workshop_id, person.id, Action.JOIN, person, name=person.name))
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
            tx.record(_entry(self.workshop_id, actor_id, Action.REMOVE, segment))

    def save_persona(self, persona: Persona, actor_id: str | None = None) -> Persona:
        """Add or save the persona of a segment (one persona per segment)."""

        def check(tx: Transaction, item: Persona) -> None:
            self._check_references(tx, item)
            other = tx.find(Persona, self.workshop_id, segment_id=item.segment_id)
            if any(p.id != item.id for p in other):
                raise ValidationFailed([Problem("segment_id", "rule.one_persona_per_segment")])

        return self._save(persona, actor_id, check, summary={"name": persona.name})

    # -- cards -----------------------------------------------------------------------------

    def add_card(self, card: Card, actor_id: str | None = None) -> Card:
        """Put a new card on the wall; its author is ``actor_id``."""
        card = card.model_copy(update={"author_id": actor_id} if actor_id else {})
        return self._save(card, actor_id, self._check_card, summary=_card_summary(card))

    def edit_card(self, card: Card, actor_id: str | None = None) -> Card:
        """Save changes to a card (own cards only for participants)."""
        card = card.model_copy(update={"updated_at": utc_now()})
        return self._save(card, actor_id, self._check_card, summary=_card_summary(card))

    def withdraw_card(self, card_id: str, actor_id: str | None = None) -> Card:
        """The author takes a card back; its dots return to their owners."""
        return self._set_state(Card, card_id, actor_id, EntryState.WITHDRAWN, Action.WITHDRAW)

    def remove_card(self, card_id: str, actor_id: str | None = None) -> Card:
        """The facilitator takes a card off the wall (inappropriate, duplicate)."""
        return self._set_state(Card, card_id, actor_id, EntryState.REMOVED, Action.REMOVE)

    def restore_card(self, card_id: str, actor_id: str | None = None) -> Card:
        """Put a withdrawn or removed card back (facilitator only)."""
        return self._set_state(Card, card_id, actor_id, EntryState.ACTIVE, Action.RESTORE)

    def _check_card(self, tx: Transaction, card: Card) -> None:
        self._check_references(tx, card)

    # -- votes -----------------------------------------------------------------------------

    def vote(self, card_id: str, participant_id: str) -> Vote:
        """Place one of the participant's dots on a card."""

        def place(tx: Transaction) -> Vote:
            workshop = tx.require(Workshop, self.workshop_id)
            person = tx.require(Participant, participant_id, self.workshop_id)
            self._check_input_open(workshop, person, MethodStep.MAPPING)
            # Held: a removal committed meanwhile is waited for and seen, so no dot is placed
            # on a card that just left the wall (on PostgreSQL 36 of 100 racing votes were).
            card = tx.require(Card, card_id, self.workshop_id, held=True)
            if not card.is_active:
                raise NotFound(entity="card")
            round_ = workshop.vote_round.value
            used = {v.dot for v in tx.dots_used(participant_id, round_)}
            if len(used) >= workshop.dots_per_participant:
                raise VoteLimitReached(dots=workshop.dots_per_participant)
            dot = min(set(range(workshop.dots_per_participant)) - used)
            vote = Vote(
                workshop_id=self.workshop_id,
                participant_id=participant_id,
                card_id=card_id,
                round=round_,
                dot=dot,
            )
            tx.insert(vote)
            tx.record(_entry(self.workshop_id, participant_id, Action.VOTE, vote, card=card_id))
            return vote

        return self._write(place, retry_on=(IntegrityError,))

    def unvote(self, card_id: str, participant_id: str) -> bool:
        """Take one of the participant's dots off a card; False if there was none."""
        with self.store.write() as tx:
            workshop = tx.require(Workshop, self.workshop_id)
            person = tx.require(Participant, participant_id, self.workshop_id)
            self._check_input_open(workshop, person, MethodStep.MAPPING)
            mine = [
                v
                for v in tx.dots_used(participant_id, workshop.vote_round.value)
                if v.card_id == card_id
            ]
            if not mine:
                return False
            vote = mine[-1]
            tx.delete(Vote, vote.id)
            tx.record(_entry(self.workshop_id, participant_id, Action.UNVOTE, vote, card=card_id))
            return True

    def dots_left(self, participant_id: str) -> int:
        """How many dots the participant can still place in the current round."""
        return self.snapshot().dots_left(participant_id)

    # -- goals and measures ----------------------------------------------------------------

    def save_goal(self, goal: Goal, actor_id: str | None = None) -> Goal:
        """Write down (or rewrite) one of the four goals of a segment."""

        def check(tx: Transaction, item: Goal) -> None:
            self._check_references(tx, item)
            same = tx.find(Goal, self.workshop_id, segment_id=item.segment_id, kind=item.kind)
            if any(g.id != item.id for g in same):
                raise ValidationFailed([Problem("kind", "rule.one_goal_per_kind")])

        return self._save(goal, actor_id, check, summary={"kind": goal.kind.value})

    def add_measure(self, measure: Measure, actor_id: str | None = None) -> Measure:
        """Propose a measure; its author is ``actor_id``."""
        measure = measure.model_copy(update={"author_id": actor_id} if actor_id else {})
        return self._save(
            measure, actor_id, self._check_references, summary={"title": measure.title}
        )

    def edit_measure(self, measure: Measure, actor_id: str | None = None) -> Measure:
        """Save changes to a measure (own measures only for participants)."""
        measure = measure.model_copy(update={"updated_at": utc_now()})
        return self._save(
            measure, actor_id, self._check_references, summary={"title": measure.title}
        )

    def withdraw_measure(self, measure_id: str, actor_id: str | None = None) -> Measure:
        """The author takes a measure back."""
        return self._set_state(Measure, measure_id, actor_id, EntryState.WITHDRAWN, Action.WITHDRAW)

    def remove_measure(self, measure_id: str, actor_id: str | None = None) -> Measure:
        """The facilitator takes a measure off the board."""
        return self._set_state(Measure, measure_id, actor_id, EntryState.REMOVED, Action.REMOVE)

    def restore_measure(self, measure_id: str, actor_id: str | None = None) -> Measure:
        """Put a withdrawn or removed measure back (facilitator only)."""
        return self._set_state(Measure, measure_id, actor_id, EntryState.ACTIVE, Action.RESTORE)

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

    # -- ideas and ratings ------------------------------------------------------------------

    def add_idea(self, idea: Idea, actor_id: str | None = None) -> Idea:
        """Propose a wording, a segment, or a quote, fact or need for a persona."""
        idea = idea.model_copy(update={"author_id": actor_id} if actor_id else {})
        return self._save(idea, actor_id, self._check_idea, summary=_idea_summary(idea))

    def edit_idea(self, idea: Idea, actor_id: str | None = None) -> Idea:
        """Save changes to a proposal (own proposals only for participants)."""
        idea = idea.model_copy(update={"updated_at": utc_now()})
        return self._save(idea, actor_id, self._check_idea, summary=_idea_summary(idea))

    def withdraw_idea(self, idea_id: str, actor_id: str | None = None) -> Idea:
        """The author takes a proposal back; its votes go with it."""
        return self._set_state(Idea, idea_id, actor_id, EntryState.WITHDRAWN, Action.WITHDRAW)

    def remove_idea(self, idea_id: str, actor_id: str | None = None) -> Idea:
        """The facilitator takes a proposal away (duplicate, off topic)."""
        return self._set_state(Idea, idea_id, actor_id, EntryState.REMOVED, Action.REMOVE)

    def restore_idea(self, idea_id: str, actor_id: str | None = None) -> Idea:
        """Bring a withdrawn or removed proposal back (facilitator only)."""
        return self._set_state(Idea, idea_id, actor_id, EntryState.ACTIVE, Action.RESTORE)

    def _check_idea(self, tx: Transaction, idea: Idea) -> None:
        if idea.segment_id is not None:
            self._check_references(tx, idea)

    def rate(
        self, kind: RatingKind, target_id: str, participant_id: str, value: int | None
    ) -> Rating | None:
        """Give (or change) a participant's number on a target; ``None`` takes it back.

        Support is one vote per proposal, at most the workshop's dots per participant per
        topic. A segment score is 1–5; a feeling -2..2. Returns the rating kept, if any.
        """

        def rate_(tx: Transaction) -> Rating | None:
            workshop = tx.require(Workshop, self.workshop_id)
            person = tx.require(Participant, participant_id, self.workshop_id)
            step = self._rating_step(tx, kind, target_id)
            self._check_input_open(workshop, person, step)
            existing = tx.find(
                Rating,
                self.workshop_id,
                participant_id=participant_id,
                kind=kind.value,
                target_id=target_id,
            )
            if value is None:
                for rating in existing:
                    tx.delete(Rating, rating.id)
                    tx.record(_entry(self.workshop_id, participant_id, Action.UNVOTE, rating))
                return None
            if not existing and kind is RatingKind.SUPPORT:
                self._check_support_left(tx, workshop, participant_id, target_id)
            rating = _build(
                Rating,
                workshop_id=self.workshop_id,
                participant_id=participant_id,
                kind=kind,
                target_id=target_id,
                value=value,
            )
            if existing:
                rating = rating.model_copy(update={"id": existing[0].id})
                saved = tx.update(rating)
            else:
                saved = tx.insert(rating)
            tx.record(
                _entry(self.workshop_id, participant_id, Action.VOTE, saved, value=saved.value)
            )
            return saved

        return self._write(rate_, retry_on=(IntegrityError,))

    def remove_rating(self, rating_id: str, actor_id: str | None = None) -> None:
        """Take a participant's score or feeling away (facilitator only: a mistaken one)."""
        with self.store.write() as tx:
            self._require_facilitator(tx, actor_id)
            rating = tx.require(Rating, rating_id, self.workshop_id)
            tx.delete(Rating, rating_id)
            kept = rating.model_dump(mode="json")
            tx.record(_entry(self.workshop_id, actor_id, Action.REMOVE, rating, kept=kept))

    def _rating_step(self, tx: Transaction, kind: RatingKind, target_id: str) -> MethodStep:
        """The step a rating belongs to; the target must exist (and a proposal be active).
        The target is held, as a card is for a vote: a rating never lands on a target that
        was removed while it was given."""
        if kind is RatingKind.SUPPORT:
            idea = tx.require(Idea, target_id, self.workshop_id, held=True)
            if not idea.is_active:
                raise NotFound(entity="idea")
            return idea.step
        tx.require(
            Segment if kind is RatingKind.SEGMENT_SCORE else JourneyStep,
            target_id,
            self.workshop_id,
            held=True,
        )
        step = STEP_OF_RATING[kind]
        assert step is not None  # only support follows its proposal's step
        return step

    def _check_support_left(
        self, tx: Transaction, workshop: Workshop, participant_id: str, idea_id: str
    ) -> None:
        topic = tx.require(Idea, idea_id, self.workshop_id).topic
        mine = tx.find(
            Rating, self.workshop_id, participant_id=participant_id, kind=RatingKind.SUPPORT.value
        )
        same_topic = {idea.id for idea in tx.find(Idea, self.workshop_id, topic=topic.value)}
        if sum(1 for r in mine if r.target_id in same_topic) >= workshop.dots_per_participant:
            raise VoteLimitReached(dots=workshop.dots_per_participant)

    # -- touchpoints, journeys and steps ---------------------------------------------------

    def save_touchpoint(self, touchpoint: Touchpoint, actor_id: str | None = None) -> Touchpoint:
        """Add or save a touchpoint."""

        return self._save(
            touchpoint, actor_id, self._check_references, summary={"name": touchpoint.name}
        )

    def remove_touchpoint(self, touchpoint_id: str, actor_id: str | None = None) -> None:
        """Delete a touchpoint; steps and measures that used it keep their place without it.
        Participants remove only their own, while the journey step is open."""
        with self.store.write() as tx:
            touchpoint = tx.require(Touchpoint, touchpoint_id, self.workshop_id)
            self._check_allowed(tx, actor_id, Touchpoint, touchpoint)
            used_by: list[str] = []
            for cls in (JourneyStep, Measure):
                for item in tx.find(cls, self.workshop_id, touchpoint_id=touchpoint_id):
                    tx.update(item.model_copy(update={"touchpoint_id": None}))
                    used_by.append(item.id)
            tx.delete(Touchpoint, touchpoint_id)
            tx.record(
                _entry(
                    self.workshop_id,
                    actor_id,
                    Action.REMOVE,
                    touchpoint,
                    kept=touchpoint.model_dump(mode="json"),
                    used_by=used_by,
                )
            )

    def save_journey(self, journey: Journey, actor_id: str | None = None) -> Journey:
        """Add or save an ideal journey (a marketplace has two: one per side)."""

        def check(tx: Transaction, item: Journey) -> None:
            if item.segment_id is not None:
                self._check_references(tx, item)

        return self._save(journey, actor_id, check, summary={"name": journey.name})

    def add_step(self, step: JourneyStep, actor_id: str | None = None) -> JourneyStep:
        """Append a step to the end of its journey."""

        def add(tx: Transaction) -> JourneyStep:
            self._check_allowed(tx, actor_id, JourneyStep, None)
            self._check_references(tx, step)
            count = len(tx.find(JourneyStep, self.workshop_id, journey_id=step.journey_id))
            new = step.model_copy(update={"position": count, "author_id": actor_id})
            tx.insert(new)
            tx.record(_entry(self.workshop_id, actor_id, Action.CREATE, new, text=new.action))
            return new

        return self._write(add, retry_on=())

    def save_step(self, step: JourneyStep, actor_id: str | None = None) -> JourneyStep:
        """Save changes to an existing step (its position changes through :meth:`move_step`)."""
        with self.store.write() as tx:
            self._check_allowed(tx, actor_id, JourneyStep, None)
            stored = tx.require(JourneyStep, step.id, self.workshop_id)
            self._check_references(tx, step)
            kept = {"position": stored.position, "author_id": stored.author_id}
            saved = tx.update(step.model_copy(update=kept))
            tx.record(_entry(self.workshop_id, actor_id, Action.UPDATE, saved, text=saved.action))
            return saved

    def move_step(
        self, step_id: str, new_index: int, actor_id: str | None = None
    ) -> list[JourneyStep]:
        """Move a step to ``new_index`` in its journey; returns the journey's steps in order."""
        with self.store.write() as tx:
            self._check_allowed(tx, actor_id, JourneyStep, None)
            step = tx.require(JourneyStep, step_id, self.workshop_id)
            ordered = tx.find(JourneyStep, self.workshop_id, journey_id=step.journey_id)
            ordered.sort(key=lambda s: s.position)
            ordered = [s for s in ordered if s.id != step_id]
            new_index = max(0, min(new_index, len(ordered)))
            ordered.insert(new_index, step)
            result = []
            for position, item in enumerate(ordered):
                if item.position != position:
                    item = tx.update(item.model_copy(update={"position": position}))
                result.append(item)
            tx.record(_entry(self.workshop_id, actor_id, Action.MOVE, step, to=new_index))
            return result

    def remove_step(self, step_id: str, actor_id: str | None = None) -> None:
        """Delete a step and close the gap it leaves; participants remove only their own."""
        with self.store.write() as tx:
            step = tx.require(JourneyStep, step_id, self.workshop_id)
            self._check_allowed(tx, actor_id, JourneyStep, step)
            ratings = tx.find(Rating, self.workshop_id, target_id=step_id)
            tx.delete(JourneyStep, step_id)
            tx.delete_where(Rating, self.workshop_id, target_id=step_id)
            self._renumber(tx, step.journey_id)
            tx.record(
                _entry(
                    self.workshop_id,
                    actor_id,
                    Action.REMOVE,
                    step,
                    kept=step.model_dump(mode="json"),
                    ratings=[r.model_dump(mode="json") for r in ratings],
                )
            )

    def _renumber(self, tx: Transaction, journey_id: str, *, free: int | None = None) -> None:
        """Number a journey's steps 0, 1, 2… in their order, leaving position ``free`` open."""
        ordered = sorted(
            tx.find(JourneyStep, self.workshop_id, journey_id=journey_id),
            key=lambda s: s.position,
        )
        for index, item in enumerate(ordered):
            position = index + 1 if free is not None and index >= free else index
            if item.position != position:
                tx.update(item.model_copy(update={"position": position}))

    def restore_removed(self, entity_id: str, actor_id: str | None = None) -> None:
        """Bring back a removed journey step (in its place, with its feelings), touchpoint
        (linked again to the steps and measures that used it, where they have none since) or
        rating, from the copy its removal left in the audit trail (facilitator only)."""
        with self.store.write() as tx:
            self._require_facilitator(tx, actor_id)
            entry = tx.last_removal(self.workshop_id, entity_id)
            if entry is None or "kept" not in entry.summary:
                raise NotFound(entity="entry")
            kept = entry.summary["kept"]
            present: dict[str, type[JourneyStep | Touchpoint | Rating]] = {
                "step": JourneyStep,
                "touchpoint": Touchpoint,
                "rating": Rating,
            }
            if tx.get(present[entry.entity], entity_id) is not None:
                return  # back already (a second press of the same button)
            restored: JourneyStep | Touchpoint | Rating
            if entry.entity == "step":
                restored = self._restore_step(tx, JourneyStep.model_validate(kept))
                for rating in entry.summary.get("ratings", []):
                    self._restore_rating(tx, Rating.model_validate(rating), quietly=True)
            elif entry.entity == "touchpoint":
                restored = self._restore_touchpoint(tx, Touchpoint.model_validate(kept))
                for item_id in entry.summary.get("used_by", []):
                    item = tx.get(JourneyStep, item_id) or tx.get(Measure, item_id)
                    if item is not None and item.touchpoint_id is None:
                        tx.update(item.model_copy(update={"touchpoint_id": restored.id}))
            else:
                restored = self._restore_rating(tx, Rating.model_validate(kept), quietly=False)
            tx.record(_entry(self.workshop_id, actor_id, Action.RESTORE, restored))

    def _restore_step(self, tx: Transaction, step: JourneyStep) -> JourneyStep:
        journey = tx.get(Journey, step.journey_id)
        if journey is None or journey.workshop_id != self.workshop_id:
            raise NotFound(entity="journey")
        count = len(tx.find(JourneyStep, self.workshop_id, journey_id=step.journey_id))
        position = min(step.position, count)
        self._renumber(tx, step.journey_id, free=position)
        workshop = tx.require(Workshop, self.workshop_id)
        update: dict[str, object] = {"position": position}
        if step.touchpoint_id is not None and tx.get(Touchpoint, step.touchpoint_id) is None:
            update["touchpoint_id"] = None
        if step.phase_key is not None and workshop.phase(step.phase_key) is None:
            update["phase_key"] = None
        restored = step.model_copy(update=update)
        tx.insert(restored)
        return restored

    def _restore_touchpoint(self, tx: Transaction, touchpoint: Touchpoint) -> Touchpoint:
        workshop = tx.require(Workshop, self.workshop_id)
        phases = [key for key in touchpoint.phase_keys if workshop.phase(key) is not None]
        restored = touchpoint.model_copy(update={"phase_keys": phases})
        tx.insert(restored)
        return restored

    def _restore_rating(self, tx: Transaction, rating: Rating, *, quietly: bool) -> Rating:
        """Put a rating back unless its person or target is gone or they rated it again
        since (then the newer rating stays; ``quietly`` skips instead of refusing)."""
        targets: dict[RatingKind, type[Segment | JourneyStep | Idea]] = {
            RatingKind.SEGMENT_SCORE: Segment,
            RatingKind.FEELING: JourneyStep,
            RatingKind.SUPPORT: Idea,
        }
        target = targets[rating.kind]
        again = [
            r
            for r in tx.find(Rating, self.workshop_id, participant_id=rating.participant_id)
            if r.kind is rating.kind and r.target_id == rating.target_id
        ]
        gone = tx.get(Participant, rating.participant_id) is None or (
            tx.get(target, rating.target_id) is None
        )
        if again or gone or tx.get(Rating, rating.id) is not None:
            if quietly:
                return rating
            if again:
                raise ValidationFailed([Problem("value", "rule.rated_again")])
            raise NotFound(entity="entry")
        tx.insert(rating)
        return rating

    # -- analytics data ------------------------------------------------------------------
    # The data itself lives in the workshop folder (klantreis.analytics.storage); every change
    # to it goes through here, so it is recorded in the audit trail and announced to every page
    # like any other change (the dashboard redraws its data section).

    def import_traffic(self, data: DataFolder, content: bytes) -> pd.DataFrame:
        """Keep a traffic export (GA4 or Universal Analytics), replacing the previous one."""
        frame = data.import_traffic(content)
        self._record_analytics("traffic", rows=len(frame))
        return frame

    def import_events(
        self, data: DataFolder, source: Path | bytes, columns: dict[str, str] | None = None
    ) -> EventLogInfo:
        """Keep an event log (a file, or an upload's bytes), replacing the previous one;
        ``columns`` chooses the log's column per role (customer, time, event, channel)."""
        if isinstance(source, bytes):
            info = data.import_event_bytes(source, columns)
        else:
            info = data.import_events(source, columns)
        self._record_analytics("events", events=info.events, customers=info.customers)
        return info

    def import_rules(self, data: DataFolder, content: bytes) -> MappingRules:
        """Keep the mapping rules of a rules file (a kind of rule the file leaves out stays as
        it is); refused when a rule names a step or touchpoint the workshop does not have."""
        rules = data.import_rules(content, self.language, self.check_rules)
        self._record_analytics("rules", channels=len(rules.channels), steps=len(rules.steps))
        return rules

    def check_rules(self, rules: MappingRules) -> None:
        """Refuse rules that point past the ideal journey's end or at a touchpoint the workshop
        does not have: they would count nothing, without a word."""
        snap = self.snapshot()
        steps = len(snap.ideal_steps)
        touchpoints = {name_key(tp.name) for tp in snap.touchpoints}
        problems = [
            Problem(f"steps.{i}.step", "rule.step_past_end", {"step": rule.step, "steps": steps})
            for i, rule in enumerate(rules.steps)
            if rule.step > steps
        ]
        problems += [
            Problem(
                f"channels.{i}.touchpoint", "rule.unknown_touchpoint_name", {"name": r.touchpoint}
            )
            for i, r in enumerate(rules.channels)
            if r.touchpoint and name_key(r.touchpoint) not in touchpoints
        ]
        if problems:
            raise ValidationFailed(problems)

    def save_rules(self, data: DataFolder, rules: MappingRules) -> None:
        """Keep mapping rules made in a form (checked as :meth:`check_rules` does)."""
        self.check_rules(rules)
        data.save_rules(rules)
        self._record_analytics("rules", channels=len(rules.channels), steps=len(rules.steps))

    def save_counts(self, data: DataFolder, counts: dict[int, int]) -> None:
        """Keep step counts typed in by hand."""
        data.save_counts(counts)
        self._record_analytics("counts", steps=len(counts))

    def set_counts(self, data: DataFolder, changes: dict[int, int | None]) -> dict[int, int]:
        """Set (a number) or clear (None) the hand-counted customers of some steps of the
        ideal journey, keeping the counts of the other steps; returns all counts now.
        A step number past the journey's end is refused and nothing changes."""
        steps = len(self.snapshot().ideal_steps)
        for step in sorted(changes):
            if not 1 <= step <= steps:
                raise ImportFailed("error.counts_unknown_step", step=step, steps=steps)
        counts = data.counts()
        for step, count in changes.items():
            if count is None:
                counts.pop(step, None)
            else:
                counts[step] = count
        self.save_counts(data, counts)
        return data.counts()

    def _record_analytics(self, part: str, **summary: Any) -> None:
        with self.store.write() as tx:
            tx.record(
                AuditEntry(
                    workshop_id=self.workshop_id,
                    action=Action.IMPORT,
                    entity="analytics",
                    entity_id=part,
                    summary=summary,
                )
            )

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
            self._check_allowed(tx, actor_id, type(item), stored, _step_of(item))
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
            tx.record(_entry(self.workshop_id, actor_id, action, saved, **summary))
            return saved

        return self._write(save, retry_on=())

    def _set_state(
        self,
        cls: type[S],
        entity_id: str,
        actor_id: str | None,
        state: EntryState,
        action: Action,
    ) -> S:
        with self.store.write() as tx:
            current = tx.require(cls, entity_id, self.workshop_id)
            if action is Action.WITHDRAW:
                self._check_allowed(tx, actor_id, cls, current, _step_of(current))
            else:
                self._require_facilitator(tx, actor_id)
            saved = tx.update(current.model_copy(update={"state": state, "updated_at": utc_now()}))
            if cls is Card and state is not EntryState.ACTIVE:
                tx.delete_where(Vote, self.workshop_id, card_id=entity_id)
            if cls is Idea and state is not EntryState.ACTIVE:
                tx.delete_where(Rating, self.workshop_id, target_id=entity_id)
            tx.record(_entry(self.workshop_id, actor_id, action, saved))
            return saved

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
        actor = self._actor(tx, actor_id)
        if actor is not None and actor.role is not Role.FACILITATOR:
            raise NotAllowed("error.facilitator_only")

    def _check_allowed(
        self,
        tx: Transaction,
        actor_id: str | None,
        cls: type[Entity],
        stored: Entity | None,
        step: MethodStep | None = None,
    ) -> None:
        """Participants write only in the open step (``step``, else the entity's), only when
        input is not locked, and only their own entries."""
        actor = self._actor(tx, actor_id)
        if actor is None or actor.role is Role.FACILITATOR:
            return
        workshop = tx.require(Workshop, self.workshop_id)
        step = step or STEP_FOR.get(cls, MethodStep.CHALLENGE)
        if workshop.open_step in ALSO_OPEN_IN.get(cls, ()):
            step = workshop.open_step
        self._check_input_open(workshop, actor, step)
        if stored is not None and not written_by(stored, actor.id):
            raise NotAllowed("error.not_yours")

    @staticmethod
    def _check_input_open(workshop: Workshop, actor: Participant, step: MethodStep) -> None:
        if actor.role is Role.FACILITATOR:
            return
        if workshop.input_locked:
            raise NotAllowed("error.input_locked")
        if workshop.open_step is not step:
            raise NotAllowed("error.step_closed")

    def _check_phases_unused(self, tx: Transaction, removed: set[str]) -> None:
        placed: list[str | None] = [s.phase_key for s in tx.find(JourneyStep, self.workshop_id)]
        for measure in tx.find(Measure, self.workshop_id):
            placed += measure.phase_keys
        for key in placed:
            if key in removed:
                raise ValidationFailed([Problem("phases", "rule.phase_in_use", {"phase": key})])


def _entry(
    workshop_id: str,
    actor_id: str | None,
    action: Action,
    item: Entity | Workshop | Vote,
    **summary: Any,
) -> AuditEntry:
    return AuditEntry(
        workshop_id=workshop_id,
        actor_id=actor_id,
        action=action,
        entity=ENTITY_NAME[type(item)],
        entity_id=item.id,
        summary={key: _short(value) for key, value in summary.items()},
    )


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 80:
        return value[:79] + "…"
    return value


def _card_summary(card: Card) -> dict[str, Any]:
    return {"kind": card.kind.value, "text": card.text}


def _step_of(item: Entity) -> MethodStep | None:
    """The step in which participants may write ``item``, when it depends on the item."""
    return item.step if isinstance(item, Idea) else None


def _idea_summary(idea: Idea) -> dict[str, Any]:
    return {"topic": idea.topic.value, "text": idea.text}


def _build(cls: type[E], **values: Any) -> E:
    """Construct a domain object from loose values, raising :class:`ValidationFailed`."""
    from pydantic import ValidationError

    from klantreis.domain import validation_failed

    try:
        return cls(**values)
    except ValidationError as exc:
        raise validation_failed(exc) from exc


__all__ = ["STEP_FOR", "KlantreisError", "Service"]
