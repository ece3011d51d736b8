"""Workshop materials: generated from the catalogue, complete in both languages, print cleanly."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from klantreis.guide.agenda import MINUTES
from klantreis.guide.materials import MATERIALS, markdown_html, render
from klantreis.i18n import LANGUAGES, Language
from klantreis.report.pdf import print_pdf

ROOT = Path(__file__).resolve().parents[2]
A4 = (595, 842)
A3_LANDSCAPE = (1191, 842)


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_materials_are_what_the_guide_generates(language: Language) -> None:
    for material in MATERIALS:
        path = ROOT / "workshop_materials" / language / f"{material.name}.html"
        assert path.read_text(encoding="utf-8") == render(material, language), (
            "run: python -m klantreis.guide"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_materials_contain_no_untranslated_keys(language: str) -> None:
    for material in MATERIALS:
        text = render(material, language)  # type: ignore[arg-type]
        keys = re.findall(
            r"\b(?:guide|material|field|hint|chart|method_step|goal_kind|phase)\.[a-z_]+(?:\.[a-z_]+)*\b",
            text,
        )
        assert keys == [], (material.name, keys[:5])


def test_agendas_add_up_to_two_hours_and_half_a_day() -> None:
    assert sum(MINUTES["two_hours"].values()) == 120
    assert sum(MINUTES["half_day"].values()) == 240


def test_the_guide_has_both_agendas_and_every_step(language: str = "en") -> None:
    guide = render(MATERIALS[0], "en")
    assert "Two-hour session" in guide and "Half-day session" in guide
    for title in (
        "1. The challenge and the end goal",
        "4. Mapping the customer",
        "6. The ideal journey",
    ):
        assert title in guide
    assert "95–115 min" in guide


def test_markdown_is_escaped() -> None:
    assert (
        str(markdown_html("- <b>x</b> `code`\n- *em*"))
        == "<ul><li>&lt;b&gt;x&lt;/b&gt; <code>code</code></li><li><em>em</em></li></ul>"
    )


def page_sizes(pdf: Path) -> list[tuple[int, int]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return [
        (round(float(w)), round(float(h)))
        for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    ]


@pytest.mark.ui
@pytest.mark.parametrize("language", LANGUAGES)
def test_materials_print_to_the_right_paper(language: str, tmp_path: Path) -> None:
    for material in MATERIALS:
        html = tmp_path / f"{material.name}.html"
        html.write_text(render(material, language), encoding="utf-8")  # type: ignore[arg-type]
        sizes = page_sizes(print_pdf(html, tmp_path / f"{material.name}.pdf"))
        if material.canvas:
            assert sizes == [A3_LANDSCAPE], material.name  # a canvas is exactly one A3 sheet
        else:
            assert sizes and set(sizes) == {A4}, material.name
