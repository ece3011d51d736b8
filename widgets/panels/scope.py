"""Step 2: scope (becoming, being, staying a customer; who is in and out) and segments."""

from __future__ import annotations

import html
from functools import partial

import ipywidgets as w
from klantreis.widgets.forms import scope_form, segment_form
from klantreis.widgets.lists import Action, EntryList, Row
from klantreis.widgets.panels.base import Panel

from klantreis.charts import segment_relevance
from klantreis.charts.compose import ChartBuilder
from klantreis.domain import Segment
from klantreis.i18n import t
from klantreis.report.summaries import scope_html


class ScopePanel(Panel):
    """The scope form, the candidate segments, and the choice of one focus segment."""

    chart_builders: tuple[ChartBuilder, ...] = (segment_relevance,)

    def build(self) -> list[w.Widget]:
        lang = self.language
        self.form = scope_form(
            self.snapshot.workshop,
            self.saved(lambda v: self.service.update_workshop(v, self.actor_id)),
            lang,
        )
        self.segments = EntryList(lang, "list.no_segments")
        self.editor = w.VBox()
        self.add = w.Button(description=t("form.add_segment", lang), button_style="info")
        self.add.on_click(lambda _b: self.edit(None))
        self.warning = w.HTML()
        self.update()
        return [
            self.form.widget,
            self.heading("form.segments.title"),
            self.warning,
            self.segments.widget,
            self.add,
            self.editor,
        ]

    def edit(self, segment: Segment | None) -> None:
        """Open the segment form for a segment, or for a new one."""
        value = segment or Segment.model_construct(
            workshop_id=self.service.workshop_id, name="", position=len(self.snapshot.segments)
        )
        form = segment_form(
            value,
            self.saved(self._save_segment),
            self.language,
            on_cancel=self._close,
            title=t("form.edit_segment" if segment else "form.add_segment", self.language),
        )
        self.form_segment = form
        self.editor.children = (form.widget,)

    def _save_segment(self, segment: Segment) -> Segment:
        stored = self.service.save_segment(segment, self.actor_id)
        self._close()
        return stored

    def _close(self) -> None:
        self.editor.children = ()

    def update(self) -> None:
        lang = self.language
        rows = []
        for segment in self.snapshot.segments:
            meta = t("list.segment_meta", lang, relevance=segment.relevance)
            if segment.is_focus:
                meta = f"{t('chart.focus', lang)} · {meta}"
            actions = [Action("form.edit", partial(self.edit, segment))]
            if not segment.is_focus:
                actions.append(
                    Action(
                        "form.make_focus",
                        self.action(self.service.choose_focus, segment.id, self.actor_id),
                        "success",
                    )
                )
            actions.append(
                Action(
                    "form.remove",
                    self.action(self.service.remove_segment, segment.id, self.actor_id),
                    "danger",
                )
            )
            rows.append(Row(segment.name, meta, tuple(actions), segment.id))
        self.segments.show(rows)
        warnings = []
        if self.snapshot.segments and self.snapshot.focus_segment is None:
            warnings.append(t("pitfall.no_focus", lang))
        if not self.snapshot.workshop.scope.excluded:
            warnings.append(t("pitfall.nobody_excluded", lang))
        self.warning.value = "".join(
            f'<p class="kr-problem">{html.escape(x)}</p>' for x in warnings
        )
        if not self.form.dirty:
            self.form.load(self.snapshot.workshop)

    def summary_html(self) -> str:
        return scope_html(self.snapshot)
