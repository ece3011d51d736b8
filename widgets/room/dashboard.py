"""The live dashboard: the workshop's charts, redrawn as soon as anything changes.

Read-only: there is no form and no write path. All charts share one chart widget, so the
browser receives the drawing code once.

It is shown two ways. In the room (``klantreis serve``) it is the projector's page, one more
app of the room process: the room hands it every announced change
(:meth:`LiveDashboard.on_changes`), as it does to the phones, and it asks the database nothing
while nothing changes. Served alone
by Voila (``klantreis dashboard``, for readers after the workshop) it follows the workshop
itself, with a :class:`~klantreis.widgets.room.poll.Poller` on the kernel's event loop.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
from klantreis.widgets.chart_slot import ChartSlot
from klantreis.widgets.lifecycle import close_tree
from klantreis.widgets.panels import STEP_PANELS
from klantreis.widgets.room.data_section import DataSection
from klantreis.widgets.room.poll import Poller
from klantreis.widgets.room.status import status_html
from klantreis.widgets.style import full, stylesheet

from klantreis.analytics.storage import DataFolder
from klantreis.charts.compose import Composer
from klantreis.domain import MethodStep, Workshop, WorkshopSnapshot
from klantreis.i18n import t
from klantreis.outcomes import decisions_html, lead_html, overview_html
from klantreis.service import Service
from klantreis.store.changes import Change


class LiveDashboard:
    """Overview, status, what the group decided (challenge, end goal, scope, the four goals)
    and every chart of the workshop, following it live."""

    def __init__(
        self,
        service: Service,
        data: DataFolder | None = None,
        poll_interval: float = 0.25,
        follow: bool = True,
    ) -> None:
        self.service = service
        snapshot = service.snapshot()
        self._snapshot = snapshot
        self.overview = w.HTML(_focusable_overview(snapshot))
        self.status = w.HTML(status_html(snapshot.workshop))
        self.decisions = w.HTML(decisions_html(snapshot))
        self.lead = w.HTML(_lead(snapshot))
        self.lead_step = snapshot.workshop.open_step
        self.lead_slots = _lead_slots(self.lead_step, snapshot)
        self.lead_charts = w.HBox(layout=full())
        self.lead_charts.add_class("kr-lead-charts")
        self.lead_charts.children = [slot.widget for slot in self.lead_slots]
        self.lead.add_class("kr-lead-text")
        self.lead_box = w.VBox([self.lead, self.lead_charts], layout=full())
        self._lay_out_lead()
        self.slot = ChartSlot(Composer(), snapshot, withheld=snapshot.workshop.results_hidden)
        self.data = DataSection(data, snapshot) if data is not None else None
        parts = [
            stylesheet(),
            self.overview,
            self.status,
            self.lead_box,
            self.decisions,
            self.slot.widget,
        ]
        if self.data is not None:
            parts.append(self.data.widget)
        self.widget = w.VBox(parts, layout=full())
        self.widget.add_class("klantreis")
        self.widget.add_class("kr-app")
        self.widget.add_class("kr-wide")
        self._last_status = self.status.value
        self._charts_due = False
        self.poller: Poller | None = None
        """Following the workshop on its own (in a Voila kernel); None where the room hands it
        the changes (``follow=False``)."""
        if follow:
            self.poller = Poller(
                service, self.refresh, poll_interval, tick=self.check_data, since=snapshot.revision
            )
            self.poller.start()

    def refresh(self) -> None:
        """Re-read the workshop and redraw: its words and its charts."""
        self._draw_charts(self._refresh_words())

    def _refresh_words(self) -> WorkshopSnapshot:
        snapshot = self.service.snapshot()
        self.overview.value = _focusable_overview(snapshot)
        self.decisions.value = decisions_html(snapshot)
        self._show_status(snapshot.workshop)
        self.lead.value = _lead(snapshot)
        self._snapshot = snapshot
        return snapshot

    def _draw_charts(self, snapshot: WorkshopSnapshot) -> None:
        self._charts_due = False
        if snapshot.workshop.open_step != self.lead_step:
            old = self.lead_slots
            self.lead_step = snapshot.workshop.open_step
            self.lead_slots = _lead_slots(self.lead_step, snapshot)
            self.lead_charts.children = [slot.widget for slot in self.lead_slots]
            self._lay_out_lead()
            for slot in old:
                slot.widget.close()
        else:
            for slot in self.lead_slots:
                slot.show(snapshot)
        self.slot.show(snapshot)
        if self.data is not None:
            self.data.update(snapshot)

    def _lay_out_lead(self) -> None:
        """The persona's words beside its card, so both fit the projector's screen; the other
        steps' words above their charts."""
        if self.lead_step is MethodStep.PERSONA:
            self.lead_box.add_class("kr-lead-side")
        else:
            self.lead_box.remove_class("kr-lead-side")

    def check_data(self) -> None:
        """Redraw the data section when its files changed (an import, new rules)."""
        if self.data is not None and self.data.changed(self._snapshot):
            self.data.update(self._snapshot)

    # -- as a page of the room ---------------------------------------------------------------

    def on_changes(self, _changes: list[Change]) -> None:
        """The room announced changes (also of the data step: imports, rules and counts are
        announced like any other save): the words at once, the charts at the room's next
        tick, within a second. Redrawing every chart of the workshop takes the room a tenth
        of a second or more; done here, it kept the phones waiting for the next change."""
        self._refresh_words()
        self._charts_due = True

    def tick(self) -> None:
        """Once a second, from the room: keep the countdown current and draw the charts that
        are due (no query: the room's shared snapshot)."""
        snapshot = self.service.snapshot()
        self._show_status(snapshot.workshop)
        if self._charts_due:
            self._draw_charts(snapshot)

    def close(self) -> None:
        """Stop following and close every widget (the projector's page ended)."""
        if self.poller is not None:
            self.poller.stop()
        close_tree(self.widget)

    def _show_status(self, workshop: Workshop) -> None:
        value = status_html(workshop)
        if value != self._last_status:
            self._last_status = self.status.value = value

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _focusable_overview(snapshot: WorkshopSnapshot) -> str:
    """The workshop's title and counts as a region a keyboard can reach: the projector's page
    has no input, and a page that scrolls needs something to focus to be scrolled by keyboard
    (axe's scrollable-region-focusable)."""
    title = html.escape(snapshot.workshop.title, quote=True)
    if snapshot.workshop.results_hidden:  # not even how many entries there are
        shown = f"<h2>{html.escape(snapshot.workshop.title)}</h2>"
    else:
        shown = overview_html(snapshot)
    return f'<section tabindex="0" aria-label="{title}">{shown}</section>'


def _lead(snapshot: WorkshopSnapshot) -> str:
    """What the projector leads with (:func:`lead_html`); while the facilitator hides the
    group's results, only the open step's name and that the results follow (the page is on the
    room's address: anyone in the hall may open it)."""
    if not snapshot.workshop.results_hidden or snapshot.workshop.open_step is None:
        return lead_html(snapshot)
    lang = snapshot.workshop.language
    step = t(f"method_step.{snapshot.workshop.open_step.value}", lang)
    now = html.escape(t("lead.now", lang, step=step))
    later = html.escape(t("room.results_hidden_charts", lang))
    return f'<h2>{now}</h2><p class="kr-meta">{later}</p>'


def _lead_slots(step: MethodStep | None, snapshot: WorkshopSnapshot) -> list[ChartSlot]:
    """The open step's own charts, one each, side by side at the top of the projector (a
    1920 px screen shows a step's charts without scrolling); none for steps without."""
    builders = STEP_PANELS[step].chart_builders if step in STEP_PANELS else ()
    hidden = snapshot.workshop.results_hidden
    slots = [ChartSlot(Composer([build]), snapshot, withheld=hidden) for build in builders]
    for slot in slots:
        slot.widget.add_class("kr-lead-chart")  # larger: read from the back of the room
    return slots


def live_dashboard(service: Service | None = None) -> LiveDashboard:
    """The live dashboard for the workshop being served."""
    from klantreis.folder import connect

    service = service or connect()
    return LiveDashboard(service, service.data_folder)


__all__ = ["LiveDashboard", "live_dashboard"]
