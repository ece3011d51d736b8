"""The summary: what the group decided in every step, with every chart."""

from __future__ import annotations

import ipywidgets as w
from klantreis.widgets.panels.base import Panel

from klantreis.charts import GALLERY
from klantreis.charts.compose import ChartBuilder
from klantreis.outcomes import challenge_html, overview_html, persona_html, scope_html


class SummaryPanel(Panel):
    """A read-only overview: challenge, end goal, scope, focus segment and all charts."""

    chart_builders: tuple[ChartBuilder, ...] = tuple(GALLERY.values())

    def build(self) -> list[w.Widget]:
        self.text = w.HTML(self.summary_html())
        return [self.text]

    def update(self) -> None:
        self.text.value = self.summary_html()

    def summary_html(self) -> str:
        snap = self.snapshot
        return overview_html(snap) + challenge_html(snap) + scope_html(snap) + persona_html(snap)
