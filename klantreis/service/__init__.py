"""The facade: the one API that the CLI, the widgets, the notebooks and the dashboards call.

A :class:`Service` is bound to one workshop in one store. Methods take and return domain
objects. ``actor_id`` names the participant doing something; ``None`` means the facilitator's or
analyst's own tools, which may do everything. Every change is recorded in the audit trail in the
same transaction, and every change to an existing object carries the version it was based on,
so two people never silently overwrite each other.

One class, one module per subject (as nbgrader keeps one API object, and datasette one concept
per module): :mod:`.core` (opening, reading the whole, how every change is written),
:mod:`.rights` (who may write what, also asked by the pages), :mod:`.audit`, :mod:`.workshop`
(the workshop, the room's controls, people, segments, personas, goals), :mod:`.entries` (cards,
measures and proposals: one life cycle), :mod:`.votes`, :mod:`.journeys` and
:mod:`.analytics`.
"""

from __future__ import annotations

from klantreis.domain import KlantreisError
from klantreis.service.analytics import AnalyticsPart
from klantreis.service.entries import EntriesPart
from klantreis.service.journeys import JourneysPart
from klantreis.service.rights import STEP_FOR
from klantreis.service.votes import VotesPart
from klantreis.service.workshop import UNCHANGED, WorkshopPart


class Service(WorkshopPart, EntriesPart, VotesPart, JourneysPart, AnalyticsPart):
    """Everything one can do with one workshop."""


__all__ = ["STEP_FOR", "UNCHANGED", "KlantreisError", "Service"]
