"""The participant app: join with the code and a name, then work in the step that is open.

It shows only the step the facilitator opened, with that step's form; participants add, edit and
withdraw their own cards and measures and vote with their dots. The page follows the room by
itself: the room hands it every change (:meth:`ParticipantApp.on_changes`) and a tick once a
second, so a newly opened step, the countdown, hidden results and locked input appear without a
reload.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w
from klantreis.widgets.forms.fields import caption_html
from klantreis.widgets.lifecycle import close_tree
from klantreis.widgets.looks import Looks
from klantreis.widgets.panels import STEP_PANELS, Panel
from klantreis.widgets.room.keys import code_matches
from klantreis.widgets.room.status import status_html

from klantreis.domain import KlantreisError, MethodStep, Participant, clean_line
from klantreis.i18n import LANGUAGES, t
from klantreis.service import Service
from klantreis.store.changes import Change

CHART_INTERVAL = 10.0
"""Seconds between redraws of the group's charts on a participant's page (their own lists
follow at once)."""

PANELS: dict[MethodStep, type[Panel]] = STEP_PANELS
"""Participants work in every step of the method but the data step (the facilitator's)."""


class ParticipantApp:
    """One participant's page."""

    def __init__(
        self,
        service: Service,
        join_code: str,
        on_joined: Callable[[str], None] | None = None,
    ) -> None:
        self.service = service
        self.join_code = join_code
        self.on_joined = on_joined
        self.workshop = service.workshop()
        self.language = self.workshop.language
        self.participant: Participant | None = None
        self.panel: Panel | None = None
        self.method_step: MethodStep | None = None
        self.looks = Looks(keep=True)
        """Layouts and styles shared by everything the page shows, from the join form to the
        step's forms; closed with the page."""
        self.title = self.looks.html()
        self.status = self.looks.html()
        self.body = self.looks.make(w.VBox)
        self.widget = self.looks.make(
            w.VBox,
            classes=["klantreis", "kr-app"],  # styled by the room's page
            children=[self.title, self.status, self.body],
        )
        self.revision = 0
        self._last_status = ""
        self.show_join()

    # -- joining ---------------------------------------------------------------------------

    def show_join(self, code: str = "", name: str = "") -> None:
        """The join form: the page's language, code, name, and (when allowed) joining
        anonymously."""
        lang = self.language
        self._show_title()
        looks = self.looks  # the page's: what the join form uses stays for the step's forms
        self.language_choice = looks.make(
            w.ToggleButtons,
            options=[(t(f"language.{code}", code), code) for code in LANGUAGES],
            value=lang,
            tooltips=[t("room.language", code) for code in LANGUAGES],
        )
        self.language_choice.observe(lambda c: self.choose_language(c["new"]), names="value")
        self.code = looks.make(
            w.Text,
            name=t("room.code", lang),
            value=code,
            placeholder=t("room.code_placeholder", lang),
        )
        self.name = looks.make(
            w.Text,
            name=t("field.name", lang),
            value=name,
            placeholder=t("room.name_placeholder", lang),
        )
        self.anonymous = looks.make(w.Checkbox, description=t("room.anonymous", lang), indent=False)
        self.join_button = looks.make(
            w.Button, layout={}, description=t("room.join", lang), button_style="primary"
        )
        self.join_message = looks.html("", "kr-problem")
        self.join_button.on_click(
            lambda _b: self.join(self.code.value, self.name.value, self.anonymous.value)
        )
        parts: list[w.Widget] = [
            looks.html(caption_html(t("room.code", lang)), "kr-caption"),
            self.code,
            looks.html(caption_html(t("field.name", lang)), "kr-caption"),
            self.name,
        ]
        if self.workshop.allow_anonymous:
            parts.append(self.anonymous)
        parts += [self.join_message, self.join_button]
        form = looks.make(w.VBox, classes=["kr-form"], children=parts)
        welcome = looks.html(f"<p>{html.escape(t('room.welcome', lang))}</p>")
        old, self.body.children = self.body.children, (self.language_choice, welcome, form)
        for child in old:
            close_tree(child)

    def _show_title(self) -> None:
        """The workshop's title, marked with the page's language: the room's page reads the
        mark for its own words (the line that says the page is reconnecting) and for the
        page's ``lang``, also while the connection is gone."""
        title, lang = html.escape(self.workshop.title), html.escape(self.language)
        self.title.value = f'<h1 class="kr-title" data-kr-lang="{lang}">{title}</h1>'

    def choose_language(self, language: str) -> None:
        """Show this person's page in another language (what was typed stays)."""
        if language not in LANGUAGES or language == self.language:
            return
        self.language = language
        self.show_join(self.code.value, self.name.value)

    def join(self, code: str, name: str, anonymous: bool = False) -> bool:
        """Check the code and join; a wrong code or a bad name is explained, not raised."""
        lang = self.language
        if not code_matches(code, self.join_code):
            self.join_message.value = html.escape(t("room.wrong_code", lang))
            return False
        if not anonymous and not str(clean_line(name)):  # spaces or invisible marks only
            self.join_message.value = html.escape(t("room.name_needed", lang))
            return False
        try:
            self.participant = self.service.join(name, anonymous=anonymous)
        except KlantreisError as exc:
            self.join_message.value = html.escape(exc.message(lang))
            return False
        if self.on_joined is not None:
            self.on_joined(self.participant.id)
        self.show_room()
        return True

    def resume(self, participant_id: str, language: str | None = None) -> bool:
        """Continue as a participant who joined before (a reload, the same browser), in the
        page language they chose then."""
        try:
            self.participant = self.service.participant(participant_id)
        except KlantreisError:
            return False
        if language in LANGUAGES:
            self.language = language
        self.show_room()
        return True

    # -- the room --------------------------------------------------------------------------

    def show_room(self) -> None:
        """Show the open step (or the waiting message) for the joined participant."""
        assert self.participant is not None
        snapshot = self.service.snapshot()
        self.revision = snapshot.revision
        self.workshop = snapshot.workshop
        self._show_title()
        self.method_step = self.workshop.open_step
        old_body = self.body.children
        if self.panel is not None:
            self.panel.close()
        self.panel = None
        lang = self.language
        joined = html.escape(t("room.joined_as", lang, name=self.participant.name))
        looks = self.looks
        greeting = looks.html(f'<p class="kr-meta">{joined}</p>')
        panel_class = PANELS.get(self.method_step) if self.method_step else None
        if panel_class is not None:
            self.panel = panel_class(
                self.service,
                self.participant.id,
                # Made for a 390 px phone (fits a laptop's page as well); one widget per chart,
                # each from the left edge (stacked into one, a chart without a y axis is pushed
                # right by another's axis labels).
                phone=True,
                chart_interval=CHART_INTERVAL,
                styled=True,
                language=self.language,
                looks=self.looks,
            )
            content: list[w.Widget] = [self.panel.widget]
        elif self.method_step is None:
            content = [looks.html(f'<p class="kr-card">{html.escape(t("room.waiting", lang))}</p>')]
        else:
            content = [looks.html(self._read_only())]
        self.body.children = (greeting, *content)
        for child in old_body:
            if child not in content:
                close_tree(child)
        self.update_status()

    def _read_only(self) -> str:
        """The data step is the facilitator's: say so."""
        note = html.escape(t("room.facilitator_step", self.language))
        return f'<p class="kr-card kr-meta">{note}</p>'

    def on_changes(self, changes: list[Change]) -> None:
        """The room announced changes: follow it, then redraw what changed.

        Changes this page already shows (its own saves, which redraw the page at once) are
        skipped."""
        if self.participant is None or not changes:
            return
        seen = self.panel.snapshot.revision if self.panel is not None else self.revision
        if max(change.revision for change in changes) <= seen:
            return
        if all(change.is_arrival for change in changes):
            return  # a hundred people arriving at once do not redraw a hundred pages each
        snapshot = self.service.snapshot()
        self.revision = snapshot.revision
        workshop = snapshot.workshop
        if workshop.open_step != self.method_step:
            if self.panel is not None and self.panel.has_unsaved_text:
                self.keep_unsaved_work(workshop)
                return
            self.show_room()
            return
        self.workshop = workshop
        if self.panel is not None:
            self.panel.refresh()
        elif self.method_step is not None:
            self.show_room()
        self.update_status()

    def keep_unsaved_work(self, workshop: Any) -> None:
        """The facilitator moved on while this person was typing: keep their form on screen
        (a save now gets the room's reason and keeps the text), with a button to move on."""
        self.workshop = workshop
        lang = self.language
        note = w.HTML(f'<p class="kr-problem">{html.escape(t("room.step_moved_on", lang))}</p>')
        self.move_on = w.Button(description=t("room.move_on", lang), button_style="primary")
        self.move_on.on_click(lambda _b: self.show_room())
        self.body.children = (note, self.move_on, *self.body.children[-1:])
        self.update_status()

    def close(self) -> None:
        """Close every widget of the page (the session ended)."""
        if self.panel is not None:
            self.panel.close()
            self.panel = None
        close_tree(self.widget)
        self.looks.close()

    def tick(self) -> None:
        """Once a round: keep the countdown current and draw charts that are due."""
        if self.participant is not None and self.workshop.timer_ends_at is not None:
            self.update_status()
        if self.panel is not None:
            self.panel.draw_charts()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def update_status(self) -> None:
        """Redraw the status bar if its text changed."""
        extra = ""
        if self.participant is not None and self.method_step is MethodStep.MAPPING:
            extra = t(
                "list.dots_left",
                self.language,
                count=self.service.snapshot().dots_left(self.participant.id),
                total=self.workshop.dots_per_participant,
            )
        value = status_html(self.workshop, extra, self.language)
        if value != self._last_status:
            self._last_status = value
            self.status.value = value
