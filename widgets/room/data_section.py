"""The data section of the live dashboard: funnel, drop-off, paths, channels and evidence,
redrawn when the data folder or the journey changes."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
from klantreis.widgets.chart_slot import ChartSlot
from klantreis.widgets.style import full

from klantreis.analytics.results import SNAPSHOT_INPUTS, JourneyData, journey_data
from klantreis.analytics.storage import DataFolder
from klantreis.charts.compose import snapshot_key, stack_specs
from klantreis.charts.data import DATA_CHARTS
from klantreis.domain import KlantreisError, WorkshopSnapshot
from klantreis.i18n import t
from klantreis.report.data import data_summary_html, evidence_html


class DataSection:
    """Charts and evidence of the workshop's data; :meth:`update` redraws only on a change."""

    def __init__(self, data_folder: DataFolder, snapshot: WorkshopSnapshot) -> None:
        self.data_folder = data_folder
        self.language = snapshot.workshop.language
        self._key: tuple[Any, ...] = ()
        self.hidden = snapshot.workshop.results_hidden
        """While the group's results are hidden, the evidence (which lists the group's cards
        and measures) is not sent to the page."""
        self.data = JourneyData(language=self.language, source="")
        self.computed = 0
        self._compute(snapshot)
        title = w.HTML(html.escape(t("data.results.title", self.language)))
        title.add_class("kr-section")
        self.summary = w.HTML()
        self.summary.add_class("kr-meta")
        self.evidence = w.HTML()
        self.slot = ChartSlot(self._spec, snapshot)
        self._texts()
        self.widget = w.VBox([title, self.summary, self.slot.widget, self.evidence], layout=full())

    def changed(self, snapshot: WorkshopSnapshot) -> bool:
        """True when the data or the parts of the workshop it is combined with changed."""
        return self._key != self._key_for(snapshot)

    def update(self, snapshot: WorkshopSnapshot) -> None:
        """Combine again and redraw, if anything it depends on changed."""
        if not self.changed(snapshot):
            return
        self._compute(snapshot)
        self.slot.update(snapshot)
        self._texts()

    def _key_for(self, snapshot: WorkshopSnapshot) -> tuple[Any, ...]:
        hidden = snapshot.workshop.results_hidden
        return (self.data_folder.stamp(), snapshot_key(snapshot, SNAPSHOT_INPUTS), hidden)

    def _compute(self, snapshot: WorkshopSnapshot) -> None:
        self._key = self._key_for(snapshot)
        self.hidden = snapshot.workshop.results_hidden
        try:
            self.data = journey_data(snapshot, self.data_folder)
        except KlantreisError:
            self.data = JourneyData(language=self.language, source="")
        self.computed += 1

    def _spec(self, _snapshot: WorkshopSnapshot) -> dict[str, Any]:
        return stack_specs(
            [build(self.data).to_dict(validate=False) for build in DATA_CHARTS.values()]
        )

    def _texts(self) -> None:
        self.summary.value = data_summary_html(self.data, self.language)
        if self.hidden:
            later = html.escape(t("room.results_hidden_charts", self.language))
            self.evidence.value = f'<p class="kr-meta">{later}</p>'
        else:
            self.evidence.value = evidence_html(self.data, self.language)


__all__ = ["DataSection"]
