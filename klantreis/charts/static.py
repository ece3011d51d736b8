"""Charts in static HTML (the report, its export and the published site), with no internet.

The first chart of a document carries the vega-embed bundle (about 1 MB), defining
``window.klantreisEmbed``; later charts only call it. Every chart keeps its tooltips.
"""

from __future__ import annotations

import html
import json
from typing import Any

from klantreis.charts.bundles import bundle_source
from klantreis.domain import new_id


class StaticCharts:
    """Writes chart fragments for one HTML document, including the bundle exactly once."""

    def __init__(self) -> None:
        self._bundle_written = False

    def fragment(self, chart: Any, label: str = "") -> str:
        """HTML for one chart: a container and the script that draws into it."""
        spec = chart.to_dict() if hasattr(chart, "to_dict") else chart
        element = f"klantreis-chart-{new_id()[:12]}"
        parts = []
        if not self._bundle_written:
            # A function scope keeps the bundle's top-level names out of the page's globals.
            source = bundle_source("embed").replace("</script", "<\\/script")
            parts.append(f"<script>(function () {{\n{source}\n}})();</script>")
            self._bundle_written = True
        # Close-tag and comment openers inside the JSON would end the script early.
        data = json.dumps(spec).replace("</", "<\\/").replace("<!--", "<\\!--")
        parts.append(
            f'<div class="klantreis-chart" id="{element}" role="img"'
            f' aria-label="{html.escape(label, quote=True)}"></div>'
            f"<script>klantreisEmbed(document.getElementById({json.dumps(element)}), {data},"
            ' {"actions": false, "renderer": "svg"});</script>'
        )
        return "".join(parts)


_DOCUMENT: StaticCharts | None = None


def document_charts() -> StaticCharts:
    """The writer for the notebook this kernel shows (``kw.report()`` in JupyterLab), so the
    bundle is included once however many cells show charts. An export makes its own
    :class:`StaticCharts` (see :mod:`klantreis.report.export`)."""
    global _DOCUMENT
    if _DOCUMENT is None:
        _DOCUMENT = StaticCharts()
    return _DOCUMENT
