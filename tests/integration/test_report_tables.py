"""Report tables print without breaking words in the middle (the exported report's own CSS)."""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path

import pytest

from klantreis.report.pdf import print_pdf
from klantreis.report.workshop_report import cardstable, goals_html, journeys_html
from klantreis.service import Service

TEMPLATE = (
    Path(__file__).resolve().parents[2]
    / "templates/jupyter/nbconvert/templates/klantreis/index.html.j2"
)


def report_css() -> str:
    """The style block of the report template, as the exported report carries it."""
    text = TEMPLATE.read_text(encoding="utf-8")
    return re.search(r"<style>(.*?)</style>", text, re.S).group(1)  # type: ignore[union-attr]


@pytest.mark.ui
def test_report_tables_keep_words_whole_on_paper(orchestra: Service, tmp_path: Path) -> None:
    """The cards, goals-and-measures and journey tables of a workshop in Dutch, printed on A4:
    every word of every cell comes out whole ('Contactmo-menten' split over two lines is what
    `overflow-wrap: anywhere` gave: table columns shrank to single letters)."""
    snap = orchestra.snapshot()
    tables = cardstable(snap, "nl") + goals_html(snap, "nl") + journeys_html(snap, "nl")
    html = (
        f'<html lang="nl"><head><meta charset="utf-8"><style>{report_css()}</style></head>'
        f'<body><div class="klantreis">{tables}</div></body></html>'
    )
    page = tmp_path / "tables.html"
    page.write_text(html, encoding="utf-8")
    pdf = print_pdf(page, tmp_path / "tables.pdf")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    printed = set(re.findall(r"\w+", text))
    cells = re.findall(r"<t[dh]>(.*?)</t[dh]>", tables, re.S)
    words = {word for cell in cells for word in re.findall(r"\w{4,}", unescape(cell))}
    assert len(words) > 50
    # A line may end at a hyphen ("first-" / "time"); pdftotext joins those parts again.
    broken = [w for w in words if w not in printed and not any(w in p for p in printed)]
    assert broken == []
