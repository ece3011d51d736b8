"""Charts render with no internet: in exported HTML, in Voila and in JupyterLab."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from klantreis.charts import GALLERY
from klantreis.charts.bundles import ensure_bundles
from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder, open_folder
from klantreis.guide.notebooks import copy_notebooks
from klantreis.report.export import export_report_html
from klantreis.serve.commands import jupyter_env, lab_argv, voila_argv
from tests.ports import free_port
from tests.ui.conftest import dismiss_lab_dialogs, misdrawn_bars, running, settled

pytestmark = pytest.mark.ui
MARKS = "document.querySelectorAll('.vega-embed svg.marks, .vega-embed canvas.marks').length"


@pytest.fixture(scope="module")
def orchestra_on_disk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An English orchestra workshop folder with its guided notebooks."""
    ensure_bundles()
    folder = tmp_path_factory.mktemp("ui") / "orchestra"
    create_folder(folder, load_template("orchestra", "en"))
    copy_notebooks(folder, "en")
    return folder


def wait_for_charts(page: Any, count: int, timeout: float = 90_000) -> int:
    page.wait_for_function(f"{MARKS} >= {count}", timeout=timeout)
    return int(page.evaluate(MARKS))


def test_the_exported_report_draws_every_chart_from_file(
    orchestra_on_disk: Path, offline_page: Any
) -> None:
    snapshot = open_folder(orchestra_on_disk).snapshot()
    out = export_report_html(snapshot, None, orchestra_on_disk / "export" / "report.html")
    view = offline_page(390)
    view.page.goto(out.as_uri())
    assert wait_for_charts(view.page, len(GALLERY)) == len(GALLERY)
    cell = "getComputedStyle(document.querySelector('.kr-table td'))"
    assert view.page.evaluate(f"{cell}.textAlign") == "left"  # not JupyterLab's right-aligned
    assert view.page.evaluate("document.documentElement.scrollWidth") <= 400  # a 390 px phone
    view.page.hover(".vega-embed svg.marks path >> nth=0")
    assert view.errors == []


def test_voila_app_draws_live_charts(orchestra_on_disk: Path, offline_page: Any) -> None:
    notebook = orchestra_on_disk / "notebooks" / "04-map-the-customer.ipynb"
    port = free_port()
    command = voila_argv(notebook, port)
    with running(
        command, f"http://127.0.0.1:{port}/", jupyter_env(orchestra_on_disk), orchestra_on_disk
    ) as url:
        view = offline_page(1280)
        view.page.goto(url)
        assert wait_for_charts(view.page, 2) >= 2
        assert view.page.get_by_text("The customer mapped, with votes").count() == 1
        assert view.page.get_by_text("import klantreis.widgets").count() == 0  # no code shown
        assert view.page.locator(".jp-CodeMirrorEditor").count() == 0
        assert misdrawn_bars(view.page) == []
        assert view.errors == []


RAN = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
  return prompts.length > 0 && prompts.every(prompt => /\\[\\d+\\]/.test(prompt.textContent));
}"""
"""Every code cell of the notebook has run (its prompt shows a number; "[*]" or an empty
prompt can stay forever when the kernel was still starting and dropped part of the request)."""

ERRORS = """() => [...document.querySelectorAll(
  '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-RenderedText pre'
)].map(output => output.textContent).filter(text => /Error|Traceback/.test(text)).join('\\n')"""
"""What the notebook's outputs say went wrong (for the failure message)."""


def test_jupyterlab_runs_a_notebook_and_draws_its_charts(
    orchestra_on_disk: Path, offline_page: Any
) -> None:
    port, token = free_port(), secrets.token_hex(8)
    command = lab_argv(orchestra_on_disk, port, browser=False, token=token)
    ready = f"http://127.0.0.1:{port}/api/status?token={token}"
    with running(command, ready, jupyter_env(orchestra_on_disk), orchestra_on_disk):
        view = offline_page(1400, 1000)
        page = view.page
        chart_code: list[tuple[int, str]] = []
        page.on(
            "response",
            lambda r: chart_code.append((r.status, r.url)) if "klantreis-charts" in r.url else None,
        )
        page.goto(
            f"http://127.0.0.1:{port}/lab/tree/notebooks/06-ideal-journey.ipynb?reset&token={token}"
        )
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_selector(
            ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000
        )
        dismissed: list[str] = []
        for attempt in range(3):  # a kernel still starting can drop a "Run All"
            dismissed += dismiss_lab_dialogs(page)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click(timeout=10_000)
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click(timeout=10_000)
            try:  # taken: a cell has run (its prompt shows a number)
                page.wait_for_function(RAN, timeout=60_000)
                break
            except Exception:
                if attempt == 2:
                    page.screenshot(path=str(orchestra_on_disk / "lab-failure.png"))
                    raise
        try:
            wait_for_charts(page, 2, timeout=120_000)
        except Exception:
            page.screenshot(path=str(orchestra_on_disk / "lab-failure.png"))
            said = page.evaluate(ERRORS)
            raise AssertionError(f"no charts; the notebook said: {said!r}") from None
        settled(page)  # the last charts
        print("JupyterLab dialogs dismissed:", dismissed or "none")
        assert misdrawn_bars(page) == []
        assert [status for status, _ in chart_code] == [200], chart_code  # one file, first try
        assert view.errors == []
