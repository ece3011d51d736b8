"""Step 1: the main marketing challenge and the end goal of the journey."""

from __future__ import annotations

import ipywidgets as w
from klantreis.widgets.forms import challenge_form
from klantreis.widgets.panels.base import Panel
from klantreis.widgets.panels.ideas import IdeaBoard

from klantreis.domain import IdeaTopic
from klantreis.outcomes import challenge_html


class ChallengePanel(Panel):
    """The facilitator's challenge form and what was decided; everyone's proposed wordings of
    the challenge and the end goal, with the group's votes."""

    def build(self) -> list[w.Widget]:
        self.card = self.looks.html()
        self.boards = [IdeaBoard(self, IdeaTopic.CHALLENGE), IdeaBoard(self, IdeaTopic.END_GOAL)]
        self.form = None
        parts: list[w.Widget] = []
        if self.is_facilitator:
            self.form = challenge_form(
                self.snapshot.workshop,
                self.saved(lambda v: self.service.update_workshop(v, self.actor_id)),
                self.language,
                looks=self.looks,
            )
            parts.append(self.form.widget)
        self.update()
        return [*parts, self.card, *(board.widget for board in self.boards)]

    def update(self) -> None:
        self.card.value = challenge_html(self.snapshot, self.is_facilitator, self.language)
        if self.form is not None and not self.form.dirty:
            self.form.load(self.snapshot.workshop)
        for board in self.boards:
            board.update()
