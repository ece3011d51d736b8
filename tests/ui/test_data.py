"""The data behind the journey in a real browser: the live dashboard (Voila), the guided
notebook served as an app on a phone, and the exported report, all offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from klantreis.analytics.sample import sample_rules, traffic_export, write_event_log
from klantreis.analytics.storage import DataFolder
from klantreis.charts import GALLERY
from klantreis.charts.bundles import ensure_bundles
from klantreis.charts.data import DATA_CHARTS
from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder, open_folder
from klantreis.guide.notebooks import copy_notebooks
from klantreis.report.export import export_report_html
from klantreis.serve.commands import app_notebook, jupyter_env, voila_argv
from tests.ports import free_port
from tests.ui.conftest import misdrawn_bars, running, settled

pytestmark = pytest.mark.ui
MARKS = "document.querySelectorAll('.vega-embed svg.marks, .vega-embed canvas.marks').length"
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(scope="module")
def workshop_with_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An English orchestra workshop folder with a generated event log, its rules and a GA4
    export imported, and the guided notebooks copied in."""
    ensure_bundles()
    folder = tmp_path_factory.mktemp("data") / "orchestra"
    service = create_folder(folder, load_template("orchestra", "en"))
    copy_notebooks(folder, "en")
    data = DataFolder(folder)
    log = folder / "log.parquet"
    write_event_log(service.snapshot(), log, 20_000, seed=9)
    data.save_rules(sample_rules(service.snapshot(), "en"))
    data.import_events(log)
    data.import_traffic(traffic_export(6_000, "en"))
    return folder


def test_the_live_dashboard_shows_the_data_and_follows_a_new_import(
    workshop_with_data: Path, offline_page: Any
) -> None:
    port = free_port()
    command = voila_argv(app_notebook("dashboard"), port)
    env = jupyter_env(workshop_with_data)
    with running(command, f"http://127.0.0.1:{port}/", env, workshop_with_data) as url:
        view = offline_page(1280, 1600)
        fetched: list[str] = []
        view.page.on("request", lambda request: fetched.append(request.url))
        view.page.goto(url)
        view.page.wait_for_function(f"{MARKS} >= 2", timeout=120_000)
        # The chart code comes once, as a file the browser can cache, not inside each widget.
        modules = [u for u in fetched if "/voila/labextensions/klantreis-charts/module-" in u]
        assert len(modules) == 1, fetched
        page = view.page
        page.get_by_text("What the data says").wait_for()
        for text in ("Funnel over the ideal journey", "Most common paths", "Channels per phase"):
            page.wait_for_function(f"document.body.textContent.includes({text!r})", timeout=30_000)
        assert page.get_by_text("6,000 sessions").count() == 1
        DataFolder(workshop_with_data).import_traffic(traffic_export(7_500, "en", seed=2))
        page.get_by_text("7,500 sessions").wait_for(timeout=30_000)  # no reload
        settled(page)  # the redrawn charts
        assert misdrawn_bars(page) == []
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "dashboard-data.png"), full_page=True)
        assert view.errors == []


def test_the_data_notebook_works_as_an_app_on_a_phone(
    workshop_with_data: Path, offline_page: Any
) -> None:
    notebook = workshop_with_data / "notebooks" / "08-complete-with-data.ipynb"
    port = free_port()
    command = voila_argv(notebook, port)
    env = jupyter_env(workshop_with_data)
    with running(command, f"http://127.0.0.1:{port}/", env, workshop_with_data) as url:
        view = offline_page(390, 844)
        page = view.page
        page.goto(url)
        page.wait_for_function(f"{MARKS} >= {len(DATA_CHARTS)}", timeout=120_000)
        page.get_by_text("Mapping rules").wait_for()
        assert page.get_by_text("Events and pages without a step").count() == 1
        assert page.get_by_role("button", name="Traffic (CSV)").count() == 1
        assert misdrawn_bars(page) == []
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 400, f"the page is {overflow} px wide on a 390 px phone"
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "data-phone.png"), full_page=True)
        assert view.errors == []


def test_the_exported_report_draws_the_data_charts_from_file(
    workshop_with_data: Path, offline_page: Any
) -> None:
    snapshot = open_folder(workshop_with_data).snapshot()
    out = export_report_html(
        snapshot, DataFolder(workshop_with_data), workshop_with_data / "export" / "report.html"
    )
    html = out.read_text(encoding="utf-8")
    assert "What the data says" in html and "ideal order, all the way" in html
    view = offline_page(1280)
    view.page.goto(out.as_uri())
    expected = len(GALLERY) + len(DATA_CHARTS)
    view.page.wait_for_function(f"{MARKS} >= {expected}", timeout=90_000)
    assert misdrawn_bars(view.page) == []
    assert view.errors == []
