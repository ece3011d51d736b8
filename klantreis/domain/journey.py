"""Touchpoints and the ideal journey: chronological steps from first contact to the end goal."""

from __future__ import annotations

from pydantic import Field

from klantreis.domain.base import (
    Entity,
    Identifier,
    Key,
    OptionalLongText,
    OptionalShortText,
    ShortText,
    new_id,
)
from klantreis.domain.vocabulary import ChannelKind

FEELING_MIN = -2
FEELING_MAX = 2


class Touchpoint(Entity):
    """A moment or medium where customer and organisation meet: a newsletter, the counter, an ad."""

    id: Identifier = Field(default_factory=new_id)
    name: ShortText
    channel: ChannelKind = ChannelKind.ONLINE
    department: OptionalShortText = ""
    phase_keys: list[Key] = Field(default_factory=list, max_length=20)
    description: OptionalLongText = ""
    author_id: Identifier | None = None
    version: int = Field(default=1, ge=1)


class Journey(Entity):
    """One ideal journey. A marketplace draws two: one per side (seed 003)."""

    id: Identifier = Field(default_factory=new_id)
    name: ShortText
    segment_id: Identifier | None = None
    description: OptionalLongText = ""
    position: int = Field(default=0, ge=0)
    version: int = Field(default=1, ge=1)


class JourneyStep(Entity):
    """One step of a journey, written from the customer's side ('books an introduction')."""

    id: Identifier = Field(default_factory=new_id)
    journey_id: Identifier
    position: int = Field(default=0, ge=0)
    action: ShortText
    phase_key: Key | None = None
    touchpoint_id: Identifier | None = None
    department: OptionalShortText = ""
    feeling: int | None = Field(default=None, ge=FEELING_MIN, le=FEELING_MAX)
    pain_point: OptionalLongText = ""
    author_id: Identifier | None = None
    version: int = Field(default=1, ge=1)
