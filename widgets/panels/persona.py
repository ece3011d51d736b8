"""Step 3: one persona for the focus segment, with quotes and survey facts behind it."""

from __future__ import annotations

import html
from collections.abc import Hashable
from typing import Any

import ipywidgets as w
from klantreis.widgets.forms import persona_form
from klantreis.widgets.panels.base import Panel
from klantreis.widgets.panels.ideas import IdeaBoard

from klantreis.charts import persona_card
from klantreis.charts.compose import ChartBuilder
from klantreis.domain import PERSONA_TOPICS, Persona, WorkshopSnapshot
from klantreis.i18n import t
from klantreis.outcomes import persona_html


class PersonaPanel(Panel):
    """A segment chooser, the persona form of that segment, and the persona card; everyone
    adds interview quotes, survey facts and needs to the persona of the segment in view (a
    participant's is the focus segment)."""

    chart_builders: tuple[ChartBuilder, ...] = (persona_card,)

    def build(self) -> list[w.Widget]:
        self.chart_builders = (self._card,)
        self.chooser = self.looks.make(w.Dropdown, name=t("field.segment_id", self.language))
        self.form_box = self.looks.make(w.VBox)
        self.warning = self.looks.html()
        self.card = self.looks.html()
        self.boards = [IdeaBoard(self, topic, lambda: self.segment_id) for topic in PERSONA_TOPICS]
        boards = [board.widget for board in self.boards]
        if not self.is_facilitator:
            self.update()
            return [self.card, *boards]
        self.chooser.observe(lambda _c: self._chosen(), names="value")
        self.update()
        return [
            self.heading("field.segment_id"),
            self.chooser,
            self.warning,
            self.form_box,
            *boards,
        ]

    def _card(self, snap: WorkshopSnapshot) -> Any:
        return persona_card(snap, self.segment_id)

    def _chosen(self) -> None:
        self._load()
        for board in self.boards:
            board.update()
        for slot in self.slots:
            slot.update(self.snapshot)

    @property
    def segment_id(self) -> str | None:
        if not self.is_facilitator:  # a participant works on the focus segment's persona
            focus = self.focus_or_first_segment()
            return focus.id if focus else None
        value = self.chooser.value
        return str(value) if value else None

    def _persona(self) -> Persona | None:
        if self.segment_id is None:
            return None
        found = self.snapshot.persona_for(self.segment_id)
        return found or Persona.model_construct(
            workshop_id=self.service.workshop_id, segment_id=self.segment_id, name=""
        )

    def _load(self) -> None:
        persona = self._persona()
        if persona is None:
            message = w.HTML(html.escape(t("list.no_segments_for_persona", self.language)))
            message.add_class("kr-empty")
            self.form_box.children = (message,)
            return
        self.form = persona_form(
            persona,
            self.saved(lambda v: self.service.save_persona(v, self.actor_id)),
            self.language,
            looks=self.looks,
        )
        self.form_box.children = (self.form.widget,)
        self._warn(persona)

    def _warn(self, persona: Persona) -> None:
        stored = self.snapshot.persona_for(persona.segment_id)
        warning = (
            t("pitfall.persona_assumptions", self.language)
            if stored and stored.rests_on_assumptions_only
            else ""
        )
        self.warning.value = f'<p class="kr-problem">{html.escape(warning)}</p>' if warning else ""

    def chart_share_key(self) -> Hashable:
        return self.segment_id

    def update(self) -> None:
        self.require(self.focus_or_first_segment() is not None, "needs.segment")
        for board in getattr(self, "boards", []):
            board.update()
        if not self.is_facilitator:
            self.card.value = persona_html(self.snapshot, warnings=False, language=self.language)
            return
        self.fill_segment_chooser(self.chooser)
        if not hasattr(self, "form") or not self.form.dirty:
            self._load()
        elif (persona := self._persona()) is not None:
            self._warn(persona)
