"""A place for one live chart that redraws in place when the workshop changes."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Hashable
from typing import Any

import ipywidgets as w

from klantreis.charts.live import live_chart
from klantreis.domain import WorkshopSnapshot


class ChartSlot:
    """Holds one chart widget; ``update(snapshot)`` redraws it only when the chart changed.

    ``build`` makes a chart or its Vega-Lite spec from a snapshot (a
    :class:`~klantreis.charts.compose.Composer` does the latter and remakes only what changed).
    With ``share`` (what, besides the group's results, decides the chart), pages that show the
    same chart share one spec per state of the results (:data:`SHARED_SPECS`).
    A redraw sends the new spec straight to the widget: the spec is made once, without a second
    schema validation (the builders' output is validated in the tests).
    """

    def __init__(
        self,
        build: Callable[[WorkshopSnapshot], Any],
        snapshot: WorkshopSnapshot,
        share: Callable[[], Hashable] | None = None,
    ) -> None:
        self.build = build
        self.share = share
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
        if self.share is None:
            return self._make(snapshot)
        key = (self.share(), snapshot.workshop.id)
        return SHARED_SPECS.get(key, snapshot.revision, snapshot, self._make)

    def _make(self, snapshot: WorkshopSnapshot) -> dict[str, Any]:
        made = self.build(snapshot)
        return made if isinstance(made, dict) else made.to_dict(validate=False)


class SharedSpecs:
    """Chart specs made once per change of the group's results for every page that shows them:
    a room of a hundred participants in one step draws its charts once per change, not a
    hundred times, and someone joining (a new revision, the same results: see
    :meth:`~klantreis.domain.WorkshopSnapshot.content_key`) remakes none.

    Only the newest spec of each chart is kept (a page asks for the revision it shows, which
    is the newest one announced), so the cache holds one spec per chart and choice.
    Specs are never changed after they are made, so sharing them is safe.
    """

    def __init__(self) -> None:
        self._specs: dict[Hashable, tuple[int, str, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}
        self.made = 0

    def get(
        self,
        key: Hashable,
        revision: int,
        snapshot: WorkshopSnapshot,
        make: Callable[[WorkshopSnapshot], dict[str, Any]],
    ) -> dict[str, Any]:
        content = snapshot.content_key()
        found = self._found(key, content)
        if found is not None:
            return found
        with self._lock:
            making = self._making.setdefault(key, threading.Lock())
        with making:  # thirty pages arriving at once: one makes the chart, the others wait
            found = self._found(key, content)
            if found is not None:
                return found
            spec = make(snapshot)
            with self._lock:
                current = self._specs.get(key)
                if current is None or current[0] <= revision:
                    self._specs[key] = (revision, content, spec)
                self.made += 1
        return spec

    def _found(self, key: Hashable, content: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._specs.get(key)
        return found[2] if found is not None and found[1] == content else None

    def __len__(self) -> int:
        return len(self._specs)

    def forget(self) -> None:
        """Drop every kept spec (a room that emptied; the next page makes them again)."""
        with self._lock:
            self._specs.clear()
            self._making.clear()


SHARED_SPECS = SharedSpecs()


def _key(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, default=str)
