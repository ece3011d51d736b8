"""The facilitator console: open and close steps, run the countdown, hide or reveal the group's
results, lock input, fill in the open step's forms with the group (the same panels the guided
notebooks show), remove inappropriate cards, and see who joined and how much each wrote.

It opens only with the facilitator token, which participants never see; the server that
serves it listens on this machine only.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import ipywidgets as w
from klantreis.widgets.lifecycle import close_tree
from klantreis.widgets.lists import EntryList
from klantreis.widgets.panels import STEP_PANELS, Panel
from klantreis.widgets.room.contributions import contribution_rows
from klantreis.widgets.room.keys import token_matches
from klantreis.widgets.room.status import status_html
from klantreis.widgets.style import full

from klantreis.domain import KlantreisError, MethodStep
from klantreis.i18n import t
from klantreis.service import Service
from klantreis.store.changes import Change

CLOSED = "closed"


def qr_svg(text: str) -> str:
    """A QR code of ``text`` as inline SVG (made here, no service asked)."""
    import segno

    return str(segno.make(text, error="m").svg_inline(scale=6, dark="#1f2933", light="#ffffff"))


class FacilitatorConsole:
    """The console page: a token form, then the controls."""

    def __init__(
        self,
        service: Service,
        token: str,
        join_url: str = "",
        join_code: str = "",
        dashboard_url: str = "",
        on_unlocked: Callable[[], object] | None = None,
    ) -> None:
        self.service = service
        self.on_unlocked = on_unlocked
        """Called when the right token opened the console (the room remembers the session)."""
        self.panel: Panel | None = None
        self.panel_step: MethodStep | None = None
        self.token = token
        self.join_url = join_url
        self.join_code = join_code
        self.dashboard_url = dashboard_url
        self.language = service.language
        self.unlocked = False
        self.body = w.VBox(layout=full())
        self.widget = w.VBox([self.body], layout=full())  # styled by the room's page
        self.widget.add_class("klantreis")
        self.widget.add_class("kr-app")
        self._last_status = ""
        self.show_token_form()

    def show_token_form(self) -> None:
        """Ask for the facilitator token."""
        lang = self.language
        self.token_input = w.Password(placeholder=t("console.token", lang), layout=full())
        self.open_button = w.Button(description=t("console.open", lang), button_style="primary")
        self.token_message = w.HTML()
        self.token_message.add_class("kr-problem")
        self.open_button.on_click(lambda _b: self.unlock(self.token_input.value))
        heading = w.HTML(f"<h1>{html.escape(t('console.title', lang))}</h1>")
        self.body.children = (heading, self.token_input, self.token_message, self.open_button)

    def unlock(self, typed: str) -> bool:
        """Open the console when the token is right."""
        if not token_matches(typed, self.token):
            self.token_message.value = html.escape(t("console.wrong_token", self.language))
            return False
        self.unlocked = True
        if self.on_unlocked is not None:
            self.on_unlocked()  # remembered before the console shows: a crash just after keeps it
        self.build()
        return True

    # -- the console -----------------------------------------------------------------------

    def build(self) -> None:
        """Lay out the controls."""
        lang = self.language
        workshop = self.service.workshop()
        self.projector = w.HTML(self._projector_html())
        self.status = w.HTML()
        steps = [(t("console.closed", lang), CLOSED)] + [
            (t(f"method_step.{s.value}", lang), s.value) for s in MethodStep
        ]
        self.steps = w.ToggleButtons(
            options=steps,
            value=workshop.open_step.value if workshop.open_step else CLOSED,
            layout=full(),
        )
        self.steps.add_class("kr-tabs")
        self.steps.style.button_width = "auto"
        self.steps.observe(lambda change: self.open_method_step(change["new"]), names="value")
        self.minutes = w.BoundedIntText(
            value=8,
            min=1,
            max=180,
            description=t("console.minutes", lang),
            layout=w.Layout(width="16em"),
        )
        self.start_timer = w.Button(
            description=t("console.start_timer", lang), button_style="primary"
        )
        self.stop_timer = w.Button(description=t("console.stop_timer", lang))
        self.start_timer.on_click(lambda _b: self.run_timer(self.minutes.value))
        self.stop_timer.on_click(lambda _b: self.run_timer(None))
        self.hidden = w.Checkbox(
            value=workshop.results_hidden, description=t("console.hide_results", lang), indent=False
        )
        self.locked = w.Checkbox(
            value=workshop.input_locked, description=t("console.lock_input", lang), indent=False
        )
        self.hidden.observe(lambda c: self._set_controls(results_hidden=c["new"]), names="value")
        self.locked.observe(lambda c: self._set_controls(input_locked=c["new"]), names="value")
        self.closed = w.Checkbox(
            value=workshop.joins_closed, description=t("console.close_joins", lang), indent=False
        )
        self.closed.observe(lambda c: self._set_controls(joins_closed=c["new"]), names="value")
        self.maximum = w.BoundedIntText(
            value=workshop.max_participants,
            min=1,
            max=10_000,
            description=t("console.max_participants", lang),
            layout=w.Layout(width="16em"),
        )
        self.maximum.observe(lambda c: self._set_controls(max_participants=c["new"]), names="value")
        admission = w.VBox([self.closed, self.maximum], layout=full())
        self.message = w.HTML()
        self.message.add_class("kr-status")
        self.people = w.HTML()
        self.step_heading = _heading("")
        self.step_box = w.VBox(layout=full())
        self.entries = EntryList(lang, "console.nothing_yet")
        controls = w.HBox([self.minutes, self.start_timer, self.stop_timer], layout=full())
        controls.add_class("kr-buttons")
        self.body.children = (
            w.HTML(f"<h1>{html.escape(workshop.title)}</h1>"),
            self.projector,
            self.status,
            _heading(t("console.steps", lang)),
            self.steps,
            _heading(t("console.timer", lang)),
            controls,
            self.hidden,
            self.locked,
            admission,
            self.message,
            self.step_heading,
            self.step_box,
            _heading(t("console.people", lang)),
            self.people,
            _heading(t("console.entries", lang)),
            self.entries.widget,
        )
        self.refresh()

    def _projector_html(self) -> str:
        lang = self.language
        parts = ['<div class="kr-projector">']
        if self.join_url:
            label = html.escape(t("console.qr", lang))
            code = qr_svg(self.join_url)
            parts.append(f'<div class="kr-qr" role="img" aria-label="{label}">{code}</div>')
        parts.append("<div>")
        parts.append(f'<p class="kr-meta">{html.escape(t("console.join_at", lang))}</p>')
        if self.join_url:
            parts.append(f'<p class="kr-join-url">{html.escape(self.join_url)}</p>')
        parts.append(f'<p class="kr-meta">{html.escape(t("room.code", lang))}</p>')
        parts.append(f'<p class="kr-join-code">{html.escape(self.join_code)}</p>')
        if self.dashboard_url:
            dashboard = html.escape(t("console.dashboard_at", lang, url=self.dashboard_url))
            parts.append(f'<p class="kr-meta">{dashboard}</p>')
        parts.append("</div></div>")
        return "".join(parts)

    # -- actions ---------------------------------------------------------------------------

    def open_method_step(self, value: str) -> None:
        """Open a step (or close all)."""
        step = None if value == CLOSED else MethodStep(value)
        self._attempt(lambda: self.service.open_method_step(step))

    def run_timer(self, minutes: int | None) -> None:
        """Start a countdown of ``minutes`` (None stops it)."""
        ends = None if minutes is None else datetime.now(UTC) + timedelta(minutes=minutes)
        self._attempt(lambda: self.service.set_controls(timer_ends_at=ends))

    def _set_controls(self, **changes: Any) -> None:
        self._attempt(lambda: self.service.set_controls(**changes))

    def _attempt(self, action: Any) -> None:
        try:
            action()
        except KlantreisError as exc:
            self.message.value = html.escape(exc.message(self.language))
            return
        self.message.value = ""
        self.refresh()

    # -- following the room ----------------------------------------------------------------

    def refresh(self) -> None:
        """Redraw people and entries from the store."""
        if not self.unlocked:
            return
        snap = self.service.snapshot()
        lang = self.language
        self._update_status(snap.workshop)
        self._show_step(snap.workshop.open_step)
        counts = snap.contributions()
        dots: dict[str, int] = {}
        for vote in snap.votes:
            dots[vote.participant_id] = dots.get(vote.participant_id, 0) + 1
        rows = "".join(
            f"<tr><td>{html.escape(p.name)}</td>"
            f"<td>{counts.get(p.id, 0)}</td><td>{dots.get(p.id, 0)}</td></tr>"
            for p in snap.participants
        )
        head = "".join(
            f"<th>{html.escape(t(k, lang))}</th>"
            for k in ("field.name", "console.contributions", "field.votes")
        )
        total = t("console.joined", lang, count=len(snap.participants))
        table = f'<table class="kr-table"><tr>{head}</tr>{rows}</table>'
        self.people.value = f'<p class="kr-meta">{html.escape(total)}</p>{table}'
        entries = contribution_rows(snap, self.service, self._attempt)
        self.entries.show(entries)

    def _show_step(self, step: MethodStep | None) -> None:
        """Show the open step's panel (its forms and lists, as the facilitator), or say how to
        get one; a panel that stays is brought up to date instead of being rebuilt."""
        if step == self.panel_step and self.step_box.children:
            if self.panel is not None:
                self.panel.refresh()
            return
        if self.panel is not None:
            self.panel.close()
        self.panel, self.panel_step = self._panel_for(step), step
        lang = self.language
        if self.panel is None:
            self.step_heading.value = ""
            note = w.HTML(f'<p class="kr-meta">{html.escape(t("console.no_step_open", lang))}</p>')
            old, self.step_box.children = self.step_box.children, (note,)
        else:
            self.step_heading.value = html.escape(t("console.step_work", lang))
            old, self.step_box.children = self.step_box.children, (self.panel.widget,)
        for child in old:
            if self.panel is None or child is not self.panel.widget:
                close_tree(child)

    def _panel_for(self, step: MethodStep | None) -> Panel | None:
        if step is None:
            return None
        if step is MethodStep.DATA:
            if self.service.data_folder is None:
                return None
            from klantreis.widgets.panels.data import DataPanel

            return DataPanel(self.service, styled=True)
        return STEP_PANELS[step](self.service, styled=True)

    def on_changes(self, _changes: list[Change]) -> None:
        """The room announced changes: redraw."""
        self.refresh()

    def close(self) -> None:
        """Close the console's widgets (the session ended)."""
        if self.panel is not None:
            self.panel.close()
            self.panel = None
        entries = getattr(self, "entries", None)
        if entries is not None:
            entries.close()
        close_tree(self.widget)

    def tick(self) -> None:
        """Keep the countdown current."""
        if self.unlocked:
            self._update_status(self.service.snapshot().workshop)

    def _update_status(self, workshop: Any) -> None:
        value = status_html(workshop)
        if value != self._last_status:
            self._last_status = value
            self.status.value = value

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _heading(text: str) -> w.HTML:
    heading = w.HTML(html.escape(text))
    heading.add_class("kr-section")
    return heading
