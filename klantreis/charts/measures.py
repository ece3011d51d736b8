"""Goals and measures: where measures sit (goal × phase) and the quick wins (impact × effort)."""

from __future__ import annotations

from typing import Any

import altair as alt

from klantreis.charts.frames import goal_phase_frame, measures_frame
from klantreis.charts.theme import GOAL_COLOURS, GRID, MUTED, NARROW, PHASE_AXIS, PHASE_STEP, themed
from klantreis.domain import GoalKind, WorkshopSnapshot
from klantreis.i18n import t


def goal_colour(lang: str, field: str = "goal:N") -> alt.Color:
    """The colour encoding shared by charts that show the four goals."""
    domain = [t(f"goal_kind.{g.value}", lang) for g in GoalKind]  # type: ignore[arg-type]
    return alt.Color(
        field,
        scale=alt.Scale(domain=domain, range=[GOAL_COLOURS[g.value] for g in GoalKind]),
        title=None,
        legend=alt.Legend(columns=2, symbolType="circle"),
    )


def goals_phases(snap: WorkshopSnapshot) -> Any:
    """The four goals down, the phases across; each circle counts the measures placed there.
    Empty cells show where a goal has no measure in a phase."""
    lang = snap.workshop.language
    data = goal_phase_frame(snap)
    x = alt.X(
        "phase:N",
        sort=alt.SortField("phase_order"),
        title=None,
        axis=PHASE_AXIS,
    )
    y = alt.Y("goal:N", sort=alt.SortField("goal_order"), title=None)
    tooltip = [
        alt.Tooltip("goal:N", title=t("field.goal_kind", lang)),
        alt.Tooltip("phase:N", title=t("field.phase_key", lang)),
        alt.Tooltip("measures:Q", title=t("field.measures", lang)),
        alt.Tooltip("titles:N", title=t("chart.titles", lang)),
    ]
    grid = alt.Chart(data).mark_rect(fill="white", stroke=GRID).encode(x=x, y=y, tooltip=tooltip)
    circles = (
        alt.Chart(data)
        .transform_filter("datum.measures > 0")
        .mark_circle(opacity=0.85)
        .encode(
            x=x,
            y=y,
            size=alt.Size("measures:Q", scale=alt.Scale(range=[250, 1400]), legend=None),
            color=goal_colour(lang),
            tooltip=tooltip,
        )
    )
    counts = (
        alt.Chart(data)
        .transform_filter("datum.measures > 0")
        .mark_text(color="white", fontWeight=700)
        .encode(x=x, y=y, text="measures:Q", tooltip=tooltip)
    )
    chart = alt.layer(grid, circles, counts).properties(
        title=t("chart.goals_phases.title", lang), width=alt.Step(PHASE_STEP), height=alt.Step(56)
    )
    return themed(chart, lang)


def impact_effort(snap: WorkshopSnapshot) -> Any:
    """Each measure placed by impact and effort; top left are the quick wins."""
    lang = snap.workshop.language
    data = measures_frame(snap)
    scale = alt.Scale(domain=[0.5, 5.5], nice=False)
    points = (
        alt.Chart(data)
        .transform_calculate(
            jitter_x="datum.effort + (((datum.goal_order * 7 + datum.cards * 3) % 5) - 2) * 0.09",
            jitter_y="datum.impact + (((datum.goal_order * 5 + datum.cards * 7) % 5) - 2) * 0.09",
        )
        .mark_circle(size=180, opacity=0.85, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "jitter_x:Q",
                scale=scale,
                title=t("field.effort", lang),
                axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"),
            ),
            y=alt.Y(
                "jitter_y:Q",
                scale=scale,
                title=t("field.impact", lang),
                axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"),
            ),
            color=goal_colour(lang),
            tooltip=[
                alt.Tooltip("title:N", title=t("field.title", lang)),
                alt.Tooltip("goal:N", title=t("field.goal_kind", lang)),
                alt.Tooltip("impact:Q", title=t("field.impact", lang)),
                alt.Tooltip("effort:Q", title=t("field.effort", lang)),
                alt.Tooltip("owner:N", title=t("field.owner", lang)),
                alt.Tooltip("status:N", title=t("field.status", lang)),
            ],
        )
    )
    quadrant = (
        alt.Chart()
        .mark_rect(color="#eef7f1")
        .encode(x=alt.datum(0.5), x2=alt.datum(3), y=alt.datum(3), y2=alt.datum(5.5))
    )
    label = (
        alt.Chart()
        .mark_text(align="left", baseline="top", color=MUTED, fontStyle="italic")
        .encode(x=alt.datum(0.6), y=alt.datum(5.4), text=alt.datum(t("chart.quick_wins", lang)))
    )
    chart = alt.layer(quadrant, label, points).properties(
        title=t("chart.impact_effort.title", lang), width=NARROW, height=300
    )
    return themed(chart, lang)
