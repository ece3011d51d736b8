"""The line at the top of every room page: the open step, the countdown, dots and locks."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from klantreis.domain import Workshop
from klantreis.i18n import Language, t


def countdown(workshop: Workshop, now: datetime | None = None) -> str:
    """'04:59', 'Time is up' or '' when no timer runs."""
    if workshop.timer_ends_at is None:
        return ""
    left = (workshop.timer_ends_at - (now or datetime.now(UTC))).total_seconds()
    if left <= 0:
        return t("room.time_up", workshop.language)
    minutes, seconds = divmod(int(left + 0.999), 60)
    return f"{minutes:02d}:{seconds:02d}"


def status_html(workshop: Workshop, extra: str = "", language: Language | None = None) -> str:
    """Step, timer and locks as a small bar (in ``language``, else the workshop's); every text
    escaped."""
    lang = language or workshop.language
    step = (
        t(f"method_step.{workshop.open_step.value}", lang)
        if workshop.open_step
        else t("room.no_step_open", lang)
    )
    parts = [f'<span class="kr-step">{html.escape(step)}</span>']
    timer = countdown(workshop)
    if timer:
        label = html.escape(t("room.timer", lang))
        timer_html = html.escape(timer)
        parts.append(
            f'<span class="kr-timer" role="timer" aria-label="{label}">{timer_html}</span>'
        )
    if workshop.input_locked:
        parts.append(f'<span class="kr-locked">{html.escape(t("room.locked", lang))}</span>')
    if workshop.results_hidden:
        parts.append(f'<span class="kr-meta">{html.escape(t("room.results_hidden", lang))}</span>')
    if extra:
        parts.append(f'<span class="kr-meta">{html.escape(extra)}</span>')
    return '<div class="kr-statusbar" aria-live="polite">' + "".join(parts) + "</div>"
