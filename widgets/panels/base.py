"""What every step panel has: the service, the person using it, live charts, and a refresh."""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Hashable
from typing import Any

import ipywidgets as w
from klantreis.widgets.chart_slot import ChartSlot
from klantreis.widgets.lifecycle import close_tree
from klantreis.widgets.lists import Action, EntryList
from klantreis.widgets.looks import Looks, show
from klantreis.widgets.style import stylesheet

from klantreis.charts.compose import ChartBuilder, Composer
from klantreis.domain import (
    Card,
    KlantreisError,
    Measure,
    Segment,
    WorkshopSnapshot,
    written_by,
)
from klantreis.i18n import Language, t
from klantreis.service import Service, rights

MakeForm = Callable[[Callable[[Any], Any], Callable[[], None]], Any]
"""``make(on_save, on_cancel)``: a form wired to the editor that shows it."""


class Editor:
    """The place where one entry of a list opens in a form: opening another closes the first,
    a save stores through ``store`` and closes the form, Cancel closes it. A closed form is
    closed with its widgets (a server that lives for a whole workshop frees them)."""

    def __init__(self, looks: Looks) -> None:
        self.widget = looks.make(w.VBox)
        self.form: Any = None
        """The open form, or None."""

    def open(self, make: MakeForm, store: Callable[[Any], Any]) -> Any:
        """Show the form ``make(on_save, on_cancel)`` in place of any open one; its save
        returns what ``store`` stored."""

        def save(value: Any) -> Any:
            stored = store(value)
            self.close()
            return stored

        self.close()
        self.form = make(save, self.close)
        self.widget.children = (self.form.widget,)
        return self.form

    def close(self) -> None:
        """Close the open form, if any."""
        for child in self.widget.children:
            close_tree(child)
        self.widget.children = ()
        self.form = None


PARTICIPANT_LIST_LIMIT = 30
"""Entries of others a participant's list shows (their own always show): the most voted cards,
the newest measures. The console and the dashboard show all of them."""


class Panel:
    """A step of the method as forms, lists and live charts for one person.

    Subclasses build their parts in :meth:`build` and list their charts in :attr:`chart_builders`;
    :meth:`refresh` re-reads the workshop and redraws whatever changed.
    """

    chart_builders: tuple[ChartBuilder, ...] = ()

    def __init__(
        self,
        service: Service,
        actor_id: str | None = None,
        combine_charts: bool = False,
        chart_interval: float = 0.0,
        styled: bool = False,
        phone: bool = False,
        language: Language | None = None,
        looks: Looks | None = None,
    ) -> None:
        self.service = service
        self.actor_id = actor_id
        self.snapshot = service.snapshot()
        self.language: Language = language or self.snapshot.workshop.language
        """The language of this person's page: the workshop's, or the one a participant chose
        when joining (the group's charts stay in the workshop's language)."""
        self._role_read_from: WorkshopSnapshot | None = None
        self._facilitator = False
        self._own_looks = looks is None
        self.looks = Looks(keep=True) if looks is None else looks
        """Layouts and styles shared by the panel's widgets and the forms it opens: the page's
        when it gives them (``looks``), else the panel's own, closed with the panel."""
        self.message = self.looks.html("", "kr-status")
        self.slots: list[ChartSlot] = []
        self.chart_interval = chart_interval
        self._charts_drawn = time.monotonic()
        self._charts_pending = False
        self.adders: list[w.VBox] = []
        self.requirement = self.looks.html("", "kr-card", "kr-meta", shown=False)
        """What this step needs first (a segment, a journey) and how to get it; hidden when
        there is nothing missing (see :meth:`require`)."""
        self._chart_layout = (combine_charts, phone)
        """Part of the key of shared charts: a phone's combined chart is not the console's."""
        parts = self.build()
        if combine_charts:
            charts = [self._slot(Composer(self.chart_builders, phone=phone))]
        else:
            charts = [self._slot(Composer([build], phone=phone)) for build in self.chart_builders]
        self.hidden_note = self.looks.html(
            html.escape(t("room.results_hidden_charts", self.language)),
            "kr-meta",
            shown=self.hides_results,  # made as it is first shown
        )
        self.charts = self.looks.make(w.VBox, children=[self.hidden_note, *charts])
        self._show_or_hide_charts()
        # A page that has the kit's stylesheet already (the room's) does not need another.
        style = [] if styled else [stylesheet()]
        self.widget = self.looks.make(
            w.VBox,
            classes=["klantreis"],
            children=[*style, self.requirement, *parts, self.message, self.charts],
        )

    # -- for subclasses --------------------------------------------------------------------

    def build(self) -> list[w.Widget]:
        """The forms and lists of this step, top to bottom."""
        return []

    def update(self) -> None:
        """Bring lists and forms up to date with :attr:`snapshot` (charts update themselves)."""

    # -- shared ----------------------------------------------------------------------------

    @property
    def list_limit(self) -> int | None:
        """How many entries of others a participant's lists show (all for the facilitator)."""
        return None if self.is_facilitator else PARTICIPANT_LIST_LIMIT

    @property
    def is_facilitator(self) -> bool:
        """True for the facilitator's own tools and for participants with the facilitator role."""
        if self.actor_id is None:
            return True
        snapshot = self.snapshot
        if self._role_read_from is not snapshot:  # asked once per row: read once per snapshot
            self._facilitator = rights.is_facilitator(snapshot, self.actor_id)
            self._role_read_from = snapshot
        return self._facilitator

    def may_change(self, entry: object) -> bool:
        """Whether this person may edit or withdraw an entry (:func:`rights.may_change`: the
        facilitator any, a participant their own; the rule the service enforces)."""
        return rights.may_change(self.is_facilitator, self.actor_id, entry)

    @property
    def hides_results(self) -> bool:
        """Whether the group's results are hidden from this person: the charts, the entries
        of others and the counts of what others did are then not sent to the page at all."""
        return self.snapshot.workshop.results_hidden and not self.is_facilitator

    def _show_or_hide_charts(self) -> None:
        hidden = self.hides_results
        for child in self.charts.children:
            show(child, hidden if child is self.hidden_note else not hidden)
        for slot in self.slots:  # hidden means not sent: the page holds none of the data
            slot.withhold(hidden, self.snapshot)

    def refresh(self) -> None:
        """Re-read the workshop and redraw what changed."""
        self.snapshot = self.service.snapshot()
        self.update()
        for box in self.adders:
            box.form.refresh_options()  # new touchpoints, cards or phases become choices
        self._show_or_hide_charts()
        self._charts_pending = True
        self.draw_charts()

    def draw_charts(self, force: bool = False) -> None:
        """Redraw the charts if something changed, at most once per ``chart_interval`` seconds
        (a room of participants' kernels then leaves the processor to the dashboard)."""
        if not self._charts_pending:
            return
        if self.hides_results:
            return  # hidden charts are redrawn when they are shown again
        if not force and time.monotonic() - self._charts_drawn < self.chart_interval:
            return
        for slot in self.slots:
            slot.update(self.snapshot)
        self._charts_drawn = time.monotonic()
        self._charts_pending = False

    def attempt(self, action: Callable[[], Any]) -> bool:
        """Run a service call; show its error in the user's language. True when it worked."""
        try:
            action()
        except KlantreisError as exc:
            self.say(exc.message(self.language), error=True)
            return False
        self.say("")
        self.refresh()
        return True

    def entry_actions(self, entry: Card | Measure, edit: Callable[[], None]) -> list[Action]:
        """The buttons of a card or measure in a list: edit (who may change it), withdraw (its
        author) or remove (the facilitator), each as the service allows it."""
        actions: list[Action] = []
        if self.may_change(entry):
            actions.append(Action("form.edit", edit))
        kind = type(entry)
        if written_by(entry, self.actor_id):
            withdraw = self.action(self.service.withdraw_entry, kind, entry.id, self.actor_id)
            actions.append(Action("form.withdraw", withdraw, "warning"))
        elif self.is_facilitator:
            remove = self.action(self.service.remove_entry, kind, entry.id, self.actor_id)
            actions.append(Action("form.remove", remove, "danger"))
        return actions

    def action(self, call: Callable[..., Any], *args: Any) -> Callable[[], None]:
        """A button callback that runs ``call(*args)`` through :meth:`attempt`."""

        def run() -> None:
            self.attempt(lambda: call(*args))

        return run

    def saved(self, store: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """Wrap a service call as a form's ``on_save``: store, then refresh the panel."""

        def on_save(value: Any) -> Any:
            stored = store(value)
            self.refresh()
            return stored

        return on_save

    def require(self, present: bool, missing: str) -> None:
        """Offer the forms that add entries only when what they add to exists; else say what
        is missing and what to do (the catalogue text ``missing``). Nothing is offered that
        cannot be saved, and the forms appear by themselves once it exists."""
        text = "" if present else html.escape(t(missing, self.language))
        if self.requirement.value != text:
            self.requirement.value = text
        show(self.requirement, not present)
        for box in self.adders:
            show(box, present)

    @staticmethod
    def aim_adder(box: w.VBox | None, **fields: Any) -> None:
        """Point an add form's blank entry at what the page has chosen now (a segment, a
        journey; None while nothing is chosen), unless the person has typed into it."""
        form = getattr(box, "form", None)
        if form is not None and not form.dirty:
            form.value = form.value.model_copy(update=fields)

    def adder(
        self,
        blank: Callable[[], Any],
        make_form: Callable[[Any, Callable[[Any], Any]], Any],
        store: Callable[[Any], Any],
        place: Callable[[Any], Any] | None = None,
    ) -> w.VBox:
        """A form for new entries: after each save the same form is ready for the next one.

        ``place`` puts the new entry where the page is at the moment of saving (the segment or
        journey chosen now), so a form opened before its segment or journey existed saves
        into it once it does.

        ``blank`` builds an unvalidated empty value (``Model.model_construct``): its required
        texts are empty until the person fills them in, and saving validates them. The form's
        widgets stay on the page (see :meth:`Form.start_over`), so a hurried participant who
        types the next entry straight after pressing the button loses nothing.
        """
        form = make_form(blank(), self.saved(store))
        form.keep_adding = blank
        form.place = place
        form.save_button.clears = True  # the browser empties the texts as it sends them
        box = self.looks.make(w.VBox, children=[form.widget])
        box.form = form
        self.adders.append(box)
        return box

    @property
    def has_unsaved_text(self) -> bool:
        """True when someone typed into a form of this panel and has not saved it yet."""
        forms = [box.form for box in self.adders if hasattr(box, "form")]
        return any(form.has_typed_text for form in forms)

    def close(self) -> None:
        """Close every widget of the panel (it left the page)."""
        close_tree(self.widget)
        if self._own_looks:
            self.looks.close()
        self.slots = []
        self.adders = []

    def say(self, text: str, error: bool = False) -> None:
        """Show a short message above the charts."""
        self.message.value = html.escape(text)
        if error:
            self.message.add_class("kr-status-error")
        else:
            self.message.remove_class("kr-status-error")

    def segment_chooser(self) -> w.Dropdown:
        """A choice of the workshop's segments with the focus segment chosen, made so (not
        filled after: every change is a message to the page)."""
        default = self.focus_or_first_segment()
        chosen: dict[str, Any] = {} if default is None else {"value": default.id}
        return self.looks.make(
            w.Dropdown,
            name=t("field.segment_id", self.language),
            options=self._segment_options(),
            **chosen,
        )

    def _segment_options(self) -> list[tuple[str, str]]:
        return [(segment.name, segment.id) for segment in self.snapshot.segments]

    def fill_segment_chooser(self, chooser: w.Dropdown) -> None:
        """Offer the workshop's segments; keep the chosen one, else choose the focus segment."""
        options = self._segment_options()
        current = chooser.value
        chooser.options = options
        default = self.focus_or_first_segment()
        if current in [value for _, value in options]:
            chooser.value = current
        elif default is not None:
            chooser.value = default.id

    def focus_or_first_segment(self) -> Segment | None:
        """The segment the step works on by default."""
        return self.snapshot.focus_segment or (
            self.snapshot.segments[0] if self.snapshot.segments else None
        )

    def entry_list(self, empty: str) -> EntryList:
        """A list of entries in the panel's looks; ``empty`` is the catalogue key it shows
        when it has no rows."""
        return EntryList(self.language, empty, layout=self.looks.layout(width="100%"))

    def heading(self, key: str) -> w.HTML:
        """A section heading."""
        return self.looks.html(html.escape(t(key, self.language)), "kr-section")

    def chart_share_key(self) -> Hashable | None:
        """What makes this panel's charts differ from another person's in the same step (the
        chosen segment, say); pages with the same key share one spec per revision. None: the
        charts depend on more than the workshop's revision and are never shared."""
        return ()

    def _slot(self, build: ChartBuilder) -> w.Widget:
        index = len(self.slots)

        def share() -> Hashable:
            return (type(self).__name__, self._chart_layout, index, self.chart_share_key())

        shared = self.chart_share_key() is not None
        slot = ChartSlot(
            build,
            self.snapshot,
            share=share if shared else None,
            language=self.language,
            layout=self.looks.layout(width="100%"),
            withheld=self.hides_results,
        )
        self.slots.append(slot)
        return slot.widget

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
