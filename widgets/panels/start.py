"""The start: the workshop's title, language, room rules and phase model."""

from __future__ import annotations

import html

import ipywidgets as w
from klantreis.widgets.forms import settings_form
from klantreis.widgets.looks import show
from klantreis.widgets.panels.base import Panel
from klantreis.widgets.style import full
from pydantic import ValidationError

from klantreis.domain import (
    BUILTIN_PHASE_MODELS,
    CUSTOM_PHASE_MODEL,
    phases_for,
    phases_from_names,
    validation_failed,
)
from klantreis.i18n import t


class StartPanel(Panel):
    """Settings of the workshop and the choice of phase model."""

    def build(self) -> list[w.Widget]:
        lang = self.language
        workshop = self.snapshot.workshop
        self.settings = settings_form(
            workshop,
            self.saved(lambda v: self.service.update_workshop(v, self.actor_id)),
            lang,
            looks=self.looks,
        )
        models = [
            (t(f"phase_model.{m}", lang), m) for m in [*BUILTIN_PHASE_MODELS, CUSTOM_PHASE_MODEL]
        ]
        self.model = self.looks.make(
            w.Dropdown,
            name=t("form.phases.title", lang),
            options=models,
            value=workshop.phase_model
            if workshop.phase_model in {v for _, v in models}
            else CUSTOM_PHASE_MODEL,
        )
        self.custom = w.Textarea(layout=full(), rows=6, placeholder=t("hint.one_per_line", lang))
        self.apply = w.Button(description=t("form.apply_phases", lang), button_style="primary")
        self.apply.on_click(lambda _b: self.apply_phases())
        self.model.observe(lambda _c: self._show_custom(), names="value")
        self.current = w.HTML()
        self._show_custom()
        self.update()
        return [
            self.settings.widget,
            self.heading("form.phases.title"),
            self.current,
            self.model,
            self.custom,
            self.apply,
        ]

    def _show_custom(self) -> None:
        custom = self.model.value == CUSTOM_PHASE_MODEL
        show(self.custom, custom)
        if custom and not self.custom.value:
            self.custom.value = "\n".join(p.name for p in self.snapshot.workshop.phases)

    def apply_phases(self) -> bool:
        """Give the workshop the chosen phase model (refused while a phase to drop is in use)."""
        workshop = self.service.workshop()
        if self.model.value == CUSTOM_PHASE_MODEL:
            names = [line for line in self.custom.value.splitlines() if line.strip()]
            try:
                phases = phases_from_names(names)
            except ValidationError as exc:
                self.say(validation_failed(exc).message(self.language), error=True)
                return False
            if not phases:
                self.say(t("error.no_phases", self.language), error=True)
                return False
        else:
            phases = phases_for(self.model.value, workshop.language)
        changed = workshop.model_copy(update={"phases": phases, "phase_model": self.model.value})
        return self.attempt(lambda: self.service.update_workshop(changed, self.actor_id))

    def update(self) -> None:
        names = " → ".join(html.escape(p.name) for p in self.snapshot.workshop.phases)
        self.current.value = f'<div class="kr-card">{names}</div>'
