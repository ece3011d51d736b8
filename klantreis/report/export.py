"""The workshop report as one static HTML file that works offline, written by nbconvert.

The report's HTML (:func:`~klantreis.report.workshop_report.report_html`: every step's outcome,
its tables, and its charts drawn by the vega bundle inlined once) becomes the one output of a
notebook built in memory, which nbconvert turns into a page with the ``klantreis`` template
(JupyterLab's HTML export without anything fetched from a CDN). No kernel runs and no widget is
made: the export is the report code's own output.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_notebook, new_output

from klantreis.analytics.storage import DataFolder
from klantreis.charts.bundles import ensure_bundles
from klantreis.charts.static import StaticCharts
from klantreis.domain import WorkshopSnapshot
from klantreis.report.workshop_report import workshop_report_html
from klantreis.templates import jupyter_data_dir


def report_notebook(snapshot: WorkshopSnapshot, data: DataFolder | None) -> nbformat.NotebookNode:
    """A notebook whose one cell shows the report of ``snapshot`` (with ``data``, if any)."""
    ensure_bundles()
    body = workshop_report_html(snapshot, StaticCharts(), data)
    cell = new_code_cell("", outputs=[new_output("display_data", data={"text/html": body})])
    notebook = new_notebook(cells=[cell])
    # The page's <title> (nbconvert's lab template reads the notebook's title).
    notebook.metadata = {"title": snapshot.workshop.title, "language_info": {"name": "python"}}
    return notebook


def export_report_html(snapshot: WorkshopSnapshot, data: DataFolder | None, out: Path) -> Path:
    """Write the report of ``snapshot`` to ``out`` as a static page; return ``out``."""
    exporter = HTMLExporter(
        template_name="klantreis",
        extra_template_basedirs=[str(jupyter_data_dir() / "nbconvert" / "templates")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _resources = exporter.from_notebook_node(report_notebook(snapshot, data))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out
