"""Step 2: scope (becoming, being, staying a customer; who is in and out) and segments."""

from __future__ import annotations

import html
from functools import partial

import ipywidgets as w
from klantreis.widgets.forms import scope_form, segment_form
from klantreis.widgets.lists import Action, Row
from klantreis.widgets.panels.base import Editor, Panel
from klantreis.widgets.panels.ideas import IdeaBoard, rating_actions

from klantreis.charts import segment_relevance
from klantreis.charts.compose import ChartBuilder
from klantreis.domain import IdeaTopic, RatingKind, RatingSummary, Segment
from klantreis.i18n import Language, t
from klantreis.outcomes import scope_html

SCORES = (1, 2, 3, 4, 5)


class ScopePanel(Panel):
    """The facilitator's scope form, the candidate segments and the choice of one focus
    segment; everyone proposes segments and scores each against the challenge (1–5)."""

    chart_builders: tuple[ChartBuilder, ...] = (segment_relevance,)

    def build(self) -> list[w.Widget]:
        lang = self.language
        self.segments = self.entry_list("list.no_segments")
        self.board = IdeaBoard(self, IdeaTopic.SEGMENT)
        self.card = self.looks.html()
        self.form = None
        self.warning = self.looks.html()
        self.editor = Editor(self.looks)
        parts: list[w.Widget] = []
        if self.is_facilitator:
            self.form = scope_form(
                self.snapshot.workshop,
                self.saved(lambda v: self.service.update_workshop(v, self.actor_id)),
                lang,
                looks=self.looks,
            )
            self.add = self.looks.make(w.Button, description=t("form.add_segment", lang))
            self.add.button_style = "info"
            self.add.on_click(lambda _b: self.edit(None))
            parts = [self.form.widget, self.heading("form.segments.title"), self.warning]
            after = [self.segments.widget, self.add, self.editor.widget, self.board.widget]
        else:
            parts = [self.card, self.heading("form.segments.score")]
            after = [self.segments.widget, self.board.widget]
        self.update()
        return [*parts, *after]

    def edit(self, segment: Segment | None) -> None:
        """Open the segment form for a segment, or for a new one."""
        value = segment or Segment.model_construct(
            workshop_id=self.service.workshop_id, name="", position=len(self.snapshot.segments)
        )
        title = t("form.edit_segment" if segment else "form.add_segment", self.language)
        self.editor.open(
            lambda save, cancel: segment_form(
                value, save, self.language, on_cancel=cancel, title=title, looks=self.looks
            ),
            self.saved(lambda edited: self.service.save_segment(edited, self.actor_id)),
        )

    def update(self) -> None:
        lang = self.language
        snap = self.snapshot
        scores = snap.rating_summaries(RatingKind.SEGMENT_SCORE)
        hide = self.hides_results
        rows = []
        for segment in snap.segments:
            meta = [t("list.segment_meta", lang, relevance=segment.relevance)]
            if segment.id in scores and not hide:
                meta.append(group_score(scores[segment.id], lang))
            if segment.is_focus:
                meta.insert(0, t("chart.focus", lang))
            if self.is_facilitator:
                actions: tuple[Action, ...] = self._facilitator_actions(segment)
            else:
                actions = rating_actions(self, RatingKind.SEGMENT_SCORE, segment.id, SCORES)
            rows.append(Row(segment.name, " · ".join(meta), actions, segment.id))
        self.segments.show(rows)
        self.board.update()
        self.card.value = scope_html(snap, self.language)
        warnings = []
        if snap.segments and snap.focus_segment is None:
            warnings.append(t("pitfall.no_focus", lang))
        if not snap.workshop.scope.excluded:
            warnings.append(t("pitfall.nobody_excluded", lang))
        self.warning.value = "".join(
            f'<p class="kr-problem">{html.escape(x)}</p>' for x in warnings
        )
        if self.form is not None and not self.form.dirty:
            self.form.load(snap.workshop)

    def _facilitator_actions(self, segment: Segment) -> tuple[Action, ...]:
        actions = [Action("form.edit", partial(self.edit, segment))]
        if not segment.is_focus:
            focus = self.action(self.service.choose_focus, segment.id, self.actor_id)
            actions.append(Action("form.make_focus", focus, "success"))
        remove = self.action(self.service.remove_segment, segment.id, self.actor_id)
        actions.append(Action("form.remove", remove, "danger"))
        return tuple(actions)


def group_score(summary: RatingSummary, language: Language) -> str:
    """'Group: 4 (3 scores, 2–5)': the median with the range of the scores given."""
    return t(
        "list.group_score",
        language,
        median=f"{summary.median:g}",
        count=summary.given,
        low=summary.low,
        high=summary.high,
    )
