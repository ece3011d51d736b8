"""Touchpoints, the ideal journeys and their steps, and bringing back what was removed."""

from __future__ import annotations

from klantreis.domain import (
    Action,
    Idea,
    Journey,
    JourneyStep,
    Measure,
    NotFound,
    Participant,
    Problem,
    Rating,
    RatingKind,
    Segment,
    Touchpoint,
    ValidationFailed,
    Workshop,
)
from klantreis.service.audit import entry
from klantreis.service.core import ServiceCore
from klantreis.store.transaction import Transaction


class JourneysPart(ServiceCore):
    """Touchpoints, journeys and their steps (add, save, move, remove, restore)."""

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
                entry(
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

    def add_journey_step(self, step: JourneyStep, actor_id: str | None = None) -> JourneyStep:
        """Append a step to the end of its journey."""

        def add(tx: Transaction) -> JourneyStep:
            self._check_allowed(tx, actor_id, JourneyStep, None)
            self._check_references(tx, step)
            count = len(tx.find(JourneyStep, self.workshop_id, journey_id=step.journey_id))
            new = step.model_copy(update={"position": count, "author_id": actor_id})
            tx.insert(new)
            tx.record(entry(self.workshop_id, actor_id, Action.CREATE, new, text=new.action))
            return new

        return self._write(add, retry_on=())

    def save_journey_step(self, step: JourneyStep, actor_id: str | None = None) -> JourneyStep:
        """Save changes to an existing step (its position changes through
        :meth:`move_journey_step`)."""
        with self.store.write() as tx:
            self._check_allowed(tx, actor_id, JourneyStep, None)
            stored = tx.require(JourneyStep, step.id, self.workshop_id)
            self._check_references(tx, step)
            kept = {"position": stored.position, "author_id": stored.author_id}
            saved = tx.update(step.model_copy(update=kept))
            tx.record(entry(self.workshop_id, actor_id, Action.UPDATE, saved, text=saved.action))
            return saved

    def move_journey_step(
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
            tx.record(entry(self.workshop_id, actor_id, Action.MOVE, step, to=new_index))
            return result

    def remove_journey_step(self, step_id: str, actor_id: str | None = None) -> None:
        """Delete a step and close the gap it leaves; participants remove only their own."""
        with self.store.write() as tx:
            step = tx.require(JourneyStep, step_id, self.workshop_id)
            self._check_allowed(tx, actor_id, JourneyStep, step)
            ratings = tx.find(Rating, self.workshop_id, target_id=step_id)
            tx.delete(JourneyStep, step_id)
            tx.delete_where(Rating, self.workshop_id, target_id=step_id)
            self._renumber(tx, step.journey_id)
            tx.record(
                entry(
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
            removal = tx.last_removal(self.workshop_id, entity_id)
            if removal is None or "kept" not in removal.summary:
                raise NotFound(entity="entry")
            kept = removal.summary["kept"]
            present: dict[str, type[JourneyStep | Touchpoint | Rating]] = {
                "step": JourneyStep,
                "touchpoint": Touchpoint,
                "rating": Rating,
            }
            if tx.get(present[removal.entity], entity_id) is not None:
                return  # back already (a second press of the same button)
            restored: JourneyStep | Touchpoint | Rating
            if removal.entity == "step":
                restored = self._restore_step(tx, JourneyStep.model_validate(kept))
                for rating in removal.summary.get("ratings", []):
                    self._restore_rating(tx, Rating.model_validate(rating), quietly=True)
            elif removal.entity == "touchpoint":
                restored = self._restore_touchpoint(tx, Touchpoint.model_validate(kept))
                for item_id in removal.summary.get("used_by", []):
                    item = tx.get(JourneyStep, item_id) or tx.get(Measure, item_id)
                    if item is not None and item.touchpoint_id is None:
                        tx.update(item.model_copy(update={"touchpoint_id": restored.id}))
            else:
                restored = self._restore_rating(tx, Rating.model_validate(kept), quietly=False)
            tx.record(entry(self.workshop_id, actor_id, Action.RESTORE, restored))

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
