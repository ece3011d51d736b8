"""Two workshops side by side: what changed when a team repeats the workshop after a quarter
(or between two snapshots of one workshop).

Things are matched by what people read, not by id (a repeated workshop has fresh ids): segments
and measures by name, cards by kind and text, journey steps by what the customer does, funnel
steps by their number. Only what differs is listed; ``klantreis compare A B`` prints it and
:func:`comparison_html` shows it in a notebook or on a dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from klantreis.domain import WorkshopSnapshot, name_key
from klantreis.i18n import Language, t
from klantreis.report.markup import section, table

if TYPE_CHECKING:
    from klantreis.analytics.results import JourneyData

ABSENT = "–"
"""What a side shows for something it does not have."""

SECTIONS = ("segments", "cards", "measures", "journey", "funnel")
"""The parts of a comparison, in the method's order (headings ``compare.<part>``)."""


@dataclass(frozen=True)
class Difference:
    """One thing that is not the same in both: what it is, and how each side has it."""

    part: str
    item: str
    before: str
    after: str


def compare(
    before: WorkshopSnapshot,
    after: WorkshopSnapshot,
    before_data: JourneyData | None = None,
    after_data: JourneyData | None = None,
) -> list[Difference]:
    """Everything that differs between two workshops, part by part (see :data:`SECTIONS`);
    the funnel only when both have data. Texts are in the language of ``after``."""
    lang = after.workshop.language
    found: list[Difference] = []
    found += _differ("segments", _segments(before, lang), _segments(after, lang))
    found += _differ("cards", _cards(before, lang), _cards(after, lang))
    found += _differ("measures", _measures(before, lang), _measures(after, lang))
    found += _differ("journey", _journey(before, lang), _journey(after, lang))
    both = before_data is not None and after_data is not None
    if both and not before_data.funnel.empty and not after_data.funnel.empty:  # type: ignore[union-attr]
        found += _differ("funnel", _funnel(before_data), _funnel(after_data))  # type: ignore[arg-type]
    return found


def _differ(
    part: str, before: dict[str, tuple[str, str]], after: dict[str, tuple[str, str]]
) -> list[Difference]:
    """Both sides as {match key: (shown name, state)}; the keys in the order they came."""
    keys = list(dict.fromkeys([*before, *after]))
    found = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and old[1] == new[1]:
            continue
        name = (new or old or (key, ""))[0]
        found.append(Difference(part, name, old[1] if old else ABSENT, new[1] if new else ABSENT))
    return found


def _segments(snap: WorkshopSnapshot, lang: Language) -> dict[str, tuple[str, str]]:
    focus = t("chart.focus", lang)
    return {
        name_key(s.name): (
            s.name,
            t("list.segment_meta", lang, relevance=s.relevance)
            + (f" · {focus}" if s.is_focus else ""),
        )
        for s in snap.segments
    }


def _cards(snap: WorkshopSnapshot, lang: Language) -> dict[str, tuple[str, str]]:
    votes = snap.vote_counts()
    found = {}
    for card in snap.active_cards():
        kind = t(f"card_kind.{card.kind.value}", lang)
        key = f"{card.kind.value}:{card.polarity or ''}:{name_key(card.text)}"
        found[key] = (f"{kind}: {card.text}", t("list.votes", lang, count=votes[card.id]))
    return found


def _measures(snap: WorkshopSnapshot, lang: Language) -> dict[str, tuple[str, str]]:
    return {
        name_key(m.title): (m.title, t(f"measure_status.{m.status.value}", lang))
        for m in snap.active_measures()
    }


def _journey(snap: WorkshopSnapshot, lang: Language) -> dict[str, tuple[str, str]]:
    found = {}
    for step in snap.ideal_steps:
        feeling, _group = snap.feeling_at(step)
        felt = t(f"chart.feeling.{round(feeling)}", lang) if feeling is not None else ABSENT
        found[name_key(step.action)] = (
            step.action,
            t("compare.step_state", lang, number=step.position + 1, feeling=felt),
        )
    return found


def _funnel(data: JourneyData) -> dict[str, tuple[str, str]]:
    from klantreis.i18n import number

    return {
        str(row.step): (str(row.label), number(float(row.closed), data.language))  # type: ignore[arg-type]
        for row in data.funnel.itertuples()
    }


def read_workshop(folder: Path) -> tuple[WorkshopSnapshot, JourneyData | None]:
    """The workshop of a folder as it is now, with its analytics data (None without any);
    the database is closed again (a notebook's kernel lives for a whole workshop)."""
    from klantreis.analytics.results import journey_data
    from klantreis.analytics.storage import DataFolder
    from klantreis.folder import open_folder

    service = open_folder(folder)
    try:
        snapshot = service.snapshot()
    finally:
        service.store.close()
    data = journey_data(snapshot, DataFolder(folder))
    return snapshot, data if data.has_data else None


def compare_folders(before: Path, after: Path) -> tuple[list[Difference], Language]:
    """What changed from the workshop in ``before`` to the one in ``after``, and the language
    to say it in (the later workshop's)."""
    old, old_data = read_workshop(before)
    new, new_data = read_workshop(after)
    return compare(old, new, old_data, new_data), new.workshop.language


def comparison_lines(
    differences: list[Difference], before: str, after: str, lang: Language
) -> list[str]:
    """The comparison as aligned text lines, part by part; one line when nothing differs."""
    if not differences:
        return [t("compare.same", lang)]
    lines: list[str] = []
    width = max(len(d.item) for d in differences)
    for part in SECTIONS:
        rows = [d for d in differences if d.part == part]
        if not rows:
            continue
        lines.append(f"{t(f'compare.{part}', lang)} ({before} → {after})")
        for d in rows:
            lines.append(f"  {d.item:<{width}}  {d.before} → {d.after}")
    return lines


def comparison_html(differences: list[Difference], before: str, after: str, lang: Language) -> str:
    """The comparison as a report section with one table per part."""
    title = t("compare.title", lang, before=before, after=after)
    if not differences:
        return section(title, f"<p>{escape(t('compare.same', lang))}</p>")
    parts = []
    for part in SECTIONS:
        rows = [[d.item, d.before, d.after] for d in differences if d.part == part]
        if rows:
            parts.append(f"<h3>{escape(t(f'compare.{part}', lang))}</h3>")
            parts.append(table([t(f"compare.{part}", lang), before, after], rows))
    return section(title, *parts)


__all__ = [
    "ABSENT",
    "SECTIONS",
    "Difference",
    "compare",
    "compare_folders",
    "comparison_html",
    "comparison_lines",
    "read_workshop",
]
