"""Mapping rules: which traffic sources belong to which channel and touchpoint, and which
events or pages are which step of the ideal journey.

A pattern is a shell-style wildcard matched without regard to case (``google / *``,
``/tickets/*``), or a regular expression after ``re:`` (``re:^/(nl|en)/checkout``). Anything no
rule matches is reported as unmapped, never dropped.
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints, field_validator

from klantreis.domain.base import DomainModel, OptionalShortText, ShortText, clean_line
from klantreis.domain.errors import rule_error

REGEX_PREFIX = "re:"

Pattern = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)],
    BeforeValidator(clean_line),
]
"""Typed like any line: control characters and bidi overrides left out, accents composed."""


@lru_cache(maxsize=4096)
def compiled(pattern: str) -> re.Pattern[str]:
    """The pattern as a case-insensitive regular expression."""
    if pattern.startswith(REGEX_PREFIX):
        return re.compile(pattern[len(REGEX_PREFIX) :], re.IGNORECASE)
    return re.compile(fnmatch.translate(pattern.strip()), re.IGNORECASE)


def matches(pattern: str, value: str) -> bool:
    """True when ``value`` matches ``pattern`` (wildcards, or a regex after ``re:``)."""
    regex = compiled(pattern)
    if pattern.startswith(REGEX_PREFIX):
        return regex.search(value) is not None
    return regex.match(value.strip()) is not None


def _check_pattern(value: str) -> str:
    try:
        compiled(value)
    except re.error as exc:
        raise rule_error("bad_pattern", reason=str(exc.msg)) from exc
    return value


class ChannelRule(DomainModel):
    """Traffic whose "source / medium" matches ``pattern`` comes through ``channel`` (and, if
    given, the workshop touchpoint named ``touchpoint``)."""

    pattern: Pattern
    channel: ShortText
    touchpoint: OptionalShortText = ""

    check_pattern = field_validator("pattern")(_check_pattern)


class StepRule(DomainModel):
    """An event or page matching ``pattern`` is step number ``step`` (1 = first) of the ideal
    journey."""

    pattern: Pattern
    step: int = Field(ge=1, le=200)

    check_pattern = field_validator("pattern")(_check_pattern)


class MappingRules(DomainModel):
    """The rules of one workshop; the first matching rule wins."""

    channels: list[ChannelRule] = Field(default_factory=list, max_length=500)
    steps: list[StepRule] = Field(default_factory=list, max_length=500)

    def channel_for(self, source_medium: str) -> ChannelRule | None:
        """The first channel rule matching ``source_medium``, or None (unmapped)."""
        return next((r for r in self.channels if matches(r.pattern, source_medium)), None)

    def step_for(self, event: str) -> int | None:
        """The step number of the first step rule matching ``event``, or None (unmapped)."""
        return next((r.step for r in self.steps if matches(r.pattern, event)), None)


GA_CHANNEL_GROUPS: tuple[tuple[str, str], ...] = (
    ("Direct", "direct"),
    ("Organic Search", "organic_search"),
    ("Organic Shopping", "organic_search"),
    ("Organisch zoeken", "organic_search"),
    ("Paid Search", "paid_search"),
    ("Paid Shopping", "paid_search"),
    ("Cross-network", "paid_search"),
    ("Betaald zoeken", "paid_search"),
    ("Display", "display"),
    ("Paid Video", "display"),
    ("Organic Social", "social"),
    ("Paid Social", "social"),
    ("Organic Video", "social"),
    ("Social", "social"),
    ("Organisch sociaal", "social"),
    ("Betaald sociaal", "social"),
    ("Organische sociale media", "social"),
    ("Betaalde sociale media", "social"),
    ("Email", "email"),
    ("E-mail", "email"),
    ("Affiliates", "affiliate"),
    ("Partners", "affiliate"),
    ("Referral", "referral"),
    ("Verwijzing", "referral"),
    ("Verwijzingen", "referral"),
)
"""Google Analytics' default channel groups by name (English and Dutch interface), as an event
log's channel column or an export may hold them instead of a source / medium."""

DEFAULT_CHANNELS: tuple[tuple[str, str], ...] = (
    *GA_CHANNEL_GROUPS,
    ("(direct) / (none)", "direct"),
    ("* / organic", "organic_search"),
    ("* / cpc", "paid_search"),
    ("* / ppc", "paid_search"),
    ("* / paidsearch", "paid_search"),
    ("* / display", "display"),
    ("* / cpm", "display"),
    ("* / banner", "display"),
    ("re:(facebook|instagram|linkedin|twitter|t\\.co|tiktok|pinterest|youtube).* / ", "social"),
    ("* / social", "social"),
    ("* / paid_social", "social"),
    ("* / email", "email"),
    ("* / e-mail", "email"),
    ("* / newsletter", "email"),
    ("* / nieuwsbrief", "email"),
    ("* / affiliate", "affiliate"),
    ("* / referral", "referral"),
)
"""Pattern and channel key (``channel.<key>`` in the catalogue) of the starting rules, close to
the default channel grouping of Google Analytics, and its channel groups' own names."""


__all__ = [
    "DEFAULT_CHANNELS",
    "REGEX_PREFIX",
    "ChannelRule",
    "MappingRules",
    "StepRule",
    "compiled",
    "matches",
]
