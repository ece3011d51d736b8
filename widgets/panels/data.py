"""Complete the journey with data: imports, typed-in counts, mapping rules, and what it shows."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
from klantreis.widgets.forms import counts_form, rules_form
from klantreis.widgets.panels.base import Panel
from klantreis.widgets.style import full

from klantreis.analytics.results import JourneyData, journey_data
from klantreis.analytics.storage import DataFolder
from klantreis.charts.data import DATA_CHARTS
from klantreis.domain import KlantreisError, WorkshopSnapshot
from klantreis.domain.mapping import MappingRules
from klantreis.i18n import t
from klantreis.report.data import (
    channels_html,
    data_summary_html,
    evidence_html,
    funnel_html,
    paths_html,
    unmapped_html,
)
from klantreis.service import Service

UPLOAD_LIMIT_MB = 200
"""Larger event logs are imported with ``klantreis data events`` (a browser upload holds the
whole file in memory)."""


class DataPanel(Panel):
    """Imports, counts and rules on top; every data chart (funnel, drop-off, paths, channels,
    funnel per channel, evidence) and the tables below."""

    def __init__(self, service: Service, actor_id: str | None = None, **options: Any) -> None:
        self.data_folder: DataFolder = service.analytics_data()
        self.data: JourneyData | None = None
        self.chart_builders = tuple(self._chart(build) for build in DATA_CHARTS.values())
        super().__init__(service, actor_id, **options)
        self.widget.children = (*self.widget.children, self.summary)  # tables below charts

    def chart_share_key(self) -> None:
        return None  # the charts follow the data folder too, which has no revision

    def build(self) -> list[w.Widget]:
        lang = self.language
        self.compute()
        self.traffic_upload = self._upload(".csv,.txt", "data.upload.traffic")
        self.traffic_upload.observe(lambda _c: self._uploaded("traffic"), names="value")
        self.events_upload = self._upload(".csv,.parquet,.txt", "data.upload.events")
        self.events_upload.observe(lambda _c: self._uploaded("events"), names="value")
        self.rules_upload = self._upload(".json", "data.upload.rules")
        self.rules_upload.observe(lambda _c: self._uploaded("rules"), names="value")
        self.loaded = w.HTML()
        self.loaded.add_class("kr-meta")
        intro = w.HTML(_paragraphs(t("data.import.intro", lang)))
        self.counts_box = self.looks.make(w.VBox)
        self.rules_box = self.looks.make(w.VBox)
        self.step_list = w.HTML()
        self.step_list.add_class("kr-meta")
        self.unmapped = w.HTML()
        self.explained = w.HTML(_paragraphs(t("data.explain", lang)))
        self.explained.add_class("kr-meta")
        self.summary = w.HTML()
        self._fill_forms()
        self.update()
        return [
            self.heading("data.import.title"),
            intro,
            w.VBox(
                [self.traffic_upload, self.events_upload, self.rules_upload],
                layout=full(),
            ),
            self.loaded,
            self.heading("data.counts.heading"),
            self.counts_box,
            self.heading("data.rules.heading"),
            self.step_list,
            self.rules_box,
            self.unmapped,
            self.heading("data.results.title"),
            self.explained,
        ]

    # -- data --------------------------------------------------------------------------------

    def compute(self) -> JourneyData:
        """Combine the workshop with its data again."""
        try:
            self.data = journey_data(self.snapshot, self.data_folder)
        except KlantreisError as exc:
            self.data = JourneyData(language=self.language, source="")
            self.say(exc.message(self.language), error=True)
        return self.data

    def update(self) -> None:
        data = self.compute()
        self.loaded.value = data_summary_html(data, self.language)
        self.unmapped.value = unmapped_html(data, self.language)
        self.summary.value = self.summary_html()
        steps = [f"{n}. {a}" for n, a in zip(data.steps["step"], data.steps["action"], strict=True)]
        self.step_list.value = (
            html.escape(t("data.rules.steps", self.language)) + " " + html.escape("; ".join(steps))
            if steps
            else html.escape(t("data.no_journey", self.language))
        )

    def summary_html(self) -> str:
        """The data's tables: funnel, paths, channels and evidence."""
        data = self.data or self.compute()
        lang = self.language
        parts = [
            funnel_html(data, lang),
            paths_html(data, lang),
            channels_html(data, lang),
            evidence_html(data, lang),
        ]
        return "".join(parts)

    # -- forms -------------------------------------------------------------------------------

    def _fill_forms(self) -> None:
        lang = self.language
        steps = [(i + 1, s.action) for i, s in enumerate(self.snapshot.ideal_steps)]
        try:
            counts = self.data_folder.counts()
            rules = self.data_folder.rules(lang)
        except KlantreisError as exc:
            self.say(exc.message(lang), error=True)
            counts, rules = {}, MappingRules()
        self.counts_form = counts_form(steps, counts, self._save_counts, lang, looks=self.looks)
        self.counts_box.children = (self.counts_form.widget,)
        self.rules_form = rules_form(rules, self._save_rules, lang, looks=self.looks)
        self.rules_box.children = (self.rules_form.widget,)

    def _save_counts(self, counts: dict[int, int]) -> None:
        self.service.save_counts(counts)
        self.refresh()

    def _save_rules(self, rules: MappingRules) -> MappingRules:
        self.service.save_rules(rules)
        self.refresh()
        return rules

    # -- uploads -----------------------------------------------------------------------------

    def _upload(self, accept: str, label: str) -> w.FileUpload:
        upload = w.FileUpload(
            accept=accept,
            multiple=False,
            description=t(label, self.language),
            layout=w.Layout(width="auto", max_width="100%"),
        )
        return upload

    def _uploaded(self, kind: str) -> None:
        upload = {
            "traffic": self.traffic_upload,
            "events": self.events_upload,
            "rules": self.rules_upload,
        }[kind]
        if not upload.value:
            return
        item = upload.value[0]
        content = bytes(item["content"])
        name = str(item.get("name", ""))
        upload.value = ()
        if len(content) > UPLOAD_LIMIT_MB * 1024 * 1024:
            self.say(t("data.upload.too_large", self.language, limit_mb=UPLOAD_LIMIT_MB), True)
            return
        try:
            if kind == "traffic":
                self.service.import_traffic(content)
            elif kind == "events":
                self.service.import_events(content)
            else:
                self.service.import_rules(content)
                self._fill_forms()
        except KlantreisError as exc:
            self.say(exc.message(self.language), error=True)
            return
        self.say(t(f"data.imported.{kind}", self.language, name=name))
        self.refresh()

    def _chart(self, build: Any) -> Any:
        def draw(_snapshot: WorkshopSnapshot) -> Any:
            return build(self.data or self.compute())

        draw.__name__ = build.__name__
        return draw


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())


__all__ = ["UPLOAD_LIMIT_MB", "DataPanel"]
