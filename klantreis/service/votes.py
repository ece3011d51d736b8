"""Votes and ratings: dots on cards, support for proposals, segment scores and feelings."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from klantreis.domain import (
    STEP_OF_RATING,
    Action,
    Card,
    Idea,
    JourneyStep,
    MethodStep,
    NotFound,
    Participant,
    Rating,
    RatingKind,
    Segment,
    Vote,
    VoteLimitReached,
    Workshop,
)
from klantreis.service import rights
from klantreis.service.audit import entry
from klantreis.service.core import ServiceCore, build
from klantreis.store.transaction import Transaction


class VotesPart(ServiceCore):
    """Place and take back dots, support, scores and feelings, within each person's limits."""

    # -- votes -----------------------------------------------------------------------------

    def vote(self, card_id: str, participant_id: str) -> Vote:
        """Place one of the participant's dots on a card."""

        def place(tx: Transaction) -> Vote:
            workshop = tx.require(Workshop, self.workshop_id)
            person = tx.require(Participant, participant_id, self.workshop_id)
            rights.check_input_open(workshop, person, MethodStep.MAPPING)
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
            tx.record(entry(self.workshop_id, participant_id, Action.VOTE, vote, card=card_id))
            return vote

        return self._write(place, retry_on=(IntegrityError,))

    def unvote(self, card_id: str, participant_id: str) -> bool:
        """Take one of the participant's dots off a card; False if there was none."""
        with self.store.write() as tx:
            workshop = tx.require(Workshop, self.workshop_id)
            person = tx.require(Participant, participant_id, self.workshop_id)
            rights.check_input_open(workshop, person, MethodStep.MAPPING)
            mine = [
                v
                for v in tx.dots_used(participant_id, workshop.vote_round.value)
                if v.card_id == card_id
            ]
            if not mine:
                return False
            vote = mine[-1]
            tx.delete(Vote, vote.id)
            tx.record(entry(self.workshop_id, participant_id, Action.UNVOTE, vote, card=card_id))
            return True

    def dots_left(self, participant_id: str) -> int:
        """How many dots the participant can still place in the current round."""
        return self.snapshot().dots_left(participant_id)

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
            rights.check_input_open(workshop, person, step)
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
                    tx.record(entry(self.workshop_id, participant_id, Action.UNVOTE, rating))
                return None
            if not existing and kind is RatingKind.SUPPORT:
                self._check_support_left(tx, workshop, participant_id, target_id)
            rating = build(
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
                entry(self.workshop_id, participant_id, Action.VOTE, saved, value=saved.value)
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
            tx.record(entry(self.workshop_id, actor_id, Action.REMOVE, rating, kept=kept))

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
