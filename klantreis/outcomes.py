"""What the group decided, step by step, as small pieces of HTML with every text escaped.

Used by the static views of the step panels, the summary, and the report.
"""

from __future__ import annotations

from html import escape

from klantreis.domain import (
    PERSONA_TOPICS,
    STEP_OF_TOPIC,
    VOTED_TOPICS,
    GoalKind,
    IdeaTopic,
    MethodStep,
    RatingKind,
    WorkshopSnapshot,
)
from klantreis.i18n import Language, t


def challenge_html(
    snap: WorkshopSnapshot, warnings: bool = True, language: Language | None = None
) -> str:
    """The challenge and the end goal; with ``warnings`` (for the facilitator and the report,
    not the projector or a participant's phone), flags an end goal that cannot be measured.
    Labels in ``language`` (a participant's choice), else the workshop's."""
    lang = language or snap.workshop.language
    workshop = snap.workshop
    goal = workshop.end_goal
    title = escape(t("method_step.challenge", lang))
    parts = [f'<div class="kr-card"><div class="kr-section">{title}</div>']
    if workshop.challenge_kind:
        kind = escape(t(f"challenge_kind.{workshop.challenge_kind.value}", lang))
        parts.append(f"<p><strong>{kind}</strong></p>")
    parts.append(f"<p>{escape(workshop.challenge) or escape(t('chart.nothing_yet', lang))}</p>")
    if goal.is_measurable:
        target = t(
            "summary.end_goal",
            lang,
            metric=goal.metric,
            threshold=f"{goal.threshold:g}",
            unit=goal.unit,
        )
        parts.append(
            f"<p><strong>{escape(t('field.end_goal', lang))}:</strong> {escape(target.strip())}</p>"
        )
    elif warnings:
        parts.append(
            f'<p class="kr-problem">{escape(t("pitfall.end_goal_not_measurable", lang))}</p>'
        )
    if goal.description:
        parts.append(f"<p>{escape(goal.description)}</p>")
    parts.append("</div>")
    return "".join(parts)


def scope_html(snap: WorkshopSnapshot, language: Language | None = None) -> str:
    """Situations in scope, who is in, who is explicitly out, and the focus segment."""
    lang = language or snap.workshop.language
    scope = snap.workshop.scope
    focus = snap.focus_segment
    items = [
        (
            t("field.situations", lang),
            ", ".join(t(f"situation.{s.value}", lang) for s in scope.situations),
        ),
        (t("field.included", lang), "; ".join(scope.included)),
        (t("field.excluded", lang), "; ".join(scope.excluded)),
        (t("chart.focus", lang), focus.name if focus else ""),
    ]
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v) or '–'}</dd>" for k, v in items)
    title = escape(t("method_step.scope", lang))
    return f'<div class="kr-card"><div class="kr-section">{title}</div><dl>{rows}</dl></div>'


def persona_html(
    snap: WorkshopSnapshot, warnings: bool = True, language: Language | None = None
) -> str:
    """The focus segment's persona in words (the persona card chart shows the rest); with
    ``warnings``, flags a persona that rests on assumptions only."""
    lang = language or snap.workshop.language
    segment = snap.focus_segment or (snap.segments[0] if snap.segments else None)
    persona = snap.persona_for(segment.id) if segment else None
    if persona is None:
        return ""
    parts = [f"<h3>{escape(persona.name)}</h3>"]
    if persona.tagline:
        parts.append(f"<p><em>{escape(persona.tagline)}</em></p>")
    for key, text in (
        ("life_world", persona.life_world),
        ("problem_experience", persona.problem_experience),
    ):
        if text:
            parts.append(
                f"<p><strong>{escape(t(f'field.{key}', lang))}:</strong> {escape(text)}</p>"
            )
    if warnings and persona.rests_on_assumptions_only:
        parts.append(f'<p class="kr-problem">{escape(t("pitfall.persona_assumptions", lang))}</p>')
    return '<div class="kr-card">' + "".join(parts) + "</div>"


def goals_html(snap: WorkshopSnapshot) -> str:
    """The focus segment's four goal statements (a dash for one not written down yet)."""
    lang = snap.workshop.language
    segment = snap.focus_segment or (snap.segments[0] if snap.segments else None)
    if segment is None:
        return ""
    rows = []
    for kind in GoalKind:
        goal = snap.goal(segment.id, kind)
        statement = escape(goal.statement if goal is not None else "") or "–"
        rows.append(f"<dt>{escape(t(f'goal_kind.{kind.value}', lang))}</dt><dd>{statement}</dd>")
    title = escape(t("method_step.goals", lang))
    name = escape(segment.name)
    return (
        f'<div class="kr-card"><div class="kr-section">{title}: {name}</div>'
        f"<dl>{''.join(rows)}</dl></div>"
    )


def decisions_html(snap: WorkshopSnapshot) -> str:
    """What the group decided so far, for the projector: challenge and end goal, scope and
    focus, the four goals; no warnings (those are for the facilitator's console)."""
    parts = [challenge_html(snap, warnings=False), scope_html(snap), goals_html(snap)]
    return '<div class="kr-decisions">' + "".join(parts) + "</div>"


LEAD_ITEMS = 6
"""Proposals per list on the projector: the most voted, readable from the back of the room."""


def lead_html(snap: WorkshopSnapshot) -> str:
    """What the projector leads with: the open step's name and, for the steps whose results are
    words rather than charts, the room's proposals with their votes, segment scores, or the
    persona with what the group added; empty when no step is open."""
    lang = snap.workshop.language
    step = snap.workshop.open_step
    if step is None:
        return ""
    parts = [f"<h2>{escape(t('lead.now', lang, step=t(f'method_step.{step.value}', lang)))}</h2>"]
    if step is MethodStep.CHALLENGE:
        parts.append(challenge_html(snap, warnings=False))
        parts += [ideas_html(snap, topic) for topic in (IdeaTopic.CHALLENGE, IdeaTopic.END_GOAL)]
    elif step is MethodStep.SCOPE:
        parts.append(segment_scores_html(snap))
        parts.append(ideas_html(snap, IdeaTopic.SEGMENT))
    elif step is MethodStep.PERSONA:
        parts.append(persona_html(snap, warnings=False))
        focus = snap.focus_segment or (snap.segments[0] if snap.segments else None)
        segment_id = focus.id if focus else None
        carded = segment_id is not None and snap.persona_for(segment_id) is not None
        # The room's quotes and needs are on the persona card beside this; its facts are not.
        topics = [IdeaTopic.FACT] if carded else PERSONA_TOPICS
        parts += [ideas_html(snap, topic, segment_id) for topic in topics]
    return '<div class="kr-lead">' + "".join(parts) + "</div>"


def ideas_html(
    snap: WorkshopSnapshot,
    topic: IdeaTopic,
    segment_id: str | None = None,
    limit: int | None = LEAD_ITEMS,
) -> str:
    """The room's proposals of one topic, most voted first, with their votes ("" for none);
    ``limit`` keeps the list readable on the projector (the report shows all)."""
    lang = snap.workshop.language
    ideas = snap.active_ideas(topic, segment_id)
    if not ideas:
        return ""
    support = snap.support_counts()
    voted = topic in VOTED_TOPICS
    items = []
    for idea in ideas[:limit]:
        count = (
            f' <span class="kr-meta">{escape(t("list.idea_votes", lang, count=support[idea.id]))}'
            "</span>"
            if voted
            else ""
        )
        items.append(f"<li>{escape(idea.text)}{count}</li>")
    more = len(ideas) - (limit or len(ideas))
    if more > 0:
        items.append(f'<li class="kr-meta">{escape(t("list.more", lang, count=more))}</li>')
    title = escape(t(f"ideas.{topic.value}.title", lang))
    return (
        f'<div class="kr-card"><div class="kr-section">{title}</div><ol>{"".join(items)}</ol></div>'
    )


def segment_scores_html(snap: WorkshopSnapshot) -> str:
    """The facilitator's relevance of each segment beside the group's median score (range)."""
    lang = snap.workshop.language
    if not snap.segments:
        return ""
    scores = snap.rating_summaries(RatingKind.SEGMENT_SCORE)
    head = "".join(
        f"<th>{escape(t(k, lang))}</th>"
        for k in ("field.name", "field.relevance", "chart.group_score", "chart.scores_given")
    )
    rows = []
    for segment in snap.segments:
        group = scores.get(segment.id)
        median = f"{group.median:g} ({group.low}–{group.high})" if group else "–"
        focus = " ★" if segment.is_focus else ""
        rows.append(
            f"<tr><td>{escape(segment.name)}{focus}</td><td>{segment.relevance}</td>"
            f"<td>{median}</td><td>{group.given if group else 0}</td></tr>"
        )
    return f'<table class="kr-table"><tr>{head}</tr>{"".join(rows)}</table>'


def room_ideas_html(snap: WorkshopSnapshot, step: MethodStep) -> str:
    """Everything the room proposed in one step, for the report ("" when nothing)."""
    focus = snap.focus_segment or (snap.segments[0] if snap.segments else None)
    topics = [t_ for t_ in IdeaTopic if STEP_OF_TOPIC[t_] is step]
    return "".join(
        ideas_html(snap, topic, focus.id if focus and topic in PERSONA_TOPICS else None, limit=None)
        for topic in topics
    )


def overview_html(snap: WorkshopSnapshot) -> str:
    """Title and how much the group produced."""
    lang = snap.workshop.language
    counts = t(
        "summary.counts",
        lang,
        cards=t("count.cards", lang, count=len(snap.active_cards())),
        votes=t("count.dots", lang, count=sum(snap.vote_counts().values())),
        measures=t("count.measures", lang, count=len(snap.active_measures())),
        steps=t("count.steps", lang, count=len(snap.steps)),
        people=t("count.participants", lang, count=len(snap.participants)),
    )
    return f"<h2>{escape(snap.workshop.title)}</h2><p>{escape(counts)}</p>"
