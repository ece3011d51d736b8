"""A workshop at a glance: what ``klantreis info`` prints, as (label, value) lines."""

from __future__ import annotations

from collections import Counter

from klantreis.domain import WorkshopSnapshot
from klantreis.i18n import t


def overview(snap: WorkshopSnapshot, database: str) -> list[tuple[str, str]]:
    """Title, language, ``database`` (as it may be shown), phases, open step and how much the
    group has entered, labelled in the workshop's language."""
    lang = snap.workshop.language
    cards = Counter(card.kind.value for card in snap.active_cards())
    focus = snap.focus_segment
    step = snap.workshop.open_step
    return [
        (t("cli.info.title", lang), snap.workshop.title),
        (t("cli.info.language", lang), snap.workshop.language),
        (t("cli.info.database", lang), database),
        (t("cli.info.phases", lang), " → ".join(p.name for p in snap.workshop.phases)),
        (
            t("cli.info.open_step", lang),
            t(f"method_step.{step.value}", lang) if step else t("cli.info.none", lang),
        ),
        (
            t("cli.info.segments", lang),
            f"{len(snap.segments)}"
            + (f" ({t('cli.info.focus', lang)}: {focus.name})" if focus else ""),
        ),
        (t("cli.info.personas", lang), str(len(snap.personas))),
        (
            t("cli.info.cards", lang),
            ", ".join(f"{t(f'card_kind.{k}', lang)} {n}" for k, n in sorted(cards.items())) or "0",
        ),
        (t("cli.info.votes", lang), str(sum(snap.vote_counts().values()))),
        (t("cli.info.measures", lang), str(len(snap.active_measures()))),
        (t("cli.info.touchpoints", lang), str(len(snap.touchpoints))),
        (
            t("cli.info.journeys", lang),
            ", ".join(f"{j.name} ({len(snap.steps_of(j.id))})" for j in snap.journeys) or "0",
        ),
        (t("cli.info.participants", lang), str(len(snap.participants))),
        (t("cli.info.revision", lang), str(snap.revision)),
    ]
