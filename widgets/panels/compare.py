"""Compare this workshop with an earlier one: the folder of the earlier workshop in, what
changed out (see :mod:`klantreis.report.compare`)."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
from klantreis.widgets.lifecycle import close_tree
from klantreis.widgets.looks import Looks
from klantreis.widgets.style import stylesheet

from klantreis.analytics.results import journey_data
from klantreis.domain import KlantreisError
from klantreis.folder import data_folder
from klantreis.i18n import t
from klantreis.report.compare import compare, comparison_html, read_workshop
from klantreis.service import Service


class ComparePanel:
    """A field for the earlier workshop's folder, a button, and the differences below."""

    def __init__(self, service: Service, earlier: str | Path | None = None) -> None:
        self.service = service
        self.language = service.snapshot().workshop.language
        lang = self.language
        self.looks = Looks()
        self.folder = self.looks.make(
            w.Text,
            name=t("compare.folder", lang),
            value=str(earlier or ""),
            placeholder=t("compare.folder_placeholder", lang),
        )
        self.button = self.looks.make(
            w.Button, description=t("compare.run", lang), button_style="primary"
        )
        self.button.on_click(lambda _b: self.show())
        self.result = self.looks.html(
            f'<p class="kr-meta">{html.escape(t("compare.choose", lang))}</p>'
        )
        label = self.looks.html(html.escape(t("compare.folder", lang)), "kr-label")
        self.widget = w.VBox([stylesheet(), label, self.folder, self.button, self.result])
        self.widget.add_class("klantreis")
        if earlier:
            self.show()

    def show(self) -> None:
        """Compare with the folder typed in; a folder that is not a workshop is explained."""
        lang = self.language
        typed = self.folder.value.strip()
        if not typed:
            self.result.value = (
                f'<p class="kr-problem">{html.escape(t("compare.choose", lang))}</p>'
            )
            return
        try:
            before, before_data = read_workshop(Path(typed).expanduser())
        except KlantreisError as exc:
            self.result.value = f'<p class="kr-problem">{html.escape(exc.message(lang))}</p>'
            return
        now = self.service.snapshot()
        folder = data_folder()
        now_data = journey_data(now, folder) if folder is not None else None
        differences = compare(before, now, before_data, now_data)
        self.result.value = comparison_html(
            differences, before.workshop.title, now.workshop.title, lang
        )

    def close(self) -> None:
        """Close the panel's widgets, with their shared layouts."""
        close_tree(self.widget)

    def _repr_mimebundle_(self, **kwargs: object) -> object:
        return self.widget._repr_mimebundle_(**kwargs)
