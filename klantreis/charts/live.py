"""Charts in a live kernel (JupyterLab, Voila), drawn without internet and updated in place.

``live_chart(chart)`` returns a widget; assign ``widget.chart = new_chart`` to redraw it. The
widget is Altair's JupyterChart with the offline bundle from :mod:`klantreis.charts.bundles`,
so the kernel does not import vl-convert. Under a server klantreis started, the widget only
carries a loader and the browser fetches (and caches) the chart code from that server.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import traitlets
from altair import JupyterChart

from klantreis.charts.bundles import bundle_path, bundle_source
from klantreis.settings import served_chart_module


@cache
def _chart_class() -> type[JupyterChart]:
    """A JupyterChart whose front-end code is the offline bundle (made once per kernel)."""

    class KlantreisChart(JupyterChart):
        """Altair's JupyterChart, loading Vega from the offline bundle."""

        @traitlets.observe("chart")
        def _on_change_chart(self, change: Any) -> None:
            # A widget made from a spec has no chart: JupyterChart would clear the spec it
            # was made with, and the spec would follow its first message as a second one.
            if change.old is None and change.new is None:
                return
            super()._on_change_chart(change)

    # Set after the class exists: anywidget reads ``_esm`` when a widget is created.
    KlantreisChart._esm = bundle_source(_front_end())
    KlantreisChart._is_offline = True
    return KlantreisChart


_SERVED_HERE = False
"""True when this process itself serves the chart module (the room's server does)."""


def serve_chart_code_here() -> None:
    """Say that this process serves the chart module (see :func:`klantreis.charts.bundles`),
    so chart widgets made from now on carry the small loader instead of the code."""
    global _SERVED_HERE
    _SERVED_HERE = True
    _chart_class.cache_clear()


def _front_end() -> str:
    """The served front-end when this process or its server serves the chart module, else
    the code inline."""
    served = _SERVED_HERE or served_chart_module() == bundle_path("module").name
    return "served" if served and bundle_path("module").is_file() else "jupyterchart"


EMBED = {"actions": False, "renderer": "svg"}
"""No menu; drawn as SVG, so a chart's words are text on the page (found with the browser's
search, read by screen readers, and checked by the browser tests)."""


def live_chart(chart: Any, **traits: Any) -> Any:
    """A widget that draws ``chart`` (an Altair chart or a Vega-Lite spec) with no internet.

    Set ``.chart`` (a chart) or ``.spec`` (a spec) to update it in place. ``traits`` (a
    ``layout``, ``_dom_classes``) go into the widget's first message with the spec.
    """
    if isinstance(chart, dict):
        return _chart_class()(None, embed_options=EMBED, spec=chart, **traits)  # type: ignore[arg-type]
    return _chart_class()(chart, embed_options=EMBED, **traits)
