"""Step 4: map the customer: needs (with alternatives), barriers and associations, and dot votes."""

from __future__ import annotations

import html
from collections.abc import Hashable
from functools import partial
from typing import Any

import ipywidgets as w
from klantreis.widgets.forms import CardForm
from klantreis.widgets.lists import Action, Row, within_limit
from klantreis.widgets.panels.base import Editor, Panel

from klantreis.charts import alternatives, card_board
from klantreis.charts.compose import ChartBuilder
from klantreis.domain import Card, CardKind, WorkshopSnapshot, written_by
from klantreis.i18n import t


class MappingPanel(Panel):
    """Add cards for a segment, edit or withdraw your own, and vote with your dots."""

    chart_builders: tuple[ChartBuilder, ...] = (card_board, alternatives)

    def build(self) -> list[w.Widget]:
        self.chart_builders = (self._board, alternatives)
        self.chooser = self.segment_chooser()
        self.dots = self.looks.html()
        self.cards = self.entry_list("list.no_cards")
        self.editor = Editor(self.looks)
        self.chooser.observe(lambda _c: self._chosen(), names="value")  # after the first fill
        self.new_card = self.adder(
            self._blank,
            self._form,
            lambda c: self.service.add_card(c, self.actor_id),
            place=lambda c: c.model_copy(update={"segment_id": self.segment_id or c.segment_id}),
        )
        self.update()
        return [
            self.heading("field.segment_id"),
            self.chooser,
            self.heading("form.add_card"),
            self.new_card,
            self.heading("form.cards.title"),
            self.dots,
            self.cards.widget,
            self.editor.widget,
        ]

    @property
    def segment_id(self) -> str | None:
        return str(self.chooser.value) if self.chooser.value else None

    def _blank(self) -> Card:
        # No segment (None) until one is chosen: the adder places the card when it is saved.
        return Card.model_construct(
            workshop_id=self.service.workshop_id,
            segment_id=self.segment_id,  # type: ignore[arg-type]
            kind=CardKind.NEED,
            text="",
        )

    def _form(self, card: Card, on_save: Any, **extra: Any) -> CardForm:
        form = CardForm(
            card, on_save, self.language, save_label="form.add", looks=self.looks, **extra
        )
        return form

    def _board(self, snap: WorkshopSnapshot) -> Any:
        return card_board(snap, self.segment_id)

    def _chosen(self) -> None:
        self.update()
        for slot in self.slots:
            slot.update(self.snapshot)
        self.aim_adder(getattr(self, "new_card", None), segment_id=self.segment_id)

    def edit(self, card: Card) -> None:
        """Open a card for editing."""
        self.editor.open(
            lambda save, cancel: CardForm(
                card,
                save,
                self.language,
                on_cancel=cancel,
                title=t("form.edit_card", self.language),
                looks=self.looks,
            ),
            self.saved(lambda edited: self.service.edit_card(edited, self.actor_id)),
        )

    def chart_share_key(self) -> Hashable:
        return self.segment_id

    def update(self) -> None:
        lang = self.language
        self.fill_segment_chooser(self.chooser)
        self.require(self.segment_id is not None, "needs.segment")
        snap = self.snapshot
        votes = snap.vote_counts()
        mine = {v.card_id for v in snap.votes if v.participant_id == self.actor_id}
        hide_others = self.hides_results
        rows = []

        def is_own(card: Card) -> bool:
            return written_by(card, self.actor_id)

        cards = sorted(
            snap.active_cards(segment_id=self.segment_id),
            key=lambda c: (-votes[c.id], c.created_at),
        )
        if hide_others:
            cards = [card for card in cards if is_own(card)]
        cards, hidden = within_limit(cards, is_own, self.list_limit)
        for card in cards:
            own = is_own(card)
            kind = t(f"card_kind.{card.kind.value}", lang)
            if card.polarity is not None:
                kind = f"{kind} ({t(f'polarity.{card.polarity.value}', lang).lower()})"
            meta = [kind] if hide_others else [kind, t("list.votes", lang, count=votes[card.id])]
            if card.alternatives:
                meta.append(t("list.compared_with", lang, names=", ".join(card.alternatives)))
            actions: list[Action] = []
            if self.actor_id is not None and not self.is_facilitator:
                actions.append(
                    Action(
                        "form.vote",
                        self.action(self.service.vote, card.id, self.actor_id),
                        "success",
                        t("form.vote.tooltip", lang),
                    )
                )
                if card.id in mine:
                    actions.append(
                        Action(
                            "form.unvote",
                            self.action(self.service.unvote, card.id, self.actor_id),
                        )
                    )
            actions += self.entry_actions(card, partial(self.edit, card))
            rows.append(Row(card.text, " · ".join(meta), tuple(actions), card.id, own))
        self.cards.show(rows, hidden=hidden)
        if self.actor_id is not None and not self.is_facilitator:
            left = snap.dots_left(self.actor_id)
            total = snap.workshop.dots_per_participant
            text = t("list.dots_left", lang, count=left, total=total)
            self.dots.value = f'<div class="kr-meta">{html.escape(text)}</div>'
