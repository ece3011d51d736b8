"""A list of entries (cards, measures, steps, segments) with a few buttons per row."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w
from klantreis.widgets.looks import Looks

from klantreis.i18n import Language, t


@dataclass
class Action:
    """A button on a row: its label's i18n key, what it does, and its ipywidgets style."""

    label: str
    run: Callable[[], None]
    style: str = ""
    tooltip: str = ""


@dataclass
class Row:
    """One entry: a main text, a line of details, and its actions (all text is escaped).

    ``key`` identifies the entry (its id): a list keeps the widgets of a row whose key it
    already shows and only changes what differs."""

    text: str
    meta: str = ""
    actions: tuple[Action, ...] = ()
    key: str = ""
    mine: bool = False
    """The person's own entry: always shown, however long the list (see ``limit``)."""


class _Shown:
    """The widgets of one displayed row, and what they show now."""

    def __init__(self, language: Language, looks: Looks) -> None:
        self.language = language
        self.looks = looks
        self.item = looks.make(w.HTML, layout={})
        self.item.add_class("kr-item")
        self.box = looks.make(w.HBox, children=[self.item])
        self.box.add_class("kr-row")
        self.buttons: dict[str, w.Button] = {}
        self.runs: dict[str, Callable[[], None]] = {}
        self.look: tuple[object, ...] = ()

    def show(self, row: Row) -> None:
        label = html.escape(row.text)
        meta = f'<div class="kr-meta">{html.escape(row.meta)}</div>' if row.meta else ""
        value = f"<div>{label}</div>{meta}"
        if self.item.value != value:
            self.item.value = value
        # The buttons' callbacks look their action up here, so a redraw never rebinds them.
        self.runs = {action.label: action.run for action in row.actions}
        look = tuple((a.label, a.style, a.tooltip) for a in row.actions)
        if look == self.look:
            return
        self.look = look
        for button in self.buttons.values():
            button.close()
        self.buttons = {}
        for action in row.actions:
            button = self.looks.make(
                w.Button,
                layout={"width": "auto"},
                description=t(action.label, self.language),
                button_style=action.style,
                tooltip=action.tooltip,
            )
            button.on_click(lambda _b, label=action.label: self.runs[label]())
            self.buttons[action.label] = button
        self.box.children = (self.item, *self.buttons.values())

    def close(self) -> None:
        for button in self.buttons.values():
            button.close()
        self.item.close()
        self.box.close()


class EntryList:
    """Rows of entries; ``show(rows)`` brings the list to ``rows``, changing rows in place by
    key and closing the widgets of rows that left (a page lives for a whole workshop)."""

    def __init__(self, language: Language, empty: str) -> None:
        self.language = language
        self.empty = empty
        self.looks = Looks()
        self.empty_message = self.looks.html(html.escape(t(empty, language)), "kr-empty")
        self.more = self.looks.html("", "kr-meta")
        self.widget = w.VBox(layout=w.Layout(width="100%"))
        self.shown: dict[str, _Shown] = {}
        self.show([])

    @property
    def buttons(self) -> dict[tuple[int, str], w.Button]:
        """The buttons by (row position, action label), top to bottom."""
        return {
            (index, label): button
            for index, shown in enumerate(self._order)
            for label, button in shown.buttons.items()
        }

    def show(self, rows: list[Row], limit: int | None = None) -> None:
        """Display ``rows`` (or the empty message). With ``limit``, only the person's own rows
        and the first ``limit`` others are shown, and a line says how many more there are: a
        phone shows what matters, and a room of a hundred people is not sent every card a
        hundred times over."""
        hidden = 0
        if limit is not None and len(rows) > limit:
            others = [row for row in rows if not row.mine]
            shown_others = {id(row) for row in others[:limit]}
            kept = [row for row in rows if row.mine or id(row) in shown_others]
            hidden = len(rows) - len(kept)
            rows = kept
        keep: dict[str, _Shown] = {}
        order: list[_Shown] = []
        for index, row in enumerate(rows):
            key = row.key or f"#{index}"
            shown = self.shown.pop(key, None) or keep.get(key) or _Shown(self.language, self.looks)
            shown.show(row)
            keep[key] = shown
            order.append(shown)
        for gone in self.shown.values():
            gone.close()
        self.shown = keep
        self._order = order
        children = tuple(s.box for s in order) if order else (self.empty_message,)
        if hidden:
            self.more.value = html.escape(t("list.more", self.language, count=hidden))
            children += (self.more,)
        if self.widget.children != children:
            self.widget.children = children

    def close(self) -> None:
        """Close every widget of the list."""
        for shown in self.shown.values():
            shown.close()
        self.shown = {}
        self._order = []
        self.empty_message.close()
        self.more.close()
        self.looks.close()
        self.widget.close()
