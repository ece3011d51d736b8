"""People in the room and their dot votes."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from klantreis.domain.base import Entity, Identifier, ShortText, clean_line, new_id, utc_now
from klantreis.domain.vocabulary import MethodStep, Role


def name_key(name: str) -> str:
    """How names are compared when someone rejoins: case and spacing do not matter."""
    cleaned = clean_line(name)
    return str(cleaned).casefold()


class Participant(Entity):
    """Someone who joined the workshop, by name or anonymously."""

    id: Identifier = Field(default_factory=new_id)
    name: ShortText
    anonymous: bool = False
    role: Role = Role.PARTICIPANT
    joined_at: datetime = Field(default_factory=utc_now)

    @property
    def name_key(self) -> str:
        """The name as it is matched on rejoin."""
        return name_key(self.name)


class Vote(Entity):
    """One dot a participant placed on a card during a step's voting round.

    ``dot`` numbers the participant's dots in that round (0, 1, ...); the store keeps the pair
    (participant, round, dot) unique, which is what limits the number of dots.
    """

    id: Identifier = Field(default_factory=new_id)
    participant_id: Identifier
    card_id: Identifier
    round: MethodStep = MethodStep.MAPPING
    dot: int = Field(ge=0, le=99)
    created_at: datetime = Field(default_factory=utc_now)
