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

    A redraw sends the new Vega-Lite spec straight to the widget: the spec is made once, without
    a second schema validation (the builders' output is validated in the tests).
    """

    def __init__(
        self, build: Callable[[WorkshopSnapshot], Any], snapshot: WorkshopSnapshot
    ) -> None:
        self.build = build
        chart = build(snapshot)
        self._last = _key(chart.to_dict(validate=False))
        self.chart = live_chart(chart)
        self.widget = w.Box([self.chart], layout=w.Layout(width="100%"))
        self.widget.add_class("kr-chart")
        self.redraws = 0

    def update(self, snapshot: WorkshopSnapshot) -> None:
        """Rebuild the chart from ``snapshot`` and send it to the page if it changed."""
        spec = self.build(snapshot).to_dict(validate=False)
        key = _key(spec)
        if key != self._last:
            self._last = key
            self.chart.spec = spec
            self.redraws += 1


def _key(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, default=str)
