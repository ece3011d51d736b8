"""The room's proposals of one topic inside a step panel: a line to add one, and the list.

Participants propose a wording of the challenge or end goal, a candidate segment, or a quote,
fact or need for the persona; they vote for the proposals they back (one vote per proposal, at
most the workshop's dots per topic) and withdraw their own. The facilitator sees who wrote
what, removes and restores proposals, and takes a wording or segment over with one press.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w
from klantreis.widgets.forms.base import Form
from klantreis.widgets.forms.fields import Field
from klantreis.widgets.lists import Action, Row, within_limit
from klantreis.widgets.panels.base import Editor

from klantreis.domain import (
    PERSONA_TOPICS,
    VOTED_TOPICS,
    Idea,
    IdeaTopic,
    RatingKind,
    Segment,
    WorkshopSnapshot,
    written_by,
)
from klantreis.i18n import t

if TYPE_CHECKING:
    from klantreis.widgets.panels.base import Panel


def idea_form(
    idea: Idea, on_save: Callable[[Idea], Any], language: Any, **extra: Any
) -> Form[Idea]:
    """One line for a proposal (a quote also names its source)."""
    fields = [Field("text", label=f"idea_topic.{idea.topic.value}", placeholder=_placeholder(idea))]
    if idea.topic is IdeaTopic.QUOTE:
        fields.append(Field("detail", label="field.source"))
    extra.setdefault("save_label", "form.add")
    return Form(idea, on_save, fields, language, **extra)


def _placeholder(idea: Idea) -> str:
    return f"placeholder.idea.{idea.topic.value}"


class IdeaBoard:
    """Proposals of one topic in a panel; ``update()`` follows the panel's snapshot."""

    def __init__(
        self,
        panel: Panel,
        topic: IdeaTopic,
        segment: Callable[[], str | None] | None = None,
    ) -> None:
        self.panel = panel
        self.topic = topic
        self.segment = segment or (lambda: None)
        lang = panel.language
        self.list = panel.entry_list("list.no_ideas")
        self.adder = panel.adder(
            self._blank,
            lambda idea, on_save: idea_form(idea, on_save, lang, looks=panel.looks),
            lambda idea: panel.service.add_idea(idea, panel.actor_id),
            place=self._place,
        )
        self.editor = Editor(panel.looks)
        """Where a proposal opens for editing."""
        self.widget = panel.looks.make(
            w.VBox,
            children=[
                panel.heading(f"ideas.{topic.value}.title"),
                self.adder,
                self.list.widget,
                self.editor.widget,
            ],
        )
        self.update()

    def _blank(self) -> Idea:
        return Idea.model_construct(
            workshop_id=self.panel.service.workshop_id,
            topic=self.topic,
            text="",
            detail="",
            segment_id=self.segment() if self.topic in PERSONA_TOPICS else None,
        )

    def _place(self, idea: Idea) -> Idea:
        if self.topic not in PERSONA_TOPICS:
            return idea
        return idea.model_copy(update={"segment_id": self.segment()})

    def update(self) -> None:
        """Show the proposals as the panel's snapshot has them."""
        panel = self.panel
        snap = panel.snapshot
        segment_id = self.segment() if self.topic in PERSONA_TOPICS else None
        ideas = snap.active_ideas(self.topic, segment_id)
        if panel.is_facilitator:
            ideas += [
                idea
                for idea in snap.ideas
                if idea.topic is self.topic
                and not idea.is_active
                and (segment_id is None or idea.segment_id == segment_id)
            ]
        elif panel.hides_results:
            ideas = [idea for idea in ideas if self._own(idea)]
        ideas, hidden = within_limit(ideas, self._own, panel.list_limit)
        self.list.show([self._row(snap, idea) for idea in ideas], hidden=hidden)

    def _own(self, idea: Idea) -> bool:
        return written_by(idea, self.panel.actor_id)

    def _row(self, snap: WorkshopSnapshot, idea: Idea) -> Row:
        panel = self.panel
        lang = panel.language
        service = panel.service
        meta: list[str] = []
        if self.topic in VOTED_TOPICS and not panel.hides_results:
            meta.append(t("list.idea_votes", lang, count=snap.support_counts()[idea.id]))
        if idea.detail:
            meta.append(idea.detail)
        if panel.is_facilitator:
            meta.append(author_name(snap, idea.author_id, lang))
        if not idea.is_active:
            meta.append(t(f"entry_state.{idea.state.value}", lang))
        actions: list[Action] = []
        voter = panel.actor_id is not None and not panel.is_facilitator
        if voter and self.topic in VOTED_TOPICS:
            backed = idea.id in snap.supported_by(panel.actor_id or "")
            vote = panel.action(
                service.rate, RatingKind.SUPPORT, idea.id, panel.actor_id, None if backed else 1
            )
            if backed:
                actions.append(Action("form.unvote_idea", vote))
            else:
                actions.append(Action("form.vote_idea", vote, "success"))
        if idea.is_active and (self._own(idea) or panel.is_facilitator):
            actions.append(Action("form.edit", lambda: self.edit(idea)))
        if self._own(idea) and not panel.is_facilitator:
            withdraw = panel.action(service.withdraw_idea, idea.id, panel.actor_id)
            actions.append(Action("form.withdraw", withdraw, "warning"))
        if panel.is_facilitator:
            if idea.is_active:
                if self.topic in VOTED_TOPICS:
                    actions.append(Action("form.adopt", lambda: self._adopt(idea), "success"))
                remove = panel.action(service.remove_idea, idea.id, panel.actor_id)
                actions.append(Action("form.remove", remove, "danger"))
            else:
                restore = panel.action(service.restore_idea, idea.id, panel.actor_id)
                actions.append(Action("form.restore", restore))
        return Row(idea.text, " · ".join(meta), tuple(actions), idea.id, self._own(idea))

    def edit(self, idea: Idea) -> None:
        """Open a proposal for editing (its author's, or anyone's for the facilitator)."""
        panel = self.panel
        self.editor.open(
            lambda save, cancel: idea_form(
                idea,
                save,
                panel.language,
                save_label="form.save",
                on_cancel=cancel,
                title=t("form.edit", panel.language),
                looks=panel.looks,
            ),
            panel.saved(lambda edited: panel.service.edit_idea(edited, panel.actor_id)),
        )

    def _adopt(self, idea: Idea) -> None:
        """Take a proposal over: as the challenge, as the end goal, or as a new segment."""
        panel = self.panel
        service = panel.service

        def adopt() -> None:
            workshop = service.workshop()
            if idea.topic is IdeaTopic.CHALLENGE:
                service.update_workshop(
                    workshop.model_copy(update={"challenge": idea.text}), panel.actor_id
                )
            elif idea.topic is IdeaTopic.END_GOAL:
                goal = workshop.end_goal.model_copy(update={"description": idea.text})
                service.update_workshop(
                    workshop.model_copy(update={"end_goal": goal}), panel.actor_id
                )
            else:
                segment = Segment(
                    workshop_id=service.workshop_id,
                    name=idea.text,
                    description=idea.detail,
                    position=len(panel.snapshot.segments),
                )
                service.save_segment(segment, panel.actor_id)

        if panel.attempt(adopt):
            panel.say(t("ideas.adopted", panel.language, text=idea.text))


def rating_actions(
    panel: Panel, kind: RatingKind, target_id: str, values: tuple[int, ...]
) -> tuple[Action, ...]:
    """One button per value (labels ``rating.<kind>.<value>``); the person's own value is
    marked, and pressing it again takes it back. None for the facilitator, who decides."""
    if panel.actor_id is None or panel.is_facilitator:
        return ()
    mine = panel.snapshot.rating_by(panel.actor_id, kind, target_id)
    actions = []
    for value in values:
        chosen = value == mine
        rate = (kind, target_id, panel.actor_id, None if chosen else value)
        actions.append(
            Action(
                f"rating.{kind.value}.{value}",
                panel.action(panel.service.rate, *rate),
                "success" if chosen else "",
                t(f"rating.{kind.value}.{value}.tooltip", panel.language),
            )
        )
    return tuple(actions)


def author_name(snap: WorkshopSnapshot, author_id: str | None, language: Any) -> str:
    """Who wrote an entry, as the facilitator reads it: a name, or the facilitator's own."""
    person = next((p for p in snap.participants if p.id == author_id), None)
    if person is None:
        return t("list.by_facilitator", language)
    return t("list.by", language, name=person.name)


__all__ = ["IdeaBoard", "author_name", "idea_form", "rating_actions"]
