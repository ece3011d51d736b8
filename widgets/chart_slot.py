"""A place for one live chart that redraws in place when the workshop changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from klantreis.charts.live import live_chart
from klantreis.domain import WorkshopSnapshot


class ChartSlot:
    """Holds one chart widget; ``update(snapshot)`` redraws it only when the chart changed.

    ``build`` makes a chart or its Vega-Lite spec from a snapshot (a
    :class:`~klantreis.charts.compose.Composer` does the latter and remakes only what changed).
    A redraw sends the new spec straight to the widget: the spec is made once, without a second
    schema validation (the builders' output is validated in the tests).
    """

    def __init__(
        self, build: Callable[[WorkshopSnapshot], Any], snapshot: WorkshopSnapshot
    ) -> None:
        self.build = build
        spec = self._spec(snapshot)
        self._last = _key(spec)
        self.chart = live_chart(spec)
        self.widget = w.Box([self.chart], layout=w.Layout(width="100%"))
        self.widget.add_class("kr-chart")
        self.redraws = 0

    def update(self, snapshot: WorkshopSnapshot) -> None:
        """Rebuild the chart from ``snapshot`` and send it to the page if it changed."""
        spec = self._spec(snapshot)
        key = _key(spec)
        if key != self._last:
            self._last = key
            self.chart.spec = spec
            self.redraws += 1

    def _spec(self, snapshot: WorkshopSnapshot) -> dict[str, Any]:
        made = self.build(snapshot)
        return made if isinstance(made, dict) else made.to_dict(validate=False)


def _key(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, default=str)
