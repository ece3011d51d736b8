"""The ideal journey: steps over phases with the customer's feeling, and where touchpoints,
steps and measures sit per phase and department."""

from __future__ import annotations

from typing import Any

import altair as alt

from klantreis.charts.frames import journey_frame, phase_spans, touchpoint_coverage_frame
from klantreis.charts.theme import (
    FEELING_COLOURS,
    INK,
    MUTED,
    NARROW,
    PHASE_AXIS,
    PHASE_BANDS,
    PHASE_STEP,
    themed,
)
from klantreis.domain import FEELING_MAX, FEELING_MIN, WorkshopSnapshot
from klantreis.i18n import t

STEP_WIDTH = 72


def journey_map(snap: WorkshopSnapshot, journey_id: str | None = None) -> Any:
    """One journey as a map: phase bands, the emotion curve over the steps (a "!" marks a pain
    point), and the numbered steps with touchpoint and department beneath. Defaults to the first
    journey."""
    lang = snap.workshop.language
    if journey_id is None and snap.journeys:
        journey_id = snap.journeys[0].id
    journey = next((j for j in snap.journeys if j.id == journey_id), None)
    data = journey_frame(snap, journey_id or "")
    spans = phase_spans(data, STEP_WIDTH)
    count = max(1, len(data))
    width = max(NARROW, STEP_WIDTH * count)
    x_scale = alt.Scale(domain=[0.5, count + 0.5], nice=False, zero=False)
    x = alt.X(
        "number:Q",
        scale=x_scale,
        title=t("chart.step", lang),
        axis=alt.Axis(values=list(range(1, count + 1)), format="d", grid=False),
    )
    feeling_scale = alt.Scale(domain=[FEELING_MIN - 0.6, FEELING_MAX + 1.2], nice=False)
    y = alt.Y(
        "feeling:Q",
        scale=feeling_scale,
        title=t("field.feeling", lang),
        axis=alt.Axis(
            values=list(range(FEELING_MIN, FEELING_MAX + 1)),
            labelExpr="datum.value > 0 ? '+' + datum.value : '' + datum.value",
        ),
    )
    tooltip = [
        alt.Tooltip("label:N", title=t("field.action", lang)),
        alt.Tooltip("phase:N", title=t("field.phase_key", lang)),
        alt.Tooltip("touchpoint:N", title=t("field.touchpoint_id", lang)),
        alt.Tooltip("department:N", title=t("field.department", lang)),
        alt.Tooltip("feeling_label:N", title=t("field.feeling", lang)),
        alt.Tooltip("pain_point:N", title=t("field.pain_point", lang)),
    ]
    bands = (
        alt.Chart(spans)
        .transform_calculate(left="datum.start - 0.5", right="datum.end + 0.5")
        .mark_rect()
        .encode(
            x=alt.X("left:Q", scale=x_scale),
            x2="right:Q",
            color=alt.Color(
                "shade:N", scale=alt.Scale(domain=["0", "1"], range=PHASE_BANDS), legend=None
            ),
            tooltip=[alt.Tooltip("phase:N", title=t("field.phase_key", lang))],
        )
    )
    band_labels = (
        alt.Chart(spans)
        .mark_text(
            baseline="top",
            color=MUTED,
            fontSize=10,
            fontWeight=600,
            lineBreak="\n",
            # As wide as its band at the width the chart is drawn at (a phone's is narrower).
            limit=alt.ExprRef(f"(datum.end - datum.start + 1) * width / {count} - 6"),
        )
        .encode(
            x=alt.X("middle:Q", scale=x_scale),
            y=alt.value(4),
            text="label:N",
        )
    )
    zero = alt.Chart(data).mark_rule(color=MUTED, strokeDash=[3, 3]).encode(y=alt.datum(0))
    valid = alt.Chart(data).transform_filter("isValid(datum.feeling)")
    spread = (  # the range of the group's feelings where more than one person rated the step
        valid.transform_filter("datum.feeling_count > 1")
        .mark_rule(color=MUTED, strokeWidth=7, opacity=0.35, strokeCap="round")
        .encode(x=x, y="feeling_low:Q", y2="feeling_high:Q", tooltip=tooltip)
    )
    line = valid.mark_line(color=INK, strokeWidth=2, interpolate="monotone").encode(x=x, y=y)
    points = valid.mark_circle(size=170, opacity=1, stroke="white", strokeWidth=1.5).encode(
        x=x,
        y=y,
        color=alt.Color(
            "feeling_key:N",
            scale=alt.Scale(
                domain=[str(v) for v in range(FEELING_MIN, FEELING_MAX + 1)], range=FEELING_COLOURS
            ),
            legend=None,
        ),
        tooltip=tooltip,
    )
    pains = (
        valid.transform_filter("datum.pain_point != ''")
        .mark_text(text="!", fontWeight=900, fontSize=16, color=FEELING_COLOURS[0], dy=-16)
        .encode(x=x, y=y, tooltip=tooltip)
    )
    curve = (
        alt.layer(bands, band_labels, zero, spread, line, points, pains)
        .resolve_scale(color="independent")
        .properties(width=width, height=230)
    )
    rows = (
        alt.Chart(data)
        .transform_calculate(
            where="join([datum.touchpoint, datum.department], ' · ')",
        )
        .encode(y=alt.Y("number:O", axis=None), tooltip=tooltip)
    )
    numbers = rows.mark_text(align="right", fontWeight=700, color=INK).encode(
        x=alt.value(22), text="number:Q"
    )
    # Positions follow the width the chart is drawn at (a phone's layout narrows it).
    actions = rows.mark_text(align="left", limit=alt.ExprRef("width * 0.6 - 30")).encode(
        x=alt.value(30), text="action:N"
    )
    where = rows.mark_text(
        align="left", color=MUTED, limit=alt.ExprRef("width * 0.38 - 30")
    ).encode(
        x=alt.XValue(alt.ExprRef("30 + width * 0.62")),  # type: ignore[no-untyped-call]
        text="where:N",
    )
    table = alt.layer(numbers, actions, where).properties(width=width, height=alt.Step(22))
    title = t("chart.journey_map.title", lang) + (f": {journey.name}" if journey else "")
    spread_note = t("chart.journey_map.spread", lang) if (data["feeling_count"] > 1).any() else ""
    return themed(
        alt.vconcat(curve, table, spacing=10).properties(
            title=alt.TitleParams(title, subtitle=spread_note)
        ),
        lang,
    )


def touchpoint_coverage(snap: WorkshopSnapshot) -> Any:
    """Phases across, departments down: how many touchpoints, steps and measures sit in each cell.
    Empty rows and columns show phases or departments nobody looks after."""
    lang = snap.workshop.language
    data = touchpoint_coverage_frame(snap)
    phases = [p.name for p in snap.workshop.phases]
    x = alt.X(
        "phase:N",
        sort=phases,
        scale=alt.Scale(domain=phases),
        title=None,
        axis=PHASE_AXIS,
    )
    y = alt.Y("department:N", title=None)
    tooltip = [
        alt.Tooltip("phase:N", title=t("field.phase_key", lang)),
        alt.Tooltip("department:N", title=t("field.department", lang)),
        alt.Tooltip("touchpoints:Q", title=t("field.touchpoints", lang)),
        alt.Tooltip("steps:Q", title=t("field.steps", lang)),
        alt.Tooltip("measures:Q", title=t("field.measures", lang)),
    ]
    most = int(data["total"].max()) if not data.empty else 0
    cells = (
        alt.Chart(data)
        .mark_rect(cornerRadius=3)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "total:Q",
                scale=alt.Scale(scheme="blues", domain=[0, max(1, most)]),
                title=t("chart.total", lang),
            ),
            tooltip=tooltip,
        )
    )
    text = (
        alt.Chart(data)
        .mark_text(fontWeight=600)
        .encode(
            x=x,
            y=y,
            text="total:Q",
            color=alt.condition(
                f"datum.total > {max(1, most) / 2}",
                alt.value("white"),
                alt.value(INK),
            ),
            tooltip=tooltip,
        )
    )
    chart = alt.layer(cells, text).properties(
        title=t("chart.touchpoint_coverage.title", lang),
        width=alt.Step(PHASE_STEP),
        height=alt.Step(34),
    )
    return themed(chart, lang)
