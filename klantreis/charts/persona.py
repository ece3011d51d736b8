"""The persona card: needs, quotes and assumptions as a readable card, survey facts as bars."""

from __future__ import annotations

from typing import Any

import altair as alt

from klantreis.charts.frames import persona_frame, survey_frame
from klantreis.charts.theme import ACCENT, INK, MUTED, themed
from klantreis.domain import WorkshopSnapshot
from klantreis.i18n import t


def persona_card(snap: WorkshopSnapshot, segment_id: str | None = None) -> Any:
    """The persona of a segment (default: the focus segment) as a card."""
    lang = snap.workshop.language
    segment = snap.segment(segment_id) if segment_id else snap.focus_segment
    persona = snap.persona_for(segment.id) if segment else None
    lines = persona_frame(snap, segment_id)
    facts = survey_frame(snap, segment_id)
    if persona is None:
        title = t("chart.persona_card.none", lang)
        subtitle = ""
    else:
        title = persona.name + (f" · {segment.name}" if segment else "")
        count = snap.persona_evidence(persona.segment_id)
        evidence = "chart.persona_card.evidence" if count else "chart.persona_card.assumptions_only"
        subtitle = " ".join(
            part for part in (persona.tagline, t(evidence, lang, count=count)) if part
        )
    text = (
        alt.Chart(lines)
        .mark_text(align="left", baseline="middle", limit=340, color=INK)
        .encode(
            x=alt.value(0),
            y=alt.Y("line_order:O", axis=None),
            text="line:N",
            tooltip=[alt.Tooltip("section:N", title=" "), alt.Tooltip("line:N", title=" ")],
        )
        .properties(width=340, height=alt.Step(20))
        .facet(
            row=alt.Row(
                "section:N",
                sort=alt.SortField("section_order"),
                title=None,
                header=alt.Header(
                    labelAngle=0,
                    labelAlign="left",
                    labelAnchor="start",
                    labelOrient="top",
                    labelColor=MUTED,
                    labelPadding=2,
                ),
            ),
            spacing=10,
        )
        .resolve_scale(y="independent")
    )
    parts: list[Any] = [text]
    if not facts.empty:
        bars = (
            alt.Chart(facts)
            .mark_bar(color=ACCENT, height={"band": 0.7})
            .encode(
                x=alt.X(
                    "share:Q",
                    title=t("field.share_percent", lang),
                    scale=alt.Scale(domain=[0, 100]),
                ),
                y=alt.Y("answer:N", title=None),
                tooltip=[
                    alt.Tooltip("question:N", title=t("field.question", lang)),
                    alt.Tooltip("answer:N", title=t("field.answer", lang)),
                    alt.Tooltip("share:Q", title=t("field.share_percent", lang)),
                    alt.Tooltip("respondents:Q", title=t("field.respondents", lang)),
                ],
            )
            .properties(title=t("field.survey_facts", lang), width=260, height=alt.Step(26))
        )
        parts.append(bars)
    card = alt.hconcat(*parts, spacing=24).properties(
        title=alt.TitleParams(title, subtitle=subtitle, subtitleColor=MUTED)
    )
    return themed(card, lang)
