"""Several gallery charts as one Vega-Lite spec, rebuilding only the charts whose data changed.

Live pages (the dashboard, the participant app) redraw after every change in the room. Making an
Altair chart costs tens of milliseconds per layer, so a :class:`Composer` keeps each chart's spec
with the part of the workshop it was made from (:data:`INPUTS`) and makes it again only when
that part changed. The specs are then stacked as plain dicts, so stacking costs nothing either.
"""

from __future__ import annotations

import copy
import hashlib
import json
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from klantreis.charts.theme import PHASE_AXIS
from klantreis.domain import WorkshopSnapshot

ChartBuilder = Callable[[WorkshopSnapshot], Any]

INPUTS: dict[str, tuple[str, ...]] = {
    "segment_relevance": ("segments", "cards", "votes", "measures", "ratings"),
    "persona_card": ("segments", "personas", "ideas", "ratings"),
    "card_board": ("segments", "cards", "votes", "measures"),
    "alternatives": ("segments", "cards", "votes"),
    "goals_phases": ("measures",),
    "impact_effort": ("segments", "measures", "touchpoints"),
    "journey_map": ("journeys", "steps", "touchpoints", "ratings"),
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

PHONE_WIDTH = 330
"""The width a chart on a participant's page keeps within: a 390 px phone's page, less its
margins. Axis labels are cut to :data:`PHONE_LABELS` pixels (the whole text is in the
tooltip)."""

PHONE_LABELS = 110


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


_MADE: dict[str, tuple[str, dict[str, Any]]] = {}
"""The newest spec of each gallery chart made in this process, with its :func:`chart_key`:
every composer of the process uses it, so a change of the group's results makes each chart
once, however many pages (a projector's stack and its lead charts, the console) show it.
Specs are never changed after they are made."""


def forget_made() -> None:
    """Drop the specs kept for every composer (a room that emptied keeps nothing of them)."""
    _MADE.clear()


class Composer:
    """Makes one stacked spec of several charts, reusing charts whose data is unchanged.

    ``charts`` are gallery builders (all of them by default). A builder that is not in the
    gallery (a panel's own, drawing what a participant chose) is made again every time.
    ``composer(snapshot)`` returns the spec; :attr:`built` counts the charts made so far.
    """

    def __init__(self, charts: Sequence[ChartBuilder] | None = None, phone: bool = False) -> None:
        from klantreis.charts import GALLERY

        self.phone = phone
        """Lay the charts out for a phone (see :func:`for_phone`)."""
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
        made = _MADE.get(name) if name else None  # by another composer of this process
        if name and made is not None and made[0] == key:
            self._specs[name] = made
            return made[1]
        spec: dict[str, Any] = self.charts[index](snapshot).to_dict(validate=False)
        if name and key:
            self._specs[name] = _MADE[name] = (key, spec)
        self.built += 1
        return spec

    def __call__(self, snapshot: WorkshopSnapshot) -> dict[str, Any]:
        """The charts stacked into one spec, with the theme applied once."""
        stacked = stack_specs([self._spec(snapshot, i) for i in range(len(self.charts))])
        return for_phone(stacked) if self.phone else stacked


_SCALED = ("x", "y", "xOffset", "yOffset", "theta", "radius")
_LEGENDED = ("color", "fill", "stroke", "opacity", "shape", "size", "strokeDash", "strokeWidth")
INDEPENDENT: dict[str, Any] = {
    "scale": {channel: "independent" for channel in _SCALED + _LEGENDED},
    "legend": {channel: "independent" for channel in _LEGENDED},
    "axis": {"x": "independent", "y": "independent"},
}
"""Stacked charts stay what they were alone: Vega-Lite shares the colour scale and legend of
concatenated views by default, which would merge unrelated charts' categories into one legend."""


def for_phone(spec: dict[str, Any], width: int = PHONE_WIDTH) -> dict[str, Any]:
    """The same charts laid out to fit a phone: the columns of a facet are wrapped into one
    (the card board's four columns one below the other), charts side by side are stacked, a
    view wider than ``width`` (or sized per category) is given ``width`` less its y axis, and
    axis labels are cut short. Returns a new spec; ``spec`` (which may be shared between
    pages) is left as it was."""
    narrow: dict[str, Any] = _narrowed(copy.deepcopy(spec), width)
    config = narrow.setdefault("config", {})
    axis = config.setdefault("axis", {})
    axis["labelLimit"] = min(axis.get("labelLimit", PHONE_LABELS), PHONE_LABELS)
    config.setdefault("legend", {}).update(orient="bottom", direction="vertical", columns=1)
    return narrow


_VIEW_KEYS = frozenset({"mark", "layer", "encoding", "facet", "spec"})


def _narrowed(node: Any, width: int, gutter: bool = False) -> Any:
    """``node`` narrowed to ``width``; with ``gutter``, ``width`` is what is left beside the
    axis labels of a column of charts (see below), so a view does not subtract its own."""
    if isinstance(node, list):
        return [_narrowed(item, width, gutter) for item in node]
    if not isinstance(node, dict):
        return node
    _narrow_layout(node, width, gutter)
    _narrow_parts(node, width)
    for key, value in node.items():
        if key == "vconcat" and isinstance(value, list):
            # Charts in a column share one left edge for their plots, as far right as the
            # widest y axis among them: each gets the width left beside that.
            shared = max([0] + [_y_labels(part) for part in value if isinstance(part, dict)])
            node[key] = [_narrowed(part, width - shared, gutter=True) for part in value]
        elif key not in ("data", "datasets", "config"):
            node[key] = _narrowed(value, width, gutter and key in ("spec", "layer"))
    return node


def _narrow_layout(node: dict[str, Any], width: int, gutter: bool) -> None:
    """Side by side becomes one under the other; titles wrap; a view gets at most ``width``."""
    facet = node.get("facet")
    if isinstance(facet, dict) and set(facet) == {"column"}:
        # One column of cells, each with its header on top (a row facet would keep a header
        # column at the left, as wide as the longest label).
        node["facet"], node["columns"] = facet["column"], 1
    if "hconcat" in node:
        node["vconcat"] = node.pop("hconcat")
    if "title" in node and (_VIEW_KEYS | {"vconcat"}) & node.keys():
        node["title"] = _wrapped_title(node["title"])
    if _VIEW_KEYS & node.keys():
        size = node.get("width")
        room = width if gutter else width - _y_labels(node)
        too_wide = isinstance(size, int | float) and size > room
        if too_wide or (isinstance(size, dict) and "step" in size):
            node["width"] = room


def _narrow_parts(node: dict[str, Any], width: int) -> None:
    """Phase names slanted, legends below, long texts cut (with the whole in a tooltip)."""
    axis = node.get("axis")
    if isinstance(axis, dict) and axis.get("labelExpr") == PHASE_AXIS.labelExpr:
        # Phase columns squeezed to a phone's width: their names slanted, on one line each,
        # so neighbours never run into each other.
        axis.pop("labelExpr")
        axis.update(
            labelAngle=45, labelAlign="right", labelBaseline="middle", labelLimit=90, labelPadding=4
        )
    legend = node.get("legend")
    if isinstance(legend, dict):  # below the chart, not beside it
        legend.update(orient="bottom", direction="vertical", columns=1, labelLimit=width - 40)
    if isinstance(node.get("mark"), dict) and node["mark"].get("type") == "text":
        mark = node["mark"]
        limit = mark.get("limit", width)
        if isinstance(limit, int | float):  # an expression follows the drawn width already
            mark["limit"] = min(limit, width)


PHONE_TITLE = 30
"""Characters per line of a chart's title on a phone (a title is not wrapped by Vega)."""


def _wrapped_title(title: Any) -> Any:
    """A chart title (and subtitle) broken into lines that fit a phone."""

    def lines(text: Any) -> Any:
        if isinstance(text, str) and len(text) > PHONE_TITLE:
            return textwrap.wrap(text, PHONE_TITLE)
        return text

    if isinstance(title, dict):
        return {**title, **{k: lines(title[k]) for k in ("text", "subtitle") if k in title}}
    return lines(title)


def _y_labels(view: dict[str, Any]) -> int:
    """The width a view's y axis takes beside its plot: categories' labels (cut to
    :data:`PHONE_LABELS`), numbers, or nothing."""
    encodings = [view.get("encoding", {})] + [
        layer.get("encoding", {}) for layer in view.get("layer", []) if isinstance(layer, dict)
    ]
    widths = [0]
    for encoding in encodings:
        y = encoding.get("y") if isinstance(encoding, dict) else None
        if not isinstance(y, dict) or y.get("axis", {}) is None or "field" not in y:
            continue
        widths.append(PHONE_LABELS + 16 if y.get("type") in ("nominal", "ordinal") else 40)
    return max(widths)


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
