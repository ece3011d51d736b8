"""One visual theme for every klantreis chart: system fonts (nothing to download), calm colours,
and one colour per goal and board column so the same idea looks the same everywhere."""

from __future__ import annotations

from functools import cache
from typing import Any

import altair as alt

from klantreis.i18n import NUMBER_MARKS

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#e4e7eb"

COLUMN_COLOURS = {
    "need": "#1f6fb2",
    "barrier": "#d1495b",
    "positive": "#2a9d60",
    "negative": "#8e44ad",
}
GOAL_COLOURS = {
    "address_needs": COLUMN_COLOURS["need"],
    "remove_barriers": COLUMN_COLOURS["barrier"],
    "strengthen_positive": COLUMN_COLOURS["positive"],
    "overwrite_negative": COLUMN_COLOURS["negative"],
}
FEELING_COLOURS = ["#d1495b", "#f08c6c", "#9aa5b1", "#7cc4a0", "#2a9d60"]
"""From very negative (-2) to very positive (+2)."""
ACCENT = "#f4a259"

PHASE_STEP = 112
"""Width of one phase column in the charts that lay phases across (goals, coverage)."""

PHASE_AXIS = alt.Axis(
    labelAngle=0,
    labelLimit=PHASE_STEP - 8,
    # One word per line, so two phases' names never run into each other ("Latente
    # behoefteBewustwording" was two neighbouring columns' labels on one line).
    labelExpr="split(datum.label, ' ')",
    labelLineHeight=13,
    labelPadding=16,  # room for a second line between the names and the plot
    orient="top",
)
"""The phase axis on top of those charts."""
PHASE_BANDS = ["#f5f7fa", "#e6ecf4"]
NARROW = 340
"""Width of single charts: fits a 390 px phone screen with its margins."""


def config() -> dict[str, Any]:
    """The Vega-Lite config shared by all charts."""
    return {
        "font": FONT,
        "background": "white",
        "padding": 8,
        "view": {"stroke": None, "continuousWidth": 320, "continuousHeight": 240},
        "title": {
            "font": FONT,
            "fontSize": 16,
            "fontWeight": 600,
            "color": INK,
            "anchor": "start",
            "offset": 12,
            "subtitleFont": FONT,
            "subtitleFontSize": 12,
            "subtitleColor": MUTED,
            "subtitlePadding": 4,
        },
        "axis": {
            "labelFont": FONT,
            "titleFont": FONT,
            "labelColor": MUTED,
            "titleColor": INK,
            "labelFontSize": 12,
            "titleFontSize": 12,
            "titleFontWeight": 600,
            "gridColor": GRID,
            "domainColor": GRID,
            "tickColor": GRID,
            "labelLimit": 220,
        },
        "legend": {
            "labelFont": FONT,
            "titleFont": FONT,
            "labelFontSize": 12,
            "titleFontSize": 12,
            "labelLimit": 260,
            "orient": "bottom",
            "direction": "horizontal",
        },
        "header": {
            "labelFont": FONT,
            "titleFont": FONT,
            "labelFontSize": 13,
            "labelFontWeight": 600,
            "labelColor": INK,
        },
        "text": {"font": FONT, "fontSize": 12, "color": INK},
        "bar": {"cornerRadiusEnd": 3},
        # Single marks stay out of the accessibility tree; the chart as a whole is described by
        # its title (see themed) and every value is in the tooltips and the report's tables.
        "mark": {"aria": False},
        "aria": False,
    }


CURRENCY = {"nl": ["€ ", ""], "en": ["€", ""]}

NUMBER_LOCALES: dict[str, dict[str, Any]] = {
    language: {
        "decimal": decimal,
        "thousands": thousands,
        "grouping": [3],
        "currency": CURRENCY[language],
    }
    for language, (decimal, thousands) in NUMBER_MARKS.items()
}
"""How numbers are written per language: 3.460 and 29,7% in Dutch, 3,460 and 29.7% in English."""


def themed(chart: Any, lang: str) -> Any:
    """Apply the klantreis theme to a chart, with numbers written as ``lang`` writes them, and
    describe it (for screen readers) by its title."""
    title = getattr(chart, "title", alt.Undefined)
    text = getattr(title, "text", title)
    if isinstance(text, str) and text:
        chart = chart.properties(description=text)
    else:
        chart = chart.copy(deep=False)
    chart.config = _config(lang)
    return chart


@cache
def _config(lang: str) -> alt.Config:
    """The theme as Altair's config object, made once per language: making it is the costly
    part of a chart."""
    return alt.Config.from_dict({**config(), "locale": {"number": NUMBER_LOCALES[lang]}})
