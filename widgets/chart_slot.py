"""A place for one live chart that redraws in place when the workshop changes."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

import ipywidgets as w
from klantreis.widgets.style import full

from klantreis.charts.live import live_chart
from klantreis.domain import WorkshopSnapshot


class ChartSlot:
    """Holds one chart widget; ``update(snapshot)`` redraws it only when the chart changed.

    ``build`` makes a chart or its Vega-Lite spec from a snapshot (a
    :class:`~klantreis.charts.compose.Composer` does the latter and remakes only what changed).
    With ``share`` (what, besides the group's results, decides the chart), pages that show the
    same chart share one spec per state of the results and language (:data:`SHARED_SPECS`).
    A redraw sends the new spec straight to the widget: the spec is made once, without a second
    schema validation (the builders' output is validated in the tests).
    """

    def __init__(
        self,
        build: Callable[[WorkshopSnapshot], Any],
        snapshot: WorkshopSnapshot,
        share: Callable[[], Hashable] | None = None,
        language: str | None = None,
        layout: w.Layout | None = None,
        withheld: bool = False,
    ) -> None:
        self.build = build
        self.share = share
        self.language = language
        """The language the chart's labels speak (None: the workshop's)."""
        self.withheld = withheld
        """True while the group's results are hidden from this page: the page's chart widget
        then holds an empty chart, so the browser has none of the group's data."""
        made = WITHHELD if withheld else self._spec(snapshot)
        self._shown = made
        self.chart = live_chart(
            made.spec,
            layout=layout if layout is not None else full(),
            _dom_classes=["kr-chart"],  # scrolls sideways rather than overflow the page
        )
        self.widget = self.chart
        self.redraws = 0

    def withhold(self, withheld: bool, snapshot: WorkshopSnapshot) -> None:
        """Take the group's results off this page (an empty chart is sent in place of the
        chart), or give them back (``withheld`` False: drawn from ``snapshot``)."""
        if withheld == self.withheld:
            return
        self.withheld = withheld
        if withheld:
            self._send(WITHHELD)
        else:
            self.update(snapshot)

    def show(self, snapshot: WorkshopSnapshot) -> None:
        """Draw ``snapshot`` as it may be shown: the chart, or nothing of it while the group's
        results are hidden (see :meth:`withhold`)."""
        self.withhold(snapshot.workshop.results_hidden, snapshot)
        self.update(snapshot)

    def update(self, snapshot: WorkshopSnapshot) -> None:
        """Rebuild the chart from ``snapshot`` and send it to the page if it changed."""
        if self.withheld:
            return
        self._send(self._spec(snapshot))

    def _send(self, made: MadeSpec) -> None:
        if made is self._shown:  # a shared spec this page shows already
            return
        if made.fingerprint != self._shown.fingerprint:
            self.chart.spec = made.spec
            self.redraws += 1
        self._shown = made

    def _spec(self, snapshot: WorkshopSnapshot) -> MadeSpec:
        if self.share is None:
            return self._make(snapshot)
        key = (self.share(), snapshot.workshop.id, self.language)
        return SHARED_SPECS.get(key, snapshot.revision, snapshot, self._make)

    def _make(self, snapshot: WorkshopSnapshot) -> MadeSpec:
        if self.language is not None:
            snapshot = snapshot.in_language(self.language)
        made = self.build(snapshot)
        return MadeSpec.of(made if isinstance(made, dict) else made.to_dict(validate=False))


class MadeSpec(NamedTuple):
    """A chart's Vega-Lite spec and its fingerprint, made once: a page keeps the fingerprint
    to tell whether a new spec draws anything else (a hundred pages compare 32 characters
    instead of each serialising a copy of the spec)."""

    spec: dict[str, Any]
    fingerprint: str

    @classmethod
    def of(cls, spec: dict[str, Any]) -> MadeSpec:
        text = json.dumps(spec, sort_keys=True, default=str)
        return cls(spec, hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest())


WITHHELD = MadeSpec.of(
    {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": []},
        "mark": "point",
        "width": 1,
        "height": 1,
    }
)
"""What a page's chart widget holds while the group's results are hidden from it: no data."""


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
        self._specs: dict[Hashable, tuple[int, str, MadeSpec]] = {}
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}
        self.made = 0

    def get(
        self,
        key: Hashable,
        revision: int,
        snapshot: WorkshopSnapshot,
        make: Callable[[WorkshopSnapshot], MadeSpec],
    ) -> MadeSpec:
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

    def _found(self, key: Hashable, content: str) -> MadeSpec | None:
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
