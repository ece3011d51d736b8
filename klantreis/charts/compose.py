"""Several gallery charts as one Vega-Lite spec, rebuilding only the charts whose data changed.

Live pages (the dashboard, the participant app) redraw after every change in the room. Making an
Altair chart costs tens of milliseconds per layer, so a :class:`Composer` keeps each chart's spec
with the part of the workshop it was made from (:data:`INPUTS`) and makes it again only when
that part changed. The specs are then stacked as plain dicts, so stacking costs nothing either.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from klantreis.domain import WorkshopSnapshot

ChartBuilder = Callable[[WorkshopSnapshot], Any]

INPUTS: dict[str, tuple[str, ...]] = {
    "segment_relevance": ("segments", "cards", "votes", "measures"),
    "persona_card": ("segments", "personas"),
    "card_board": ("segments", "cards", "votes", "measures"),
    "alternatives": ("segments", "cards", "votes"),
    "goals_phases": ("measures",),
    "impact_effort": ("segments", "measures", "touchpoints"),
    "journey_map": ("journeys", "steps", "touchpoints"),
    "touchpoint_coverage": ("journeys", "steps", "touchpoints", "measures"),
    "coverage_check": ("segments", "cards", "votes", "measures"),
}
"""The parts of a snapshot each gallery chart reads, besides the workshop itself."""

ROOM_STATE = frozenset(
    {
        "open_step",
        "timer_ends_at",
        "results_hidden",
        "input_locked",
        "allow_anonymous",
        "dots_per_participant",
        "version",
    }
)
"""Workshop fields that steer the room and are drawn by no chart."""

SPACING = 36
"""Space between stacked charts, in pixels."""


def chart_key(snapshot: WorkshopSnapshot, name: str) -> str:
    """A fingerprint of what chart ``name`` is drawn from: equal keys make equal charts."""
    return snapshot_key(snapshot, INPUTS[name])


def snapshot_key(snapshot: WorkshopSnapshot, fields: Sequence[str]) -> str:
    """A fingerprint of the workshop (without its room state) and the named snapshot fields."""
    parts: dict[str, Any] = {"workshop": snapshot.workshop.model_dump(exclude=set(ROOM_STATE))}
    for field in fields:
        parts[field] = [item.model_dump() for item in getattr(snapshot, field)]
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class Composer:
    """Makes one stacked spec of several charts, reusing charts whose data is unchanged.

    ``charts`` are gallery builders (all of them by default). A builder that is not in the
    gallery (a panel's own, drawing what a participant chose) is made again every time.
    ``composer(snapshot)`` returns the spec; :attr:`built` counts the charts made so far.
    """

    def __init__(self, charts: Sequence[ChartBuilder] | None = None) -> None:
        from klantreis.charts import GALLERY

        names = {builder: name for name, builder in GALLERY.items()}
        self.charts = tuple(charts or GALLERY.values())
        self._names = [names.get(builder) for builder in self.charts]
        self._specs: dict[str, tuple[str, dict[str, Any]]] = {}
        self.built = 0

    def _spec(self, snapshot: WorkshopSnapshot, index: int) -> dict[str, Any]:
        name = self._names[index]
        key = chart_key(snapshot, name) if name else None
        cached = self._specs.get(name) if name else None
        if cached is not None and cached[0] == key:
            return cached[1]
        spec: dict[str, Any] = self.charts[index](snapshot).to_dict(validate=False)
        if name and key:
            self._specs[name] = (key, spec)
        self.built += 1
        return spec

    def __call__(self, snapshot: WorkshopSnapshot) -> dict[str, Any]:
        """The charts stacked into one spec, with the theme applied once."""
        return stack_specs([self._spec(snapshot, i) for i in range(len(self.charts))])


_SCALED = ("x", "y", "xOffset", "yOffset", "theta", "radius")
_LEGENDED = ("color", "fill", "stroke", "opacity", "shape", "size", "strokeDash", "strokeWidth")
INDEPENDENT: dict[str, Any] = {
    "scale": {channel: "independent" for channel in _SCALED + _LEGENDED},
    "legend": {channel: "independent" for channel in _LEGENDED},
    "axis": {"x": "independent", "y": "independent"},
}
"""Stacked charts stay what they were alone: Vega-Lite shares the colour scale and legend of
concatenated views by default, which would merge unrelated charts' categories into one legend."""


def stack_specs(specs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Top-level Vega-Lite specs one below the other, as one spec.

    Datasets are named by their content, so merging them cannot mix two charts' data. All specs
    carry the same theme (``config``); the first one's is kept.
    A single spec is returned as it is.
    """
    if len(specs) == 1:
        return specs[0]
    datasets: dict[str, Any] = {}
    parts = []
    schema = config = None
    for spec in specs:
        part = dict(spec)
        schema = part.pop("$schema", schema)
        config = part.pop("config", config)
        datasets.update(part.pop("datasets", {}))
        parts.append(part)
    result: dict[str, Any] = {"vconcat": parts, "spacing": SPACING, "resolve": INDEPENDENT}
    if config is not None:
        result["config"] = config
    if datasets:
        result["datasets"] = datasets
    if schema is not None:
        result["$schema"] = schema
    return result


__all__ = [
    "INPUTS",
    "ROOM_STATE",
    "ChartBuilder",
    "Composer",
    "chart_key",
    "snapshot_key",
    "stack_specs",
]
