"""Export a guided notebook as one static HTML file that works offline.

The notebook runs in a fresh kernel with ``KLANTREIS_STATIC=1``, so its panels show the step's
outcome and charts as HTML (the vega bundle inlined once) instead of interactive forms. It is
then converted with the ``klantreis`` nbconvert template, which loads nothing from a CDN.
Code cells are left out: readers see the narrative and the results.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from klantreis.charts.bundles import ensure_bundles
from klantreis.settings import static_env, workshop_env


def template_root() -> Path:
    """The folder that holds the klantreis nbconvert and Voila templates (a Jupyter data dir)."""
    return Path(str(resources.files("klantreis.templates").joinpath("jupyter")))


def export_notebook_html(
    notebook: Path,
    workshop_folder: Path,
    out: Path,
    timeout: int = 300,
    env: dict[str, str] | None = None,
) -> Path:
    """Run ``notebook`` on the workshop in ``workshop_folder``; write static HTML to ``out``."""
    ensure_bundles()
    node = nbformat.read(notebook, as_version=4)
    settings = {**static_env(), **workshop_env(workshop_folder), **(env or {})}
    saved = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    try:
        NotebookClient(
            node,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(workshop_folder)}},
        ).execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    from klantreis.guide.notebooks import EXPORT_HIDDEN

    node.cells = [
        c for c in node.cells if EXPORT_HIDDEN not in c.get("metadata", {}).get("tags", [])
    ]
    exporter = HTMLExporter(
        template_name="klantreis",
        extra_template_basedirs=[str(template_root() / "nbconvert" / "templates")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _resources = exporter.from_notebook_node(node)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out
