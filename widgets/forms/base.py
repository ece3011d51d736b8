"""The form: edits a copy of a value and hands the edited value to ``on_save``.

A form never writes anything itself. ``on_save(value)`` does (usually a service call) and
returns the stored value, or raises a :class:`~klantreis.domain.KlantreisError`, which the
form shows in the user's language: field problems next to their fields, anything else above
the buttons. What the user typed stays in the form until it is saved or reset.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection, Sequence
from typing import Any, Generic, TypeVar

import ipywidgets as w
from klantreis.widgets.forms.fields import Field, FieldWidget
from klantreis.widgets.forms.submit import FIELD_PREFIX, SubmitButton
from klantreis.widgets.forms.typed import take_from_browser
from klantreis.widgets.looks import Looks
from pydantic import BaseModel, ValidationError

from klantreis.domain import KlantreisError, ValidationFailed, left_out, validation_failed
from klantreis.i18n import Language, t

M = TypeVar("M", bound=BaseModel)


class Form(Generic[M]):
    """A form for one model value.

    ``fields`` lists the inputs; ``on_save`` stores an edited copy; ``on_withdraw`` (optional)
    adds a button that takes the value back; ``on_cancel`` (optional) adds a cancel button.
    The fields named in ``hidden`` start hidden (a form that fits its inputs to a choice).
    ``looks``: the page's shared layouts and styles (see :class:`Looks`); a form without them
    has its own, closed with it.
    """

    def __init__(
        self,
        value: M,
        on_save: Callable[[M], M | None],
        fields: Sequence[Field],
        language: Language,
        *,
        title: str | None = None,
        save_label: str = "form.save",
        on_withdraw: Callable[[M], Any] | None = None,
        on_cancel: Callable[[], Any] | None = None,
        prefix: str = "",
        hidden: Collection[str] = (),
        looks: Looks | None = None,
    ) -> None:
        self.value = value
        self.on_save = on_save
        self.on_withdraw = on_withdraw
        self.language = language
        self.prefix = prefix
        self.looks = looks if looks is not None else Looks()
        data = value.model_dump()
        self.fields = {
            spec.name: FieldWidget(
                spec,
                language,
                self.looks,
                # the submit button reads the form's texts by these classes
                input_classes=[FIELD_PREFIX + spec.name] if spec.kind in TEXT_KINDS else [],
                shown=spec.name not in hidden,
                value=_dig(data, spec.name),  # made showing it: nothing to send after
            )
            for spec in fields
        }
        self.status = self.looks.html("", "kr-status")
        self.save_button = SubmitButton(
            t(save_label, language), "primary", layout=self.looks.layout()
        )
        self.save_button.on_click(self.save)
        self.reset_button = self._button("form.reset")
        self.reset_button.on_click(lambda _b: self.reset())
        buttons: list[w.Widget] = [self.save_button, self.reset_button]
        if on_withdraw is not None:
            self.withdraw_button = self._button("form.withdraw", "danger")
            self.withdraw_button.on_click(lambda _b: self.withdraw())
            buttons.append(self.withdraw_button)
        if on_cancel is not None:
            self.cancel_button = self._button("form.cancel")
            self.cancel_button.on_click(lambda _b: on_cancel())
            buttons.append(self.cancel_button)
        header = []
        if title:
            header.append(self.looks.html(html.escape(title), "kr-section"))
        self.widget = self.looks.make(
            w.VBox,
            # the button reads the texts of the form with its class
            classes=["kr-form", self.save_button.form_class],
            children=[
                *header,
                *(part for f in self.fields.values() for part in f.parts),
                self.status,
                self.looks.make(w.HBox, classes=["kr-buttons"], children=buttons),
            ],
        )
        self._loading = False
        self._saved_texts: dict[str, str] = {}
        self.keep_adding: Callable[[], M] | None = None
        """For a form that adds entries: a blank value; after each save the form starts over
        with it (see :meth:`start_over`) instead of showing what was saved."""
        self.place: Callable[[M], M] | None = None
        """For a form that adds entries: puts in what the page has chosen at the moment of
        saving (the segment or journey), before the entry is validated."""
        self.load(value)
        for name, field in self.fields.items():
            field.watch(self._changed)
            if field.spec.kind in TEXT_KINDS:
                field.input.observe(
                    lambda change, name=name: self._typed_behind(name, change["new"]),
                    names="value",
                )

    def _button(self, label: str, style: str = "") -> w.Button:
        return self.looks.make(
            w.Button, {}, description=t(label, self.language), button_style=style
        )

    # -- state -----------------------------------------------------------------------------

    def load(self, value: M) -> None:
        """Show ``value`` in the inputs and forget unsaved edits."""
        self._loading = True
        try:
            self.value = value
            data = value.model_dump()
            for name, field in self.fields.items():
                field.set(_dig(data, name))
                field.show_problem("")
        finally:
            self._loading = False
        self._set_status("")

    def edited(self) -> M:
        """A validated copy of the value with the inputs' contents; raises ValidationFailed."""
        value = self.value if self.place is None else self.place(self.value)
        data = value.model_dump()
        for name, field in self.fields.items():
            _put(data, name, field.get())
        try:
            return type(self.value).model_validate(data)
        except ValidationError as exc:
            raise validation_failed(exc) from exc

    @property
    def dirty(self) -> bool:
        """True when the inputs differ from the value last loaded or saved."""
        data = self.value.model_dump()
        return any(_normal(_dig(data, n)) != _normal(f.get()) for n, f in self.fields.items())

    @property
    def has_typed_text(self) -> bool:
        """True when a text input holds something typed and not saved. Choices that stay for
        the next entry (a card's kind, a measure's touchpoint) are not unsaved work."""
        data = self.value.model_dump()
        return any(
            f.spec.kind in TEXT_KINDS
            and str(f.input.value).strip()
            and _normal(_dig(data, n)) != _normal(f.get())
            for n, f in self.fields.items()
        )

    # -- actions ---------------------------------------------------------------------------

    def save(self, texts: dict[str, str] | None = None) -> bool:
        """Validate, hand the copy to ``on_save``, and show the outcome. True when saved.

        ``texts`` is what the browser showed in the text inputs at the moment of the press
        (see :mod:`klantreis.widgets.submit`): it wins over updates still on their way.
        """
        texts = texts or {}
        self._take_texts(texts)
        invisible = sum(
            left_out(str(f.input.value)) for f in self.fields.values() if f.spec.kind in TEXT_KINDS
        )
        for field in self.fields.values():
            field.show_problem("")
        try:
            candidate = self.edited()
            stored = self.on_save(candidate)
        except ValidationFailed as exc:
            self._show_problems(exc)
            self._refused(texts)
            return False
        except KlantreisError as exc:
            self._set_status(exc.message(self.language), "error")
            self._refused(texts)
            return False
        if self.keep_adding is not None:
            saved = stored if stored is not None else candidate
            self.start_over(self.keep_adding(), saved, cleared_in_browser=bool(texts))
        else:
            self.load(stored if stored is not None else candidate)
        saved_note = t("form.saved", self.language)
        if invisible:  # said, not dropped silently: NUL, bidi overrides, zero-width spaces
            saved_note += " " + t("form.left_out", self.language, count=invisible)
        self._set_status(saved_note, "saved")
        return True

    def reset(self) -> None:
        """Throw away unsaved edits."""
        self.load(self.value)

    def _refused(self, texts: dict[str, str]) -> None:
        """An adding form's browser emptied its inputs at the press: give the text back."""
        if texts and self.keep_adding is not None:
            self.save_button.restore(texts)

    def start_over(self, blank: M, saved: M, cleared_in_browser: bool = False) -> None:
        """Ready the same form for the next entry after ``saved`` was added.

        Choices (kind, segment, phase...) stay as they are: the next entry is often of the same
        kind. Texts are cleared, but only of what was saved: what a hurried person already typed
        after pressing the button stays, and when that was typed behind the saved text (the
        browser had not yet shown the cleared field), the saved part is taken off its front.
        No widget is replaced, so nothing typed goes into a form that left the page.
        """
        data = saved.model_dump()
        self._loading = True
        try:
            self.value = blank
            for name, field in self.fields.items():
                if field.spec.kind not in TEXT_KINDS:
                    continue
                done = _as_text(field.spec.kind, _dig(data, name))
                field.show_problem("")
                if cleared_in_browser:
                    # The browser emptied the input as it sent the press: sending "" now could
                    # wipe what the person is already typing for the next entry.
                    take_from_browser(field.input, "")
                    continue
                field.input.value = _after(str(field.input.value), done)
                self._saved_texts[name] = done
        finally:
            self._loading = False
        self._set_status(t("form.saved", self.language), "saved")

    def withdraw(self) -> bool:
        """Hand the value to ``on_withdraw``. True when that worked."""
        assert self.on_withdraw is not None
        try:
            self.on_withdraw(self.value)
        except KlantreisError as exc:
            self._set_status(exc.message(self.language), "error")
            return False
        self._set_status(t("form.withdrawn", self.language), "saved")
        return True

    def refresh_options(self) -> None:
        """Re-read the choices of every choice field."""
        for field in self.fields.values():
            field.refresh_options()

    # -- display ---------------------------------------------------------------------------

    def _take_texts(self, texts: dict[str, str]) -> None:
        """Put what the browser showed at the press into the text inputs."""
        self._loading = True
        try:
            for name, typed in texts.items():
                field = self.fields.get(name)
                if field is not None and field.spec.kind in TEXT_KINDS:
                    # What the browser showed; it has it already, so nothing is sent back.
                    take_from_browser(field.input, typed)
                    self._saved_texts[name] = ""
        finally:
            self._loading = False

    def _typed_behind(self, name: str, typed: str) -> None:
        """An update that arrives after a save, held back by the browser: if it is the text just
        saved, it is stale and the field stays cleared; if the saved text stands in front of
        new text (typed before the cleared field reached the browser), only the new part
        stays. Either way, once."""
        done = self._saved_texts.get(name, "")
        if self._loading or not done:
            return
        self._saved_texts[name] = ""
        rest = _after(typed, done)
        if rest != typed:
            self.fields[name].input.value = rest

    def _changed(self) -> None:
        if self._loading:
            return
        self._set_status(t("form.unsaved", self.language) if self.dirty else "", "dirty")

    def _show_problems(self, exc: ValidationFailed) -> None:
        general = []
        for problem in exc.problems:
            path = problem.field.removeprefix(self.prefix)
            field = self._field_for(path)
            if field is not None:
                current = field.problem
                message = problem.message(self.language)
                field.show_problem(message if not current else f"{current}; {message}")
            else:
                general.append(problem.full_message(self.language))
        summary = t("form.fix_problems", self.language, count=len(exc.problems))
        self._set_status(" ".join([summary, *general]), "error")

    def _field_for(self, path: str) -> FieldWidget | None:
        parts = path.split(".")
        for length in range(len(parts), 0, -1):
            candidate = ".".join(p for p in parts[:length])
            if candidate in self.fields:
                return self.fields[candidate]
            names = [p for p in parts[:length] if not p.isdigit()]
            if ".".join(names) in self.fields:
                return self.fields[".".join(names)]
        return None

    def _set_status(self, message: str, kind: str = "") -> None:
        self.status.value = html.escape(message)
        for name in ("kr-status-dirty", "kr-status-saved", "kr-status-error"):
            self.status.remove_class(name)
        if kind and message:
            self.status.add_class(f"kr-status-{kind}")


TEXT_KINDS = ("text", "textarea", "lines")


def _as_text(kind: str, value: Any) -> str:
    if kind == "lines":
        return "\n".join(value or [])
    return str(value or "")


def _after(typed: str, done: str) -> str:
    """What is left of ``typed`` once the text ``done`` (just saved) is taken off its front."""
    if not done.strip():
        return typed
    if typed.strip() == done.strip():
        return ""
    if typed.startswith(done):
        return typed[len(done) :].lstrip()
    return typed


def _dig(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    target = data
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _normal(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, str):
        return value.strip()
    return value
