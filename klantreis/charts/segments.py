"""Scope and segments: how relevant each candidate segment is to the challenge."""

from __future__ import annotations

from typing import Any

import altair as alt

from klantreis.charts.frames import segments_frame
from klantreis.charts.theme import ACCENT, INK, MUTED, NARROW, themed
from klantreis.domain import WorkshopSnapshot
from klantreis.i18n import t


def segment_relevance(snap: WorkshopSnapshot) -> Any:
    """Horizontal bars of the facilitator's relevance (1–5) per segment, the focus segment
    highlighted; the group's scores as a diamond (median) on a line (lowest to highest)."""
    lang = snap.workshop.language
    data = segments_frame(snap)
    base = alt.Chart(data).encode(
        y=alt.Y("segment:N", sort=alt.SortField("position"), title=None),
        tooltip=[
            alt.Tooltip("segment:N", title=t("field.name", lang)),
            alt.Tooltip("relevance:Q", title=t("field.relevance", lang)),
            alt.Tooltip("group_median:Q", title=t("chart.group_score", lang)),
            alt.Tooltip("group_count:Q", title=t("chart.scores_given", lang)),
            alt.Tooltip("focus:N", title=t("field.is_focus", lang)),
            alt.Tooltip("cards:Q", title=t("field.cards", lang)),
            alt.Tooltip("measures:Q", title=t("field.measures", lang)),
        ],
    )
    bars = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X(
            "relevance:Q",
            scale=alt.Scale(domain=[0, 5]),
            title=t("field.relevance", lang),
            axis=alt.Axis(values=[0, 1, 2, 3, 4, 5], format="d"),
        ),
        color=alt.Color(
            "focus:N",
            scale=alt.Scale(
                domain=[t("chart.focus", lang), t("chart.not_focus", lang)], range=[ACCENT, MUTED]
            ),
            title=None,
        ),
    )
    # The group's scores: the median as a dot, the range of the scores as a line through it.
    scored = base.transform_filter("datum.group_count > 0")
    spread = scored.mark_rule(color=INK, strokeWidth=2).encode(x="group_low:Q", x2="group_high:Q")
    median = scored.mark_point(color=INK, filled=True, size=90, shape="diamond").encode(
        x="group_median:Q"
    )
    return themed(
        (bars + spread + median).properties(
            title=alt.TitleParams(
                t("chart.segment_relevance.title", lang),
                subtitle=t("chart.segment_relevance.group", lang)
                if (data["group_count"] > 0).any()
                else "",
            ),
            width=NARROW,
            height=alt.Step(36),
        ),
        lang,
    )
