"""Altair chart builders: each takes a workshop snapshot and returns a chart.

Build a chart with a builder (``card_board(snapshot)``); show it live with
:mod:`klantreis.charts.live` (JupyterLab, Voila) or in static HTML with
:mod:`klantreis.charts.static`. ``GALLERY`` lists every builder by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from klantreis.charts.board import alternatives, card_board, coverage_check
from klantreis.charts.journey import journey_map, touchpoint_coverage
from klantreis.charts.measures import goals_phases, impact_effort
from klantreis.charts.persona import persona_card
from klantreis.charts.segments import segment_relevance
from klantreis.domain import WorkshopSnapshot

GALLERY: dict[str, Callable[[WorkshopSnapshot], Any]] = {
    "segment_relevance": segment_relevance,
    "persona_card": persona_card,
    "card_board": card_board,
    "alternatives": alternatives,
    "goals_phases": goals_phases,
    "impact_effort": impact_effort,
    "journey_map": journey_map,
    "touchpoint_coverage": touchpoint_coverage,
    "coverage_check": coverage_check,
}
"""Every chart of the kit by name, in the order of the method."""


__all__ = [
    "GALLERY",
    "alternatives",
    "card_board",
    "coverage_check",
    "goals_phases",
    "impact_effort",
    "journey_map",
    "persona_card",
    "segment_relevance",
    "touchpoint_coverage",
]
