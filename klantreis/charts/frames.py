"""Tables behind the charts: one pandas DataFrame per chart, built from a snapshot.

Kept apart from the Altair code so that what a chart shows can be tested as plain data, and so
that reports and exports can reuse the same numbers. Labels come from the i18n catalogue.
"""

from __future__ import annotations

import math

import pandas as pd

from klantreis.domain import (
    CardKind,
    GoalKind,
    Idea,
    IdeaTopic,
    JourneyStep,
    Polarity,
    RatingKind,
    RatingSummary,
    WorkshopSnapshot,
)
from klantreis.i18n import Language, t

BOARD_COLUMNS = ("need", "barrier", "positive", "negative")
"""The four columns of the customer map: needs, barriers, and associations by polarity."""


def board_column(kind: CardKind, polarity: Polarity | None) -> str:
    """Which board column a card belongs in."""
    if kind is CardKind.ASSOCIATION:
        return "positive" if polarity is Polarity.POSITIVE else "negative"
    return kind.value


def column_label(column: str, language: Language) -> str:
    """The heading of a board column."""
    return t(f"chart.column.{column}", language)


def segments_frame(snap: WorkshopSnapshot) -> pd.DataFrame:
    """One row per segment: name, relevance, focus, cards and measures so far."""
    lang = snap.workshop.language
    scores = snap.rating_summaries(RatingKind.SEGMENT_SCORE)
    none = RatingSummary(math.nan, 0, 0, 0)
    rows = [
        {
            "segment": s.name,
            "relevance": s.relevance,
            "group_median": scores.get(s.id, none).median,
            "group_low": scores[s.id].low if s.id in scores else math.nan,
            "group_high": scores[s.id].high if s.id in scores else math.nan,
            "group_count": scores.get(s.id, none).given,
            "focus": t("chart.focus" if s.is_focus else "chart.not_focus", lang),
            "is_focus": s.is_focus,
            "cards": len(snap.active_cards(segment_id=s.id)),
            "measures": len(snap.active_measures(segment_id=s.id)),
            "description": s.description,
            "position": s.position,
        }
        for s in snap.segments
    ]
    columns = [
        "segment",
        "relevance",
        "group_median",
        "group_low",
        "group_high",
        "group_count",
        "focus",
        "is_focus",
        "cards",
        "measures",
        "description",
        "position",
    ]
    return pd.DataFrame(rows, columns=columns)


def cards_frame(snap: WorkshopSnapshot, segment_id: str | None = None) -> pd.DataFrame:
    """Active cards with their board column, votes and whether a measure covers them."""
    lang = snap.workshop.language
    votes = snap.vote_counts()
    covered = {cid for m in snap.active_measures() for cid in m.card_ids}
    segment_names = {s.id: s.name for s in snap.segments}
    rows = []
    for card in snap.active_cards(segment_id=segment_id):
        column = board_column(card.kind, card.polarity)
        rows.append(
            {
                "id": card.id,
                "text": card.text,
                "detail": card.detail,
                "column": column,
                "column_label": column_label(column, lang),
                "column_order": BOARD_COLUMNS.index(column),
                "votes": votes.get(card.id, 0),
                "segment": segment_names.get(card.segment_id, ""),
                "basis": t(f"basis.{card.basis.value}", lang),
                "alternatives": ", ".join(card.alternatives),
                "covered": card.id in covered,
                "coverage": t("chart.covered" if card.id in covered else "chart.uncovered", lang),
                "created_at": card.created_at,
            }
        )
    columns = [
        "id",
        "text",
        "detail",
        "column",
        "column_label",
        "column_order",
        "votes",
        "segment",
        "basis",
        "alternatives",
        "covered",
        "coverage",
        "created_at",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    if not frame.empty:
        frame["rank"] = (
            frame.sort_values(["votes", "created_at"], ascending=[False, True])
            .groupby("column")
            .cumcount()
            .reindex(frame.index)
        )
    else:
        frame["rank"] = pd.Series(dtype="int64")
    return frame


def alternatives_frame(snap: WorkshopSnapshot) -> pd.DataFrame:
    """One row per (need, alternative it is compared with)."""
    rows = [
        {"need": card.text, "alternative": alternative, "segment": _segment(snap, card.segment_id)}
        for card in snap.active_cards(kind=CardKind.NEED)
        for alternative in card.alternatives
    ]
    return pd.DataFrame(rows, columns=["need", "alternative", "segment"])


def measures_frame(snap: WorkshopSnapshot) -> pd.DataFrame:
    """Active measures with goal, phase, touchpoint, impact and effort."""
    lang = snap.workshop.language
    goal_order = list(GoalKind)
    rows = []
    for m in snap.active_measures():
        order, phase = snap.workshop.phase_place(m.phase_key, t("chart.no_phase", lang))
        touchpoint = snap.touchpoint(m.touchpoint_id)
        rows.append(
            {
                "id": m.id,
                "title": m.title,
                "goal": t(f"goal_kind.{m.goal_kind.value}", lang),
                "goal_key": m.goal_kind.value,
                "goal_order": goal_order.index(m.goal_kind),
                "phase": phase,
                "phase_order": order,
                "touchpoint": touchpoint.name if touchpoint else "",
                "owner": m.owner,
                "impact": m.impact,
                "effort": m.effort,
                "status": t(f"measure_status.{m.status.value}", lang),
                "segment": _segment(snap, m.segment_id),
                "cards": len(m.card_ids),
            }
        )
    columns = [
        "id",
        "title",
        "goal",
        "goal_key",
        "goal_order",
        "phase",
        "phase_order",
        "touchpoint",
        "owner",
        "impact",
        "effort",
        "status",
        "segment",
        "cards",
    ]
    return pd.DataFrame(rows, columns=columns)


def goal_phase_frame(snap: WorkshopSnapshot) -> pd.DataFrame:
    """Every goal × phase cell with the number and titles of measures placed there."""
    lang = snap.workshop.language
    placed: dict[tuple[GoalKind, str], list[str]] = {}
    for m in snap.active_measures():  # a measure in more than one phase counts in each
        for key in m.phase_keys:
            placed.setdefault((m.goal_kind, key), []).append(m.title)
    rows = []
    for g_index, goal in enumerate(GoalKind):
        for p_index, phase in enumerate(snap.workshop.phases):
            here = placed.get((goal, phase.key), [])
            rows.append(
                {
                    "goal": t(f"goal_kind.{goal.value}", lang),
                    "goal_key": goal.value,
                    "goal_order": g_index,
                    "phase": phase.name,
                    "phase_order": p_index,
                    "measures": len(here),
                    "titles": "; ".join(here),
                }
            )
    return pd.DataFrame(rows)


def journey_frame(snap: WorkshopSnapshot, journey_id: str) -> pd.DataFrame:
    """The steps of one journey, in order, with phase, touchpoint, department and feeling.

    The feeling is the group's median once participants rated the step (``feeling_low`` and
    ``feeling_high`` give the range, ``feeling_count`` how many rated), else the one the
    facilitator wrote down."""
    lang = snap.workshop.language
    rows = []
    for step in snap.steps_of(journey_id):
        order, phase = snap.workshop.phase_place(step.phase_key, t("chart.no_phase", lang))
        touchpoint = snap.touchpoint(step.touchpoint_id)
        feeling, group = snap.feeling_at(step)
        shown = None if feeling is None else round(feeling)
        label = feeling_label(snap, step, lang)
        rows.append(
            {
                "number": step.position + 1,
                "action": step.action,
                "label": f"{step.position + 1}. {step.action}",
                "phase": phase,
                "phase_order": order,
                "touchpoint": touchpoint.name if touchpoint else "",
                "department": step.department or t("chart.no_department", lang),
                "feeling": feeling,
                "feeling_low": group.low if group else feeling,
                "feeling_high": group.high if group else feeling,
                "feeling_count": group.given if group else 0,
                "feeling_key": "" if shown is None else str(shown),
                "feeling_label": label,
                "pain_point": step.pain_point,
            }
        )
    columns = [
        "number",
        "action",
        "label",
        "phase",
        "phase_order",
        "touchpoint",
        "department",
        "feeling",
        "feeling_low",
        "feeling_high",
        "feeling_count",
        "feeling_key",
        "feeling_label",
        "pain_point",
    ]
    return pd.DataFrame(rows, columns=columns)


def feeling_label(snap: WorkshopSnapshot, step: JourneyStep, language: Language) -> str:
    """'Positive', or 'Positive (median of 4)' once the group rated the step; '' for none."""
    feeling, group = snap.feeling_at(step)
    if feeling is None:
        return ""
    label = t(f"chart.feeling.{round(feeling)}", language)
    if group is None:
        return label
    return t("chart.feeling_of_group", language, feeling=label, count=group.given)


PHASE_LABEL_CHAR_PX = 7.0
"""About how wide one character of a phase label is (11 px, semi-bold), to wrap it to its band."""


def phase_spans(steps: pd.DataFrame, step_width: float = 64) -> pd.DataFrame:
    """Consecutive runs of journey steps in one phase: where each phase band starts and ends,
    and its name wrapped to the band's width (``label``, lines split by a newline)."""
    rows: list[dict[str, object]] = []
    for number, phase in zip(steps["number"], steps["phase"], strict=True):
        if rows and rows[-1]["phase"] == phase:
            rows[-1]["end"] = number
        else:
            rows.append({"phase": phase, "start": number, "end": number, "band": len(rows)})
    frame = pd.DataFrame(rows, columns=["phase", "start", "end", "band"])
    frame["middle"] = (frame["start"] + frame["end"]) / 2
    frame["shade"] = (frame["band"] % 2).astype(str)
    widths = (frame["end"] - frame["start"] + 1) * step_width - 10
    frame["label"] = [
        wrap_label(str(phase), int(width // PHASE_LABEL_CHAR_PX))
        for phase, width in zip(frame["phase"], widths, strict=True)
    ]
    return frame


def wrap_label(text: str, per_line: int, lines: int = 2) -> str:
    """``text`` in at most ``lines`` lines of ``per_line`` characters, split between words; a
    word or a last line that does not fit ends in an ellipsis."""
    per_line = max(3, per_line)
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= per_line:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:  # the last line takes what it can of the rest
        rest = " ".join(out[lines - 1 :])
        out = [*out[: lines - 1], rest[: per_line - 1].rstrip() + "…"]
    return "\n".join(line if len(line) <= per_line else line[: per_line - 1] + "…" for line in out)


def touchpoint_coverage_frame(snap: WorkshopSnapshot) -> pd.DataFrame:
    """Per phase and department: how many touchpoints, journey steps and measures sit there."""
    lang = snap.workshop.language
    no_department = t("chart.no_department", lang)
    counts: dict[tuple[int, str], dict[str, int]] = {}
    names: dict[int, str] = {}

    def bump(phase_key: str | None, department: str, what: str) -> None:
        if snap.workshop.phase(phase_key) is None:
            return
        position, names[position] = snap.workshop.phase_place(phase_key)
        cell = counts.setdefault((position, department or no_department), {})
        cell[what] = cell.get(what, 0) + 1

    for tp in snap.touchpoints:
        for key in tp.phase_keys:
            bump(key, tp.department, "touchpoints")
    for step in snap.steps:
        bump(step.phase_key, step.department, "steps")
    for m in snap.active_measures():
        for key in m.phase_keys:
            bump(key, m.owner, "measures")
    rows = [
        {
            "phase": names[p],
            "phase_order": p,
            "department": dept,
            "touchpoints": cell.get("touchpoints", 0),
            "steps": cell.get("steps", 0),
            "measures": cell.get("measures", 0),
            "total": sum(cell.values()),
        }
        for (p, dept), cell in sorted(counts.items())
    ]
    columns = ["phase", "phase_order", "department", "touchpoints", "steps", "measures", "total"]
    return pd.DataFrame(rows, columns=columns)


def obstacles_frame(snap: WorkshopSnapshot) -> pd.DataFrame:
    """Active barriers and negative associations: what measures have to take away."""
    cards = cards_frame(snap)
    return cards if cards.empty else cards[cards["column"].isin(["barrier", "negative"])]


def uncovered_frame(snap: WorkshopSnapshot, top: int = 10) -> pd.DataFrame:
    """The most-voted barriers and negative associations that no measure addresses yet."""
    obstacles = obstacles_frame(snap)
    if obstacles.empty:
        return obstacles
    risky = obstacles[~obstacles["covered"]]
    return risky.sort_values(["votes", "created_at"], ascending=[False, True]).head(top)


def persona_frame(snap: WorkshopSnapshot, segment_id: str | None = None) -> pd.DataFrame:
    """The persona of a segment (default: the focus segment) as labelled lines per section,
    with the needs and quotes the room added after the facilitator's own."""
    lang = snap.workshop.language
    segment = snap.segment(segment_id) if segment_id else snap.focus_segment
    persona = snap.persona_for(segment.id) if segment else None
    rows: list[dict[str, object]] = []
    if persona is None:
        return pd.DataFrame(rows, columns=["section", "section_order", "line", "line_order"])

    def room(topic: IdeaTopic) -> list[Idea]:  # what the participants added
        return sorted(snap.active_ideas(topic, persona.segment_id), key=lambda i: i.created_at)

    quotes = [(q.text, q.source) for q in persona.quotes] + [
        (i.text, i.detail) for i in room(IdeaTopic.QUOTE)
    ]
    sections: list[tuple[str, list[str]]] = [
        (
            "functional_needs",
            persona.functional_needs + [i.text for i in room(IdeaTopic.FUNCTIONAL_NEED)],
        ),
        (
            "emotional_needs",
            persona.emotional_needs + [i.text for i in room(IdeaTopic.EMOTIONAL_NEED)],
        ),
        ("quotes", [f"“{text}”" + (f" ({source})" if source else "") for text, source in quotes]),
        ("assumptions", persona.assumptions),
    ]
    for order, (section, lines) in enumerate(sections):
        for line_order, line in enumerate(lines or [t("chart.nothing_yet", lang)]):
            rows.append(
                {
                    "section": t(f"field.{section}", lang),
                    "section_order": order,
                    "line": line,
                    "line_order": line_order,
                }
            )
    return pd.DataFrame(rows)


def survey_frame(snap: WorkshopSnapshot, segment_id: str | None = None) -> pd.DataFrame:
    """The persona's survey facts that have a share, for a bar chart."""
    segment = snap.segment(segment_id) if segment_id else snap.focus_segment
    persona = snap.persona_for(segment.id) if segment else None
    facts = persona.survey_facts if persona else []
    rows = [
        {
            "question": f.question,
            "answer": f.answer,
            "share": f.share_percent,
            "respondents": f.respondents,
        }
        for f in facts
        if f.share_percent is not None
    ]
    return pd.DataFrame(rows, columns=["question", "answer", "share", "respondents"])


def _segment(snap: WorkshopSnapshot, segment_id: str) -> str:
    segment = snap.segment(segment_id)
    return segment.name if segment else ""


__all__ = [
    "BOARD_COLUMNS",
    "alternatives_frame",
    "board_column",
    "cards_frame",
    "feeling_label",
    "goal_phase_frame",
    "journey_frame",
    "measures_frame",
    "obstacles_frame",
    "persona_frame",
    "phase_spans",
    "segments_frame",
    "survey_frame",
    "touchpoint_coverage_frame",
    "uncovered_frame",
    "wrap_label",
]
