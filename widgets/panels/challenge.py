"""Step 1: the main marketing challenge and the end goal of the journey."""

from __future__ import annotations

import ipywidgets as w
from klantreis.widgets.forms import challenge_form
from klantreis.widgets.panels.base import Panel

from klantreis.report.summaries import challenge_html


class ChallengePanel(Panel):
    """The challenge form, and a card that shows what was decided."""

    def build(self) -> list[w.Widget]:
        self.form = challenge_form(
            self.snapshot.workshop,
            self.saved(lambda v: self.service.update_workshop(v, self.actor_id)),
            self.language,
        )
        self.card = w.HTML()
        self.update()
        return [self.form.widget, self.card]

    def update(self) -> None:
        self.card.value = self.summary_html()
        if not self.form.dirty:
            self.form.load(self.snapshot.workshop)

    def summary_html(self) -> str:
        return challenge_html(self.snapshot)
