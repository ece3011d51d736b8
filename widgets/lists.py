"""A list of entries (cards, measures, steps, segments) with a few buttons per row."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w
from klantreis.widgets.style import full

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
    """One entry: a main text, a line of details, and its actions (all text is escaped)."""

    text: str
    meta: str = ""
    actions: tuple[Action, ...] = ()


class EntryList:
    """Rows of entries; ``show(rows)`` replaces them."""

    def __init__(self, language: Language, empty: str) -> None:
        self.language = language
        self.empty = empty
        self.widget = w.VBox(layout=full())
        self.buttons: dict[tuple[int, str], w.Button] = {}
        self.show([])

    def show(self, rows: list[Row]) -> None:
        """Display ``rows`` (or the empty message)."""
        self.buttons = {}
        if not rows:
            message = w.HTML(html.escape(t(self.empty, self.language)))
            message.add_class("kr-empty")
            self.widget.children = (message,)
            return
        children = []
        for index, row in enumerate(rows):
            label = html.escape(row.text)
            meta = f'<div class="kr-meta">{html.escape(row.meta)}</div>' if row.meta else ""
            item = w.HTML(f"<div>{label}</div>{meta}")
            item.add_class("kr-item")
            buttons = []
            for action in row.actions:
                button = w.Button(
                    description=t(action.label, self.language),
                    button_style=action.style,
                    tooltip=action.tooltip,
                    layout=w.Layout(width="auto"),
                )
                button.on_click(lambda _b, run=action.run: run())
                self.buttons[(index, action.label)] = button
                buttons.append(button)
            box = w.HBox([item, *buttons], layout=full())
            box.add_class("kr-row")
            children.append(box)
        self.widget.children = tuple(children)
