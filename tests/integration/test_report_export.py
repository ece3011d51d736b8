"""The report exported through nbconvert: one offline page made from the report code, no kernel."""

from __future__ import annotations

from pathlib import Path

from klantreis.analytics.storage import DataFolder
from klantreis.charts import GALLERY
from klantreis.charts.data import DATA_CHARTS
from klantreis.report.export import export_report_html, report_notebook
from klantreis.service import Service

EMBEDS = "klantreisEmbed(document.getElementById("
BUNDLE = "<script>(function () {"


def test_the_report_page_has_every_chart_the_bundle_once_and_no_widget(
    orchestra_on_disk: tuple[Service, Path],
) -> None:
    service, folder = orchestra_on_disk
    out = export_report_html(service.snapshot(), None, folder / "exports" / "report.html")
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "<title>The orchestra" in page
    assert page.count(EMBEDS) == len(GALLERY)
    assert page.count(BUNDLE) == 1
    assert "application/vnd.jupyter.widget" not in page
    assert 'src="http' not in page and "cdn." not in page.lower()  # nothing from the internet
    assert "import klantreis" not in page  # the reader sees results, not code


def test_typed_markup_is_escaped_in_the_exported_report(
    orchestra_on_disk: tuple[Service, Path],
) -> None:
    service, folder = orchestra_on_disk
    service.update_workshop(
        service.workshop().model_copy(update={"challenge": "<script>bad()</script>"})
    )
    page = export_report_html(service.snapshot(), None, folder / "r.html").read_text("utf-8")
    assert "&lt;script&gt;bad()&lt;/script&gt;" in page and "<script>bad()" not in page


def test_a_report_with_data_shows_funnel_paths_channels_and_evidence(
    orchestra_on_disk: tuple[Service, Path], tmp_path: Path
) -> None:
    from klantreis.analytics.sample import sample_rules, traffic_export, write_event_log

    service, folder = orchestra_on_disk
    data = DataFolder(folder)
    write_event_log(service.snapshot(), tmp_path / "log.parquet", 8_000, seed=4)
    data.save_rules(sample_rules(service.snapshot(), "en"))
    data.import_events(tmp_path / "log.parquet")
    data.import_traffic(traffic_export(3_000, "en"))
    page = export_report_html(service.snapshot(), data, tmp_path / "report.html").read_text("utf-8")
    assert page.count(EMBEDS) == len(GALLERY) + len(DATA_CHARTS)
    assert page.count(BUNDLE) == 1
    shown = ("Funnel over the ideal journey", "Most common paths", "Channels per phase")
    for text in (*shown, "Funnel per channel", "Customers per channel", "What the data says"):
        assert text in page
    assert "Assumption" in page and "traffic measured on touchpoint" in page


def test_each_export_carries_its_own_bundle(orchestra_on_disk: tuple[Service, Path]) -> None:
    """Two exports in one process (a publish, then a report) are each a whole page."""
    service, _folder = orchestra_on_disk
    for _ in range(2):
        cell = report_notebook(service.snapshot(), None).cells[0]
        assert cell.outputs[0]["data"]["text/html"].count(BUNDLE) == 1
