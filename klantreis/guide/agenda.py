"""How long each step takes in a two-hour and a half-day session (minutes)."""

from __future__ import annotations

FORMATS = ("two_hours", "half_day")

MINUTES: dict[str, dict[str, int]] = {
    "two_hours": {
        "start": 5,
        "challenge": 10,
        "scope": 15,
        "persona": 15,
        "mapping": 25,
        "goals": 25,
        "journey": 20,
        "summary": 5,
    },
    "half_day": {
        "start": 10,
        "challenge": 20,
        "scope": 25,
        "persona": 30,
        "break": 15,
        "mapping": 45,
        "goals": 45,
        "journey": 40,
        "summary": 10,
    },
}
"""Both formats add up to their length: 120 and 240 minutes."""


def minutes(step: str) -> dict[str, int]:
    """The minutes of one step in each format."""
    return {fmt: MINUTES[fmt].get(step, 0) for fmt in FORMATS}


def schedule(fmt: str, start_minute: int = 0) -> list[tuple[str, int, int]]:
    """(item, start, end) in minutes from the start of the session, in order."""
    result = []
    clock = start_minute
    for item, length in MINUTES[fmt].items():
        result.append((item, clock, clock + length))
        clock += length
    return result
