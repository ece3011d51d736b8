"""The customer map: needs, barriers and associations with their votes, the alternatives that
needs are compared with, and the check for barriers and negative associations without a measure."""

from __future__ import annotations

from typing import Any

import altair as alt

from klantreis.charts.frames import (
    BOARD_COLUMNS,
    alternatives_frame,
    cards_frame,
    column_label,
    obstacles_frame,
    uncovered_frame,
)
from klantreis.charts.theme import COLUMN_COLOURS, INK, MUTED, NARROW, themed
from klantreis.domain import WorkshopSnapshot
from klantreis.i18n import t

CARD_WIDTH = 260


def card_board(snap: WorkshopSnapshot, segment_id: str | None = None) -> Any:
    """Four columns of cards (needs, barriers, positive and negative associations), most-voted
    on top; a bar per card shows its dots. Shows one segment: the focus segment by default."""
    lang = snap.workshop.language
    if segment_id is None and snap.focus_segment is not None:
        segment_id = snap.focus_segment.id
    segment = snap.segment(segment_id)
    data = cards_frame(snap, segment_id)
    labels = [column_label(c, lang) for c in BOARD_COLUMNS]
    colour = alt.Color(
        "column_label:N",
        scale=alt.Scale(domain=labels, range=[COLUMN_COLOURS[c] for c in BOARD_COLUMNS]),
        legend=None,
    )
    tooltip = [
        alt.Tooltip("text:N", title=t("field.text", lang)),
        alt.Tooltip("votes:Q", title=t("field.votes", lang)),
        alt.Tooltip("basis:N", title=t("field.basis", lang)),
        alt.Tooltip("alternatives:N", title=t("field.alternatives", lang)),
        alt.Tooltip("coverage:N", title=t("chart.coverage", lang)),
    ]
    y = alt.Y("rank:O", axis=None)
    most = max(1, int(data["votes"].max())) if not data.empty else 1
    x_scale = alt.Scale(domain=[0, most], nice=False)
    bars = (
        alt.Chart()
        .mark_bar(opacity=0.22, height={"band": 0.86}, cornerRadiusEnd=3)
        .encode(
            x=alt.X("votes:Q", axis=None, scale=x_scale),
            y=y,
            color=colour,
            tooltip=tooltip,
        )
    )
    background = (
        alt.Chart()
        .mark_bar(opacity=0.07, height={"band": 0.86}, cornerRadius=3)
        .encode(x=alt.value(0), x2=alt.value(CARD_WIDTH), y=y, color=colour, tooltip=tooltip)
    )
    text = (
        alt.Chart()
        .mark_text(align="left", dx=6, limit=CARD_WIDTH - 34)
        .encode(x=alt.value(0), y=y, text="text:N", tooltip=tooltip)
    )
    dots = (
        alt.Chart()
        .transform_filter("datum.votes > 0")
        .mark_text(align="right", dx=-4, fontWeight=700)
        .encode(x=alt.value(CARD_WIDTH), y=y, text=alt.Text("votes:Q", format="d"), color=colour)
    )
    board = (
        alt.layer(background, bars, text, dots, data=data)
        .properties(width=CARD_WIDTH, height=alt.Step(26))
        .facet(
            column=alt.Column(
                "column_label:N",
                sort=labels,
                title=None,
                header=alt.Header(labelAlign="left", labelAnchor="start"),
            )
        )
        .resolve_scale(y="independent")
        .properties(
            title=alt.TitleParams(
                t("chart.card_board.title", lang),
                subtitle=segment.name if segment else "",
                subtitleColor=MUTED,
            )
        )
    )
    return themed(board, lang)


def alternatives(snap: WorkshopSnapshot) -> Any:
    """Which alternatives customers compare each need with: a need × alternative grid."""
    lang = snap.workshop.language
    data = alternatives_frame(snap)
    chart = (
        alt.Chart(data)
        .mark_square(size=220, color=COLUMN_COLOURS["need"])
        .encode(
            x=alt.X(
                "alternative:N", title=t("field.alternatives", lang), axis=alt.Axis(labelAngle=-30)
            ),
            y=alt.Y("need:N", title=None),
            tooltip=[
                alt.Tooltip("need:N", title=t("card_kind.need", lang)),
                alt.Tooltip("alternative:N", title=t("field.alternatives", lang)),
                alt.Tooltip("segment:N", title=t("field.segment_id", lang)),
            ],
        )
        .properties(
            title=t("chart.alternatives.title", lang), width=alt.Step(60), height=alt.Step(32)
        )
    )
    return themed(chart, lang)


def coverage_check(snap: WorkshopSnapshot, top: int = 10) -> Any:
    """The most-voted barriers and negative associations that no measure addresses yet."""
    lang = snap.workshop.language
    data = uncovered_frame(snap, top)
    title = t("chart.coverage_check.title", lang)
    if data.empty:
        none_yet = obstacles_frame(snap).empty
        key = "chart.coverage_check.none_yet" if none_yet else "chart.coverage_check.all_covered"
        message = alt.Chart().mark_text(align="left", color=COLUMN_COLOURS["positive"], fontSize=14)
        done = message.encode(x=alt.value(0), y=alt.value(12), text=alt.datum(t(key, lang)))
        return themed(done.properties(title=title, width=NARROW, height=24), lang)
    labels = [column_label(c, lang) for c in ("barrier", "negative")]
    chart = (
        alt.Chart(data)
        .mark_bar(height={"band": 0.7})
        .encode(
            x=alt.X(
                "votes:Q",
                title=t("field.votes", lang),
                axis=alt.Axis(tickMinStep=1, format="d"),
                scale=alt.Scale(domainMin=0),
            ),
            y=alt.Y("text:N", sort="-x", title=None, axis=alt.Axis(labelColor=INK)),
            color=alt.Color(
                "column_label:N",
                scale=alt.Scale(
                    domain=labels, range=[COLUMN_COLOURS["barrier"], COLUMN_COLOURS["negative"]]
                ),
                title=None,
            ),
            tooltip=[
                alt.Tooltip("text:N", title=t("field.text", lang)),
                alt.Tooltip("column_label:N", title=t("field.kind", lang)),
                alt.Tooltip("votes:Q", title=t("field.votes", lang)),
                alt.Tooltip("segment:N", title=t("field.segment_id", lang)),
            ],
        )
        .properties(
            title=alt.TitleParams(
                title,
                subtitle=t("chart.coverage_check.subtitle", lang),
                subtitleColor=MUTED,
            ),
            width=NARROW,
            height=alt.Step(28),
        )
    )
    return themed(chart, lang)
