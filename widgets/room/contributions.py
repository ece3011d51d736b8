"""Everything the room contributed, as the facilitator's console lists it: one row per
proposal, card, measure, goal statement, segment score, feeling, journey step and touchpoint,
with its kind, who wrote it and its state, and the buttons to take it away or bring it back
(removed journey steps, touchpoints and ratings come back from their copy in the audit trail).
Entries are edited in the open step's panel above (a proposal also by taking it over into the
decision)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from klantreis.widgets.lists import Action, Row
from klantreis.widgets.panels.ideas import author_name

from klantreis.domain import EntryState, RatingKind, WorkshopSnapshot
from klantreis.i18n import t
from klantreis.service import Service

Attempt = Callable[[Callable[[], Any]], None]


def contribution_rows(snap: WorkshopSnapshot, service: Service, attempt: Attempt) -> list[Row]:
    """The rows of the console's list, newest kinds of the method last; ``attempt`` runs a
    button's service call and reports its error."""
    made = _Rows(snap, service, attempt)
    return [
        *made.proposals(),
        *made.goals(),
        *made.ratings(),
        *made.steps_and_touchpoints(),
        *made.removed(),
    ]


class _Rows:
    """The console's rows of one snapshot, kind by kind."""

    def __init__(self, snap: WorkshopSnapshot, service: Service, attempt: Attempt) -> None:
        self.snap, self.service, self.attempt = snap, service, attempt
        self.lang = snap.workshop.language
        self.segments = {s.id: s.name for s in snap.segments}
        self.steps = {s.id: f"{s.position + 1}. {s.action}" for s in snap.steps}

    def press(self, call: Callable[..., Any], entity_id: str) -> Callable[[], None]:
        return lambda: self.attempt(lambda: call(entity_id))

    def meta(self, kind: str, author_id: str | None, *more: str) -> str:
        author = author_name(self.snap, author_id, self.lang)
        return " · ".join(x for x in (kind, author, *more) if x)

    def kept(
        self,
        entity_id: str,
        text: str,
        kind: str,
        author_id: str | None,
        state: EntryState,
        remove: Callable[..., Any],
        restore: Callable[..., Any],
        *more: str,
    ) -> Row:
        """An entry that is taken away and brought back (proposals, cards, measures)."""
        if state is EntryState.ACTIVE:
            action = Action("form.remove", self.press(remove, entity_id), "danger")
            return Row(text, self.meta(kind, author_id, *more), (action,), entity_id)
        note = t(f"entry_state.{state.value}", self.lang)
        action = Action("form.restore", self.press(restore, entity_id))
        return Row(text, self.meta(kind, author_id, *more, note), (action,), entity_id)

    def removable(self, text: str, kind: str, author_id: str | None, remove: Any, id_: str) -> Row:
        """An entry that the console can only take away (it comes back from the trail)."""
        action = Action("form.remove", self.press(remove, id_), "danger")
        return Row(text, self.meta(kind, author_id), (action,), id_)

    def proposals(self) -> list[Row]:
        """Proposals, cards and measures."""
        snap, service, lang = self.snap, self.service, self.lang
        support, votes = snap.support_counts(), snap.vote_counts()
        rows = [
            self.kept(
                idea.id,
                idea.text,
                t(f"idea_topic.{idea.topic.value}", lang),
                idea.author_id,
                idea.state,
                service.remove_idea,
                service.restore_idea,
                t("list.idea_votes", lang, count=support[idea.id]),
            )
            for idea in snap.ideas
        ]
        rows += [
            self.kept(
                card.id,
                card.text,
                t(f"card_kind.{card.kind.value}", lang),
                card.author_id,
                card.state,
                service.remove_card,
                service.restore_card,
                t("list.votes", lang, count=votes[card.id]),
            )
            for card in snap.cards
        ]
        rows += [
            self.kept(
                m.id,
                m.title,
                t(f"goal_kind.{m.goal_kind.value}", self.lang),
                m.author_id,
                m.state,
                service.remove_measure,
                service.restore_measure,
            )
            for m in snap.measures
        ]
        return rows

    def goals(self) -> list[Row]:
        """The goal statements (edited in the goals step, not taken away here)."""
        return [
            Row(
                goal.statement,
                self.meta(
                    t(f"goal_kind.{goal.kind.value}", self.lang),
                    goal.author_id,
                    self.segments.get(goal.segment_id, ""),
                ),
                (),
                goal.id,
            )
            for goal in self.snap.goals
            if goal.statement
        ]

    def rated(self, kind: RatingKind, target_id: str) -> str:
        """What a rating rates: a segment's name or a journey step."""
        names = self.segments if kind is RatingKind.SEGMENT_SCORE else self.steps
        return names.get(target_id, "")

    def ratings(self) -> list[Row]:
        """Segment scores and feelings (a vote shows as its proposal's count)."""
        rows = []
        for rating in self.snap.ratings:
            if rating.kind is RatingKind.SUPPORT:
                continue
            value = t(f"rating.{rating.kind.value}.{rating.value}", self.lang)
            kind = t(f"rating_kind.{rating.kind.value}", self.lang)
            action = Action(
                "form.remove", self.press(self.service.remove_rating, rating.id), "danger"
            )
            rows.append(
                Row(
                    self.rated(rating.kind, rating.target_id),
                    self.meta(kind, rating.participant_id, value),
                    (action,),
                    rating.id,
                )
            )
        return rows

    def steps_and_touchpoints(self) -> list[Row]:
        """The journey's steps in order, then the touchpoints."""
        step_kind = t("console.kind.step", self.lang)
        rows = [
            self.removable(
                f"{step.position + 1}. {step.action}",
                step_kind,
                step.author_id,
                self.service.remove_journey_step,
                step.id,
            )
            for step in sorted(self.snap.steps, key=lambda s: (s.journey_id, s.position))
        ]
        touchpoint_kind = t("console.kind.touchpoint", self.lang)
        rows += [
            self.removable(
                tp.name, touchpoint_kind, tp.author_id, self.service.remove_touchpoint, tp.id
            )
            for tp in self.snap.touchpoints
        ]
        return rows

    def removed(self) -> list[Row]:
        """Steps, touchpoints and ratings taken away: their copy in the trail."""
        rows = []
        for entry in self.snap.removed():
            copied = entry.summary["kept"]
            if entry.entity == "step":
                text, kind = f"{copied['position'] + 1}. {copied['action']}", "console.kind.step"
                author = copied.get("author_id")
            elif entry.entity == "touchpoint":
                text, kind = copied["name"], "console.kind.touchpoint"
                author = copied.get("author_id")
            else:
                rating_kind = RatingKind(copied["kind"])
                text = self.rated(rating_kind, copied["target_id"])
                kind, author = f"rating_kind.{rating_kind.value}", copied["participant_id"]
            removed = t(
                "list.removed", self.lang, by=author_name(self.snap, entry.actor_id, self.lang)
            )
            restore = Action(
                "form.restore", self.press(self.service.restore_removed, entry.entity_id)
            )
            meta = self.meta(t(kind, self.lang), author, removed)
            rows.append(Row(text, meta, (restore,), entry.entity_id))
        return rows
