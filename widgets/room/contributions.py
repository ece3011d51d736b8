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
    lang = snap.workshop.language

    def press(call: Callable[..., Any], entity_id: str) -> Callable[[], None]:
        return lambda: attempt(lambda: call(entity_id))

    def meta(kind: str, author_id: str | None, *more: str) -> str:
        return " · ".join(x for x in (kind, author_name(snap, author_id, lang), *more) if x)

    def kept(
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
            action = Action("form.remove", press(remove, entity_id), "danger")
            return Row(text, meta(kind, author_id, *more), (action,), entity_id)
        note = t(f"entry_state.{state.value}", lang)
        action = Action("form.restore", press(restore, entity_id))
        return Row(text, meta(kind, author_id, *more, note), (action,), entity_id)

    support = snap.support_counts()
    votes = snap.vote_counts()
    rows = [
        kept(
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
        kept(
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
        kept(
            m.id,
            m.title,
            t(f"goal_kind.{m.goal_kind.value}", lang),
            m.author_id,
            m.state,
            service.remove_measure,
            service.restore_measure,
        )
        for m in snap.measures
    ]
    segments = {s.id: s.name for s in snap.segments}
    for goal in snap.goals:
        if goal.statement:
            kind = t(f"goal_kind.{goal.kind.value}", lang)
            rows.append(
                Row(
                    goal.statement,
                    meta(kind, goal.author_id, segments.get(goal.segment_id, "")),
                    (),
                    goal.id,
                )
            )
    steps = {s.id: f"{s.position + 1}. {s.action}" for s in snap.steps}
    for rating in snap.ratings:
        if rating.kind is RatingKind.SUPPORT:
            continue  # a vote shows as the proposal's count
        target = (segments if rating.kind is RatingKind.SEGMENT_SCORE else steps).get(
            rating.target_id, ""
        )
        value = t(f"rating.{rating.kind.value}.{rating.value}", lang)
        rows.append(
            Row(
                target,
                meta(t(f"rating_kind.{rating.kind.value}", lang), rating.participant_id, value),
                (Action("form.remove", press(service.remove_rating, rating.id), "danger"),),
                rating.id,
            )
        )
    for step in sorted(snap.steps, key=lambda s: (s.journey_id, s.position)):
        rows.append(
            Row(
                f"{step.position + 1}. {step.action}",
                meta(t("console.kind.step", lang), step.author_id),
                (Action("form.remove", press(service.remove_step, step.id), "danger"),),
                step.id,
            )
        )
    for touchpoint in snap.touchpoints:
        rows.append(
            Row(
                touchpoint.name,
                meta(t("console.kind.touchpoint", lang), touchpoint.author_id),
                (Action("form.remove", press(service.remove_touchpoint, touchpoint.id), "danger"),),
                touchpoint.id,
            )
        )
    for entry in snap.removed():  # steps, touchpoints and ratings: their copy in the trail
        copied = entry.summary["kept"]
        if entry.entity == "step":
            text, kind = f"{copied['position'] + 1}. {copied['action']}", "console.kind.step"
            author = copied.get("author_id")
        elif entry.entity == "touchpoint":
            text, kind, author = copied["name"], "console.kind.touchpoint", copied.get("author_id")
        else:
            rating_kind = RatingKind(copied["kind"])
            text = (segments if rating_kind is RatingKind.SEGMENT_SCORE else steps).get(
                copied["target_id"], ""
            )
            kind, author = f"rating_kind.{rating_kind.value}", copied["participant_id"]
        removed = t("list.removed", lang, by=author_name(snap, entry.actor_id, lang))
        restore = Action("form.restore", press(service.restore_removed, entry.entity_id))
        rows.append(Row(text, meta(t(kind, lang), author, removed), (restore,), entry.entity_id))
    return rows
