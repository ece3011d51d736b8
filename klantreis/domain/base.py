"""Shared building blocks of the domain model: ids, clock, cleaned text types, the base model.

Every piece of text a person types passes through :func:`clean_text` before it is validated:
Unicode is normalised (NFC), control and invisible formatting characters are dropped (the
joiners that emoji need are kept), and surrounding white space is removed. Text is stored as
text; escaping happens wherever it is shown.
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints

from klantreis.domain.vocabulary import EntryState

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000

_KEEP_FORMAT_CHARS = {"\u200c", "\u200d"}  # zero-width (non-)joiner: emoji and scripts need them


def new_id() -> str:
    """A fresh random identifier (32 hex characters)."""
    return uuid.uuid4().hex


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC, to the microsecond."""
    return datetime.now(UTC)


def _invisible(ch: str) -> bool:
    """A control or formatting character that text is stored without (NUL, a bidi override,
    a zero-width space); line breaks, tabs and the joiners emoji need are kept."""
    if ch in "\n\t" or ch in _KEEP_FORMAT_CHARS:
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def clean_text(value: object) -> object:
    """Normalise typed text; leave anything that is not a string for the validator to judge."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value)
    return "".join(ch for ch in text if not _invisible(ch)).strip()


def left_out(value: str) -> int:
    """How many invisible characters :func:`clean_text` leaves out of ``value`` (a form says
    so, instead of dropping them silently)."""
    return sum(1 for ch in value if _invisible(ch))


def clean_line(value: object) -> object:
    """Like :func:`clean_text`, and folds line breaks and tabs into single spaces."""
    cleaned = clean_text(value)
    if isinstance(cleaned, str):
        return " ".join(cleaned.split())
    return cleaned


# The constraints sit on an inner type so that pydantic reports string errors
# (string_too_short, string_too_long) rather than generic length errors.
ShortText = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=SHORT_TEXT_MAX)],
    BeforeValidator(clean_line),
]
"""A required single line: a title, a name, a card's text."""

OptionalShortText = Annotated[
    Annotated[str, StringConstraints(max_length=SHORT_TEXT_MAX)], BeforeValidator(clean_line)
]
"""A single line that may be left empty."""

LongText = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=LONG_TEXT_MAX)],
    BeforeValidator(clean_text),
]
"""A required paragraph."""

OptionalLongText = Annotated[
    Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX)], BeforeValidator(clean_text)
]
"""A paragraph that may be left empty."""

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
"""A short machine key such as a phase key: lower-case letters, digits, '-' and '_'."""

Identifier = Annotated[str, StringConstraints(min_length=1, max_length=64)]
"""The id of a stored entity."""


class DomainModel(BaseModel):
    """Base of every domain object: strict about unknown fields, validated on assignment."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        use_enum_values=False,
        frozen=False,
        allow_inf_nan=False,  # "nan" or "inf" typed as a threshold is no number to reach
    )


class Entity(DomainModel):
    """A domain object that is stored on its own and can be referred to by id."""

    id: Identifier
    workshop_id: Identifier


class Withdrawable:
    """What cards, measures and ideas share: each has a ``state`` and stays active until its
    author withdraws it or the facilitator removes it (both undone by restoring it)."""

    if TYPE_CHECKING:  # each model declares the field itself, in its own place among its fields
        state: EntryState

    @property
    def is_active(self) -> bool:
        """True unless withdrawn by its author or removed by the facilitator."""
        return self.state is EntryState.ACTIVE


def written_by(entry: object, actor_id: str | None) -> bool:
    """Whether ``actor_id`` wrote this entry (card, measure, idea, journey step): what a
    participant may change or remove is their own. An entry without an author (the
    facilitator's, or from a template) is nobody's; nobody (None) wrote nothing."""
    author = getattr(entry, "author_id", None)
    return author is not None and author == actor_id
