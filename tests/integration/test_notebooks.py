"""Every guided notebook runs in a real kernel, in both languages, against a fresh workshop."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder
from klantreis.guide.notebooks import build_notebook, notebook_text, shipped_notebooks
from klantreis.guide.steps import STEPS
from klantreis.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def committed_notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").rglob("*.ipynb"))


def test_committed_notebooks_have_no_outputs() -> None:
    dirty = []
    for path in committed_notebooks():
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
                dirty.append(path.name)
    assert dirty == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_notebooks_are_what_the_guide_generates(language: str) -> None:
    for step in STEPS:
        path = ROOT / "notebooks" / language / step.filename
        expected = notebook_text(build_notebook(step, language))  # type: ignore[arg-type]
        assert path.read_text(encoding="utf-8") == expected, (
            f"run: python -m klantreis.guide ({path})"
        )


def test_committed_app_notebooks_are_what_the_guide_generates() -> None:
    from klantreis.guide.notebooks import APPS, build_app

    for name in APPS:
        path = ROOT / "notebooks" / "apps" / f"{name}.ipynb"
        assert path.read_text(encoding="utf-8") == notebook_text(build_app(name))


@pytest.mark.parametrize("language", LANGUAGES)
def test_notebook_cells_are_narrative_and_one_line_calls(language: str) -> None:
    for path in shipped_notebooks(language):  # type: ignore[arg-type]
        notebook = nbformat.read(path, as_version=4)
        code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
        assert all(len([line for line in c.splitlines() if line.strip()]) <= 2 for c in code)
        assert notebook.metadata["klantreis"]["language"] == language


@pytest.fixture(scope="module", params=LANGUAGES)
def workshop_folder(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Any]:
    """A workshop folder made from the orchestra template, and its language; once per language."""
    folder = tmp_path_factory.mktemp("workshop") / "orchestra"
    create_folder(folder, load_template("orchestra", request.param))
    return folder, request.param


def execute(path: Path, folder: Path, **env: str) -> Any:
    notebook = nbformat.read(path, as_version=4)
    saved = dict(os.environ)
    os.environ.update({"KLANTREIS_WORKSHOP": str(folder), **env})
    try:
        NotebookClient(
            notebook,
            timeout=180,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
        ).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return notebook


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.key)
def test_every_notebook_runs_and_shows_its_panel(
    workshop_folder: tuple[Path, Any], step: Any
) -> None:
    folder, language = workshop_folder
    path = next(p for p in shipped_notebooks(language) if p.name == step.filename)
    notebook = execute(path, folder)
    last = notebook.cells[-1]
    assert any(WIDGET_VIEW in output.get("data", {}) for output in last.outputs), last.outputs
    errors = [
        o for cell in notebook.cells for o in cell.get("outputs", []) if o.output_type == "error"
    ]
    assert errors == []
