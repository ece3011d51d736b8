"""The workshop report: every step's outcome as one HTML fragment, every typed text escaped.

Used by the report notebook (``klantreis report``) and the published site (``klantreis
publish``); charts are drawn by the offline vega-embed bundle, inlined once.
"""

from __future__ import annotations

from html import escape

from klantreis.analytics.results import JourneyData, journey_data
from klantreis.analytics.storage import DataFolder
from klantreis.charts import GALLERY
from klantreis.charts.frames import feeling_label
from klantreis.charts.static import StaticCharts
from klantreis.domain import GoalKind, MethodStep, WorkshopSnapshot
from klantreis.i18n import Language, t
from klantreis.outcomes import (
    challenge_html,
    overview_html,
    persona_html,
    room_ideas_html,
    scope_html,
    segment_scores_html,
)
from klantreis.report.data import data_section_html
from klantreis.report.markup import section, table


def _touchpoint(snap: WorkshopSnapshot, touchpoint_id: str | None) -> str:
    touchpoint = snap.touchpoint(touchpoint_id)
    return touchpoint.name if touchpoint else ""


def cardstable(snap: WorkshopSnapshot, lang: Language) -> str:
    """Every active card of every segment, most votes first."""
    votes = snap.vote_counts()
    segments = {s.id: s.name for s in snap.segments}
    rows = [
        [
            segments.get(card.segment_id, ""),
            t(f"card_kind.{card.kind.value}", lang)
            + (f" ({t(f'polarity.{card.polarity.value}', lang).lower()})" if card.polarity else ""),
            card.text,
            ", ".join(card.alternatives),
            votes[card.id],
        ]
        for card in sorted(
            snap.active_cards(), key=lambda c: (c.segment_id, -votes[c.id], c.created_at)
        )
    ]
    headers = [
        t(k, lang)
        for k in (
            "field.segment_id",
            "field.kind",
            "field.text",
            "field.alternatives",
            "field.votes",
        )
    ]
    return table(headers, rows)


def goals_html(snap: WorkshopSnapshot, lang: Language) -> str:
    """The four goals per segment and the measures under each."""
    parts = []
    for segment in snap.segments:
        goals = [(kind, snap.goal(segment.id, kind)) for kind in GoalKind]
        rows = [
            [t(f"goal_kind.{kind.value}", lang), goal.statement if goal else ""]
            for kind, goal in goals
        ]
        if not any(row[1] for row in rows) and not snap.active_measures(segment.id):
            continue
        parts.append(f"<h3>{escape(segment.name)}</h3>")
        parts.append(table([t("field.goal_kind", lang), t("field.statement", lang)], rows))
        measures = [
            [
                t(f"goal_kind.{m.goal_kind.value}", lang),
                m.title,
                ", ".join(snap.workshop.phase_name(key) for key in m.phase_keys),
                _touchpoint(snap, m.touchpoint_id),
                m.owner,
                m.impact,
                m.effort,
                t(f"measure_status.{m.status.value}", lang),
            ]
            for m in snap.active_measures(segment.id)
        ]
        if measures:
            headers = [
                t(f"field.{k}", lang)
                for k in (
                    "goal_kind",
                    "title",
                    "phase_key",
                    "touchpoint_id",
                    "owner",
                    "impact",
                    "effort",
                    "status",
                )
            ]
            parts.append(table(headers, measures))
    return "".join(parts)


def journeys_html(snap: WorkshopSnapshot, lang: Language) -> str:
    """Each journey's steps in order."""
    parts = []
    for journey in snap.journeys:
        rows = [
            [
                step.position + 1,
                step.action,
                snap.workshop.phase_name(step.phase_key),
                _touchpoint(snap, step.touchpoint_id),
                step.department,
                feeling_label(snap, step, lang),
                step.pain_point,
            ]
            for step in snap.steps_of(journey.id)
        ]
        headers = [
            "#",
            *(
                t(f"field.{k}", lang)
                for k in (
                    "action",
                    "phase_key",
                    "touchpoint_id",
                    "department",
                    "feeling",
                    "pain_point",
                )
            ),
        ]
        parts.append(f"<h3>{escape(journey.name)}</h3>" + table(headers, rows))
    return "".join(parts)


def report_html(
    snap: WorkshopSnapshot, charts: StaticCharts, data: JourneyData | None = None
) -> str:
    """The whole report: overview, then each step with its tables and charts, and (given
    ``data``) what the data says about the ideal journey."""
    lang = snap.workshop.language

    def chart(name: str) -> str:
        return charts.fragment(GALLERY[name](snap), t(f"chart.{name}.title", lang))

    sections = [
        overview_html(snap),
        section(
            t("method_step.challenge", lang),
            challenge_html(snap),
            room_ideas_html(snap, MethodStep.CHALLENGE),
        ),
        section(
            t("method_step.scope", lang),
            scope_html(snap),
            segment_scores_html(snap),
            room_ideas_html(snap, MethodStep.SCOPE),
            chart("segment_relevance"),
        ),
        section(
            t("method_step.persona", lang),
            persona_html(snap),
            room_ideas_html(snap, MethodStep.PERSONA),
            chart("persona_card"),
        ),
        section(
            t("method_step.mapping", lang),
            cardstable(snap, lang),
            chart("card_board"),
            chart("alternatives"),
        ),
        section(
            t("method_step.goals", lang),
            goals_html(snap, lang),
            chart("goals_phases"),
            chart("impact_effort"),
            chart("coverage_check"),
        ),
        section(
            t("method_step.journey", lang),
            journeys_html(snap, lang),
            chart("journey_map"),
            chart("touchpoint_coverage"),
        ),
    ]
    if data is not None:
        sections.append(data_section_html(data, charts))
    return '<div class="klantreis kr-report">' + "".join(sections) + "</div>"


def workshop_report_html(
    snap: WorkshopSnapshot, charts: StaticCharts, data: DataFolder | None = None
) -> str:
    """The report of a workshop, with what its analytics ``data`` say when it has a folder."""
    return report_html(snap, charts, journey_data(snap, data) if data is not None else None)
