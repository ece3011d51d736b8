"""Forms and panels for the guided notebooks and the Voila apps (installed as klantreis.widgets).

A notebook cell is one call::

    import klantreis.widgets as kw
    service = kw.connect()
    kw.mapping(service)

Each panel takes the service and, for a participant, their id; forms receive a value and an
``on_save`` callback and never write anything themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from klantreis.widgets.panels import (
    ChallengePanel,
    GoalsPanel,
    JourneyPanel,
    MappingPanel,
    Panel,
    PersonaPanel,
    ScopePanel,
    StartPanel,
    SummaryPanel,
)

from klantreis.charts import GALLERY
from klantreis.charts.compose import ChartBuilder
from klantreis.folder import connect, create_folder
from klantreis.service import Service

if TYPE_CHECKING:
    from klantreis.widgets.panels.data import DataPanel


def start(service: Service, actor_id: str | None = None) -> StartPanel:
    """The start: settings and phase model."""
    return StartPanel(service, actor_id)


def challenge(service: Service, actor_id: str | None = None) -> ChallengePanel:
    """Step 1: challenge and end goal."""
    return ChallengePanel(service, actor_id)


def scope(service: Service, actor_id: str | None = None) -> ScopePanel:
    """Step 2: scope and segments."""
    return ScopePanel(service, actor_id)


def persona(service: Service, actor_id: str | None = None) -> PersonaPanel:
    """Step 3: the persona."""
    return PersonaPanel(service, actor_id)


def mapping(service: Service, actor_id: str | None = None) -> MappingPanel:
    """Step 4: needs, barriers, associations and votes."""
    return MappingPanel(service, actor_id)


def goals(service: Service, actor_id: str | None = None) -> GoalsPanel:
    """Step 5: goals and measures."""
    return GoalsPanel(service, actor_id)


def journey(service: Service, actor_id: str | None = None) -> JourneyPanel:
    """Step 6: the ideal journey and touchpoints."""
    return JourneyPanel(service, actor_id)


def summary(service: Service, actor_id: str | None = None) -> SummaryPanel:
    """The summary of everything, with every chart."""
    return SummaryPanel(service, actor_id)


def data(service: Service) -> DataPanel:
    """Complete the journey with data: imports, counts, mapping rules, funnel and paths (of the
    workshop folder the service was opened from)."""
    from klantreis.widgets.panels.data import DataPanel

    return DataPanel(service)


class GalleryPanel(Panel):
    """Every chart of the kit, on this workshop."""

    chart_builders: tuple[ChartBuilder, ...] = tuple(GALLERY.values())


def compare(service: Service, earlier: str | Path | None = None) -> Any:
    """What changed since an earlier workshop (its folder, typed in or given here)."""
    from klantreis.widgets.panels.compare import ComparePanel

    return ComparePanel(service, earlier)


def gallery(service: Service) -> GalleryPanel:
    """Every chart of the kit on this workshop."""
    return GalleryPanel(service)


def dashboard(service: Service | None = None) -> Any:
    """The live dashboard (read-only)."""
    from klantreis.widgets.room.dashboard import live_dashboard

    return live_dashboard(service)


class StaticHTML:
    """HTML shown as a cell's output."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html


def report(service: Service | None = None) -> StaticHTML:
    """The workshop report: every step's outcome with its tables and charts."""
    from klantreis.charts.static import document_charts
    from klantreis.report.workshop_report import workshop_report_html

    service = service or connect()
    charts = document_charts()
    return StaticHTML(workshop_report_html(service.snapshot(), charts, service.data_folder))


def create(folder: str | Path, template: str = "empty", language: str = "nl") -> Service:
    """Create a workshop folder from a template (see ``klantreis templates``) and open it."""
    from klantreis.exchange.templates import load_template
    from klantreis.i18n import language_or_default

    return create_folder(Path(folder), load_template(template, language_or_default(language)))


__all__ = [
    "challenge",
    "connect",
    "create",
    "dashboard",
    "data",
    "gallery",
    "goals",
    "journey",
    "mapping",
    "persona",
    "report",
    "scope",
    "start",
    "summary",
]
