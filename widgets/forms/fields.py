"""Field specs: which input each model field gets, how its value is read back, where its
problems show. A form is a list of these, so forms stay short and alike."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as w
from klantreis.widgets.forms.typed import TypedText, TypedTextarea
from klantreis.widgets.lifecycle import close_tree
from klantreis.widgets.looks import Looks, W, show
from klantreis.widgets.style import full

from klantreis.i18n import Language, t

Options = Callable[[], Sequence[tuple[str, Any]]]

CHOICE_KINDS = ("choice", "radio", "checkboxes", "multichoice")
"""The kinds of field whose input offers options."""

NO_CHOICE = "\x00none"
"""What a choice input holds for an option whose value is ``None`` (such as "(none)").
ipywidgets takes a selection's value ``None`` to mean "nothing selected" and clears the
index, so the browser drew the choice empty instead of showing "(none)"."""


def caption_html(label: str, hint: str = "") -> str:
    """The caption above an input: its name and a hint, as plain text made safe. The name is
    for the eye only; a screen reader hears the input's own label
    (:data:`~klantreis.widgets.looks.NAMED`)."""
    caption = ""
    if label:
        caption = f'<div class="kr-label" aria-hidden="true">{html.escape(label)}</div>'
    if hint:
        caption += f'<div class="kr-hint">{html.escape(hint)}</div>'
    return caption


@dataclass
class Field:
    """One input of a form.

    ``kind`` is one of: text, textarea, int, float, optional_float, choice, checkbox,
    checkboxes, lines, multichoice, slider. ``options`` gives (label, value) pairs for choice
    kinds; ``hint`` is an i18n key shown under the label.
    """

    name: str
    kind: str = "text"
    options: Options | None = None
    hint: str | None = None
    label: str | None = None
    minimum: int = 1
    maximum: int = 5
    placeholder: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    text_label: str | None = None
    """A label that is not in the catalogue (a step's own words); shown as text."""


class FieldWidget:
    """The widgets of one field: its caption (label, hint and, when there is one, the problem)
    and its input. Both take shared layouts and styles from ``looks`` (the form's) and stand
    directly in the form, without a box of their own (a widget less per field on every page);
    :meth:`show` hides or shows the two together."""

    def __init__(
        self,
        spec: Field,
        language: Language,
        looks: Looks | None = None,
        input_classes: Sequence[str] = (),
        shown: bool = True,
        value: Any = None,
    ) -> None:
        """``value``: what the input shows from the start (made so: setting it after would be
        one more message to the page per field)."""
        self.spec = spec
        self.language = language
        self.looks = looks if looks is not None else Looks()
        self._input_classes = input_classes
        self._shown = shown  # made hidden, not hidden after: no message to hide it
        label = spec.text_label
        if label is None:
            label = t(spec.label or f"field.{spec.name}", language)
        self.label = label
        """The field's name as people read it (also the input's own label, for screen
        readers: see :data:`~klantreis.widgets.looks.NAMED`)."""
        caption = caption_html(
            "" if spec.kind == "checkbox" else label, t(spec.hint, language) if spec.hint else ""
        )
        self._caption = caption
        self.problem = ""
        """The problem shown with the field (plain text; empty when there is none)."""
        self.caption = self.looks.html(caption, "kr-caption", shown=shown)
        self._watchers: list[Callable[[], None]] = []
        self.input = self._make_input(value)
        placed = self.input.widget if isinstance(self.input, RowsEditor) else self.input
        self.parts: tuple[w.Widget, ...] = (self.caption, placed)
        """What the form shows for this field, top to bottom."""

    def show(self, visible: bool) -> None:
        """Show or hide the field (its caption and its input)."""
        for part in self.parts:
            show(part, visible)

    def _make_input(self, value: Any) -> w.Widget:
        spec, lang = self.spec, self.language
        options = self._options() if spec.kind in CHOICE_KINDS else []
        showing = self._showing(value, options)

        def make(kind: type[W], layout: dict[str, str] | None = None, **traits: Any) -> W:
            name = None if spec.kind == "checkbox" else self.label  # a checkbox shows its words
            return self.looks.make(
                kind, layout, self._input_classes, self._shown, name, **traits, **showing
            )

        placeholder = t(spec.placeholder, lang) if spec.placeholder else ""
        if spec.kind == "text":
            return make(TypedText, placeholder=placeholder, continuous_update=False)
        if spec.kind in ("textarea", "lines"):
            rows = 4 if spec.kind == "textarea" else 3
            return make(TypedTextarea, rows=rows, placeholder=placeholder, continuous_update=False)
        if spec.kind == "int":
            return make(w.BoundedIntText, {"width": "8em"}, min=spec.minimum, max=spec.maximum)
        if spec.kind in ("float", "optional_float"):
            return make(w.Text, {"width": "10em"}, placeholder=placeholder, continuous_update=False)
        if spec.kind == "slider":
            return make(
                w.IntSlider,
                {"width": "100%", "max_width": "360px"},
                min=spec.minimum,
                max=spec.maximum,
            )
        if spec.kind == "choice":
            return make(w.Dropdown, options=options)
        if spec.kind == "radio":
            return make(w.RadioButtons, options=options)
        if spec.kind == "checkbox":
            return make(w.Checkbox, indent=False, description=t(f"field.{spec.name}.check", lang))
        if spec.kind in ("checkboxes", "multichoice"):
            return make(w.SelectMultiple, options=options, rows=min(6, max(3, len(options))))
        if spec.kind == "rows":
            return RowsEditor(spec.extra["columns"], lang, on_change=self._rows_changed)
        raise ValueError(spec.kind)

    def _rows_changed(self) -> None:
        for callback in self._watchers:
            callback()

    def _options(self) -> list[tuple[str, Any]]:
        """The input's (label, value) pairs; an option with no value holds :data:`NO_CHOICE`."""
        options = self.spec.options() if self.spec.options else []
        return [(label, NO_CHOICE if value is None else value) for label, value in options]

    def refresh_options(self) -> None:
        """Re-read the choices (for example after a touchpoint was added)."""
        if self.spec.kind in CHOICE_KINDS:
            current = self.get()
            self.input.options = self._options()
            self.set(current)  # kept where it is still offered

    def set(self, value: Any) -> None:
        """Show ``value`` (a field value of the model) in the input."""
        if isinstance(self.input, RowsEditor):
            self.input.set(value or [])
            return
        options = self._options() if self.spec.kind in CHOICE_KINDS else []
        for name, shown in self._showing(value, options).items():
            setattr(self.input, name, shown)

    def _showing(self, value: Any, options: Sequence[tuple[str, Any]]) -> dict[str, Any]:
        """The traits of the input that show ``value`` (a field value of the model) among
        ``options`` (the input's, for the choice kinds)."""
        kind = self.spec.kind
        values = [v for _, v in options]
        if kind == "rows":
            return {}
        if kind == "lines":
            return {"value": "\n".join(value or [])}
        if kind in ("float", "optional_float"):
            return {"value": "" if value is None else _format_number(value)}
        if kind in ("checkboxes", "multichoice"):
            return {"value": tuple(v for v in (value or []) if v in values)}
        if kind in ("choice", "radio"):
            if value is None and NO_CHOICE in values:
                return {"value": NO_CHOICE}
            if value in values:
                return {"value": value}
            if value is None:
                return {"index": None}  # nothing chosen yet
            return {"value": values[0]} if values else {}
        if kind in ("text", "textarea"):
            return {"value": value or ""}
        return {} if value is None else {"value": value}

    def get(self) -> Any:
        """The value typed or chosen, in the shape the model expects (validation comes later)."""
        kind = self.spec.kind
        if isinstance(self.input, RowsEditor):
            return self.input.get()
        value = self.input.value
        if kind == "lines":
            return [line for line in str(value).splitlines() if line.strip()]
        if kind in ("float", "optional_float"):
            text = str(value).strip().replace(",", ".")
            if not text:
                return None
            try:
                return float(text)
            except ValueError:
                return str(value)  # the model reports it as "must be a number"
        if kind in ("checkboxes", "multichoice"):
            return [v for v in value if v != NO_CHOICE]
        return None if value == NO_CHOICE else value

    def show_problem(self, message: str) -> None:
        """Show a problem between the caption and the input, where a person reads it before
        typing again (an empty message clears it)."""
        if message == self.problem:
            return
        self.problem = message
        line = f'<div class="kr-problem">{html.escape(message)}</div>' if message else ""
        self.caption.value = self._caption + line

    def watch(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever the input changes."""
        if isinstance(self.input, RowsEditor):
            self._watchers.append(callback)
        else:
            self.input.observe(lambda _change: callback(), names="value")


class RowsEditor:
    """A small table of rows (quotes, survey facts): add a row, change it, remove it.

    ``columns`` are (name, kind) pairs with kind ``text`` or ``number``.
    """

    def __init__(
        self, columns: list[tuple[str, str]], language: Language, on_change: Callable[[], None]
    ) -> None:
        self.columns = columns
        self.language = language
        self.on_change = on_change
        self.rows: list[dict[str, w.Text]] = []
        self.list = w.VBox(layout=full())
        self.add_button = w.Button(description=t("form.add_row", language))
        self.add_button.on_click(lambda _b: self.add_row({}))
        self.widget = w.VBox([self.list, self.add_button], layout=full())

    def add_row(self, values: dict[str, Any], notify: bool = True) -> None:
        """Append a row showing ``values``."""
        inputs: dict[str, w.Text] = {}
        for name, kind in self.columns:
            value = values.get(name)
            text = (
                "" if value is None else (_format_number(value) if kind == "number" else str(value))
            )
            box = w.Text(
                value=text,
                placeholder=t(f"field.{name}", self.language),
                layout=w.Layout(flex="1 1 140px", min_width="0", width="auto"),
                continuous_update=False,
            )
            box.observe(lambda _c: self.on_change(), names="value")
            inputs[name] = box
        remove = w.Button(
            description=t("form.remove", self.language), layout=w.Layout(width="auto")
        )
        row = w.HBox([*inputs.values(), remove], layout=full())
        row.add_class("kr-row")
        remove.on_click(lambda _b, r=row, i=inputs: self._remove(r, i))
        self.rows.append(inputs)
        self.list.children = (*self.list.children, row)
        if notify:
            self.on_change()

    def _remove(self, row: w.HBox, inputs: dict[str, w.Text]) -> None:
        self.rows = [r for r in self.rows if r is not inputs]
        self.list.children = tuple(c for c in self.list.children if c is not row)
        close_tree(row)
        self.on_change()

    def set(self, items: list[dict[str, Any]]) -> None:
        """Show exactly these rows (the rows shown before are closed)."""
        old, self.rows = self.list.children, []
        self.list.children = ()
        for row in old:
            close_tree(row)
        for item in items:
            self.add_row(item, notify=False)

    def get(self) -> list[dict[str, Any]]:
        """The rows that are not entirely empty, as dicts (numbers parsed where possible)."""
        items = []
        for inputs in self.rows:
            item: dict[str, Any] = {}
            for name, kind in self.columns:
                raw = inputs[name].value.strip()
                if kind == "number":
                    item[name] = _parse_number(raw)
                else:
                    item[name] = raw
            if any(v not in ("", None) for v in item.values()):
                items.append(item)
        return items


def _parse_number(raw: str) -> Any:
    text = raw.replace(",", ".").rstrip("%").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return raw
    return int(number) if number.is_integer() else number


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
