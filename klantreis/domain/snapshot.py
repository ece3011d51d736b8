"""A consistent picture of a whole workshop at one moment, as charts and exports read it."""

from __future__ import annotations

import hashlib
from collections import Counter

from pydantic import Field, PrivateAttr

from klantreis.domain.audit import AuditEntry, removals
from klantreis.domain.base import DomainModel
from klantreis.domain.card import Card
from klantreis.domain.goal import Goal, Measure
from klantreis.domain.idea import Idea, Rating, RatingSummary
from klantreis.domain.journey import Journey, JourneyStep, Touchpoint
from klantreis.domain.participant import Participant, Vote
from klantreis.domain.segment import Persona, Segment
from klantreis.domain.vocabulary import CardKind, GoalKind, IdeaTopic, Polarity, RatingKind
from klantreis.domain.workshop import Workshop


class WorkshopParts(DomainModel):
    """A workshop with every list of records it has, named as in
    :data:`~klantreis.domain.references.COLLECTIONS` (a test keeps the two equal): what a
    snapshot reads and what an exchange document carries."""

    workshop: Workshop
    segments: list[Segment] = Field(default_factory=list)
    personas: list[Persona] = Field(default_factory=list)
    cards: list[Card] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    touchpoints: list[Touchpoint] = Field(default_factory=list)
    journeys: list[Journey] = Field(default_factory=list)
    steps: list[JourneyStep] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list)
    votes: list[Vote] = Field(default_factory=list)
    ideas: list[Idea] = Field(default_factory=list)
    ratings: list[Rating] = Field(default_factory=list)


class WorkshopSnapshot(WorkshopParts):
    """Everything of one workshop, read in one transaction; ``revision`` grows with every change."""

    revision: int = 0
    removal_entries: list[AuditEntry] = Field(default_factory=list)
    """The trail's removals of journey steps, touchpoints and ratings (their copies)."""
    _content_key: str = PrivateAttr(default="")
    _feelings: dict[str, RatingSummary] | None = PrivateAttr(default=None)

    def content_key(self) -> str:
        """A digest of what the group made, leaving out who is in the room and the revision.

        Someone joining changes the revision but none of the group's results: charts and
        lists keyed on this are not remade for every arrival. Computed once per snapshot (a
        snapshot is not changed after it is read)."""
        if not self._content_key:
            made = self.model_dump_json(exclude={"revision", "participants", "removal_entries"})
            self._content_key = hashlib.blake2b(made.encode("utf-8"), digest_size=16).hexdigest()
        return self._content_key

    def in_language(self, language: str) -> WorkshopSnapshot:
        """The same workshop with its labels in ``language`` (a participant who reads the
        room in the other language): charts and tables made from it speak that language."""
        if language == self.workshop.language:
            return self
        workshop = self.workshop.model_copy(update={"language": language})
        return self.model_copy(update={"workshop": workshop})

    # -- segments and personas -------------------------------------------------------------

    @property
    def focus_segment(self) -> Segment | None:
        """The segment the group chose to start with, if any."""
        return next((s for s in self.segments if s.is_focus), None)

    def segment(self, segment_id: str | None) -> Segment | None:
        """The segment with this id, or None."""
        return next((s for s in self.segments if s.id == segment_id), None)

    def persona_for(self, segment_id: str) -> Persona | None:
        """The persona of a segment, if one was made."""
        return next((p for p in self.personas if p.segment_id == segment_id), None)

    def persona_evidence(self, segment_id: str) -> int:
        """The quotes and facts a segment's persona rests on: the facilitator's and the room's."""
        persona = self.persona_for(segment_id)
        own = persona.evidence_count if persona is not None else 0
        room = [*self.active_ideas(IdeaTopic.QUOTE, segment_id)]
        room += self.active_ideas(IdeaTopic.FACT, segment_id)
        return own + len(room)

    # -- cards and votes -------------------------------------------------------------------

    def active_cards(
        self,
        segment_id: str | None = None,
        kind: CardKind | None = None,
        polarity: Polarity | None = None,
    ) -> list[Card]:
        """Cards still on the wall, optionally of one segment, kind and polarity."""
        return [
            card
            for card in self.cards
            if card.is_active
            and (segment_id is None or card.segment_id == segment_id)
            and (kind is None or card.kind is kind)
            and (polarity is None or card.polarity is polarity)
        ]

    def dots_left(self, participant_id: str) -> int:
        """How many dots the participant can still place in the current round."""
        round_ = self.workshop.vote_round
        used = sum(
            1 for v in self.votes if v.participant_id == participant_id and v.round == round_
        )
        return max(0, self.workshop.dots_per_participant - used)

    def vote_counts(self) -> Counter[str]:
        """Dots per card id, counting only cards that are still active."""
        active = {card.id for card in self.cards if card.is_active}
        return Counter(vote.card_id for vote in self.votes if vote.card_id in active)

    def card(self, card_id: str) -> Card | None:
        """The card with this id (active or not), or None."""
        return next((c for c in self.cards if c.id == card_id), None)

    # -- goals and measures ----------------------------------------------------------------

    def goal(self, segment_id: str, kind: GoalKind) -> Goal | None:
        """The goal of this kind for this segment, if one was written down."""
        return next((g for g in self.goals if g.segment_id == segment_id and g.kind is kind), None)

    def active_measures(self, segment_id: str | None = None) -> list[Measure]:
        """Measures still in play, optionally for one segment."""
        return [
            m
            for m in self.measures
            if m.is_active and (segment_id is None or m.segment_id == segment_id)
        ]

    # -- journeys --------------------------------------------------------------------------

    @property
    def ideal_steps(self) -> list[JourneyStep]:
        """The steps of the ideal journey (the first journey), in order; [] without one."""
        return self.steps_of(self.journeys[0].id) if self.journeys else []

    def steps_of(self, journey_id: str) -> list[JourneyStep]:
        """The steps of one journey in order."""
        return sorted(
            (s for s in self.steps if s.journey_id == journey_id), key=lambda s: s.position
        )

    def feeling_at(self, step: JourneyStep) -> tuple[float | None, RatingSummary | None]:
        """How the customer feels at a step: the group's median once participants rated it
        (with their summary), else the feeling the facilitator wrote down (and None)."""
        if self._feelings is None:
            self._feelings = self.rating_summaries(RatingKind.FEELING)
        group = self._feelings.get(step.id)
        return (group.median, group) if group else (step.feeling, None)

    def touchpoint(self, touchpoint_id: str | None) -> Touchpoint | None:
        """The touchpoint with this id, or None."""
        return next((tp for tp in self.touchpoints if tp.id == touchpoint_id), None)

    # -- ideas and ratings ------------------------------------------------------------------

    def active_ideas(self, topic: IdeaTopic, segment_id: str | None = None) -> list[Idea]:
        """Proposals of one topic still in play, most supported first, then oldest first."""
        support = self.support_counts()
        ideas = [
            idea
            for idea in self.ideas
            if idea.is_active
            and idea.topic is topic
            and (segment_id is None or idea.segment_id == segment_id)
        ]
        return sorted(ideas, key=lambda idea: (-support[idea.id], idea.created_at))

    def idea(self, idea_id: str) -> Idea | None:
        """The idea with this id (active or not), or None."""
        return next((i for i in self.ideas if i.id == idea_id), None)

    def support_counts(self) -> Counter[str]:
        """Votes per idea id."""
        return Counter(r.target_id for r in self.ratings if r.kind is RatingKind.SUPPORT)

    def supported_by(self, participant_id: str) -> set[str]:
        """The ids of the ideas this participant voted for."""
        return {
            r.target_id
            for r in self.ratings
            if r.kind is RatingKind.SUPPORT and r.participant_id == participant_id
        }

    def ratings_of(self, kind: RatingKind) -> dict[str, list[int]]:
        """Every participant's value per target id, for segment scores or feelings."""
        values: dict[str, list[int]] = {}
        for rating in self.ratings:
            if rating.kind is kind:
                values.setdefault(rating.target_id, []).append(rating.value)
        return values

    def rating_summaries(self, kind: RatingKind) -> dict[str, RatingSummary]:
        """The group's median and range per target id, for segment scores or feelings."""
        return {
            target: RatingSummary.of(values) for target, values in self.ratings_of(kind).items()
        }

    def rating_by(self, participant_id: str, kind: RatingKind, target_id: str) -> int | None:
        """This participant's value for one target, if they gave one."""
        return next(
            (
                r.value
                for r in self.ratings
                if r.participant_id == participant_id
                and r.kind is kind
                and r.target_id == target_id
            ),
            None,
        )

    # -- people ----------------------------------------------------------------------------

    def removed(self) -> list[AuditEntry]:
        """Journey steps, touchpoints and ratings that were removed and can be brought back,
        the latest removal first (each entry holds a copy under ``summary["kept"]``)."""
        present = {x.id for x in [*self.steps, *self.touchpoints, *self.ratings]}
        return removals(self.removal_entries, present)

    def contributions(self) -> Counter[str]:
        """How much each participant added: active cards, measures and ideas, goal statements,
        journey steps and touchpoints they wrote, and the scores and feelings they gave."""
        authors = (
            [c.author_id for c in self.active_cards()]
            + [m.author_id for m in self.active_measures()]
            + [i.author_id for i in self.ideas if i.is_active]
            + [g.author_id for g in self.goals if g.statement]
            + [s.author_id for s in self.steps]
            + [tp.author_id for tp in self.touchpoints]
            + [r.participant_id for r in self.ratings if r.kind is not RatingKind.SUPPORT]
        )
        return Counter(author for author in authors if author)
