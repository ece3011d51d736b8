"""Every guided notebook runs in a real kernel, in both languages, against a fresh workshop."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
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


@dataclass
class Executed:
    """A guided notebook after it ran, or what stopped it."""

    notebook: Any
    problem: Exception | None = None


@pytest.fixture(scope="module", params=LANGUAGES)
def executed_notebooks(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Executed]:
    """Every guided notebook of one language, by step key, executed in the method's order in
    one real kernel against a fresh orchestra workshop folder, as a facilitator runs them one
    after another in JupyterLab. One kernel per language: starting one (and importing the kit
    in it) cost more than running a notebook's two cells."""
    language = request.param
    folder = tmp_path_factory.mktemp("workshop") / "orchestra"
    create_folder(folder, load_template("orchestra", language))
    paths = {p.name: p for p in shipped_notebooks(language)}
    done = {step.key: Executed(nbformat.read(paths[step.filename], as_version=4)) for step in STEPS}
    saved = dict(os.environ)
    os.environ["KLANTREIS_WORKSHOP"] = str(folder)
    first = next(iter(done.values())).notebook
    client = NotebookClient(
        first, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    try:
        with client.setup_kernel():
            for result in done.values():
                client.nb = result.notebook
                try:
                    for index, cell in enumerate(result.notebook.cells):
                        client.execute_cell(cell, index)
                except Exception as problem:
                    result.problem = problem
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return done


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.key)
def test_every_notebook_runs_and_shows_its_panel(
    executed_notebooks: dict[str, Executed], step: Any
) -> None:
    result = executed_notebooks[step.key]
    assert result.problem is None, result.problem
    notebook = result.notebook
    last = notebook.cells[-1]
    assert any(WIDGET_VIEW in output.get("data", {}) for output in last.outputs), last.outputs
    errors = [
        o for cell in notebook.cells for o in cell.get("outputs", []) if o.output_type == "error"
    ]
    assert errors == []
