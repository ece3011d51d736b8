"""A list of entries (cards, measures, steps, segments) with a few buttons per row.

The whole list is one widget: the rows travel as data and the browser draws them (text with
``textContent``, never as markup). A list of thirty cards as ipywidgets rows was a hundred
widgets on every participant's page, each opened with a message of its own; now it is one,
and a change sends the rows once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import anywidget
import ipywidgets as w
import traitlets
from klantreis.widgets.style import full

from klantreis.i18n import Language, t

E = TypeVar("E")


@dataclass
class Action:
    """A button on a row: its label's i18n key, what it does, and its ipywidgets style."""

    label: str
    run: Callable[[], None]
    style: str = ""
    tooltip: str = ""


@dataclass
class Row:
    """One entry: a main text, a line of details, and its actions (all text is shown as text).

    ``key`` identifies the entry (its id); a press names the row by it, so a press on a row
    that moved meanwhile still reaches the right entry."""

    text: str
    meta: str = ""
    actions: tuple[Action, ...] = ()
    key: str = ""
    mine: bool = False
    """The person's own entry: always shown, however long the list (see ``limit``)."""


SCRIPT = """
export default {
  render({ model, el }) {
    const list = document.createElement("div");
    list.className = "kr-rows";
    const draw = () => {
      const rows = model.get("rows");
      const lines = [];
      if (rows.length === 0) {
        const empty = document.createElement("div");
        empty.className = "kr-empty";
        empty.textContent = model.get("empty");
        lines.push(empty);
      }
      for (const row of rows) {
        const line = document.createElement("div");
        line.className = "kr-row";
        line.dataset.key = row.key;
        const item = document.createElement("div");
        item.className = "kr-item";
        const text = document.createElement("div");
        text.textContent = row.text;
        item.appendChild(text);
        if (row.meta) {
          const meta = document.createElement("div");
          meta.className = "kr-meta";
          meta.textContent = row.meta;
          item.appendChild(meta);
        }
        line.appendChild(item);
        const actions = document.createElement("div");
        actions.className = "kr-actions";
        for (const action of row.actions) {
          const button = document.createElement("button");
          button.className = "jupyter-widgets jupyter-button widget-button"
            + (action.style ? " mod-" + action.style : "");
          button.textContent = action.text;
          if (action.tooltip) button.title = action.tooltip;
          button.addEventListener("click", () => {
            model.send({ event: "press", key: row.key, action: action.label });
          });
          actions.appendChild(button);
        }
        if (row.actions.length) line.appendChild(actions);
        lines.push(line);
      }
      if (model.get("more")) {
        const more = document.createElement("div");
        more.className = "kr-meta kr-more";
        more.textContent = model.get("more");
        lines.push(more);
      }
      list.replaceChildren(...lines);
    };
    draw();
    model.on("change:rows", draw);
    model.on("change:more", draw);
    model.on("change:empty", draw);
    el.appendChild(list);
  },
};
"""


def within_limit(
    entries: Sequence[E], mine: Callable[[E], bool], limit: int | None
) -> tuple[list[E], int]:
    """The entries a list shows, in their order, and how many it leaves out: with ``limit``,
    the person's own entries and the first ``limit`` of the others. A phone shows what
    matters, and a room of a hundred people neither builds nor sends every card a hundred
    times over, so pick before making rows."""
    if limit is None or len(entries) <= limit:
        return list(entries), 0
    kept: list[E] = []
    others = 0
    for entry in entries:
        if mine(entry):
            kept.append(entry)
        elif others < limit:
            kept.append(entry)
            others += 1
    return kept, len(entries) - len(kept)


class RowsView(anywidget.AnyWidget):
    """The browser's side of an :class:`EntryList`: rows as data, drawn by a small script."""

    _esm = SCRIPT
    rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    empty = traitlets.Unicode("").tag(sync=True)
    more = traitlets.Unicode("").tag(sync=True)


class EntryList:
    """Rows of entries; ``show(rows)`` brings the list to ``rows``. A press in the browser
    names its row and action; the list runs that action of the row it shows now."""

    def __init__(self, language: Language, empty: str, layout: w.Layout | None = None) -> None:
        self.language = language
        self.widget = RowsView(
            empty=t(empty, language), layout=layout if layout is not None else full()
        )
        self.widget.on_msg(self._received)
        self.rows: list[Row] = []

    def show(self, rows: list[Row], hidden: int = 0) -> None:
        """Display ``rows`` (or the empty message), and a line saying how many more there are
        when ``hidden`` entries were left out (see :func:`within_limit`)."""
        for index, row in enumerate(rows):
            if not row.key:
                row.key = f"#{index}"
        self.rows = rows
        data = [self._data(row) for row in rows]
        more = t("list.more", self.language, count=hidden) if hidden else ""
        with self.widget.hold_sync():
            if self.widget.rows != data:
                self.widget.rows = data
            if self.widget.more != more:
                self.widget.more = more

    def _data(self, row: Row) -> dict[str, Any]:
        return {
            "key": row.key,
            "text": row.text,
            "meta": row.meta,
            "actions": [
                {
                    "label": action.label,
                    "text": t(action.label, self.language),
                    "style": action.style,
                    "tooltip": action.tooltip,
                }
                for action in row.actions
            ],
        }

    # -- what a test (or the browser) does -------------------------------------------------

    def texts(self) -> list[str]:
        """The rows' main texts, top to bottom."""
        return [row.text for row in self.rows]

    def labels(self, index: int) -> list[str]:
        """The action labels (i18n keys) of the row at ``index``."""
        return [action.label for action in self.rows[index].actions]

    def press(self, index: int, label: str) -> None:
        """Press the button ``label`` of the row at ``index``, as the browser would."""
        self._press(self.rows[index].key, label)

    def _received(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "press":
            self._press(str(content.get("key", "")), str(content.get("action", "")))

    def _press(self, key: str, label: str) -> None:
        row = next((row for row in self.rows if row.key == key), None)
        action = next((a for a in row.actions if a.label == label), None) if row else None
        if action is not None:  # a row that left meanwhile: the press has nothing to act on
            action.run()

    def close(self) -> None:
        """Close the list's widget."""
        self.widget.close()
