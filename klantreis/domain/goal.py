"""The four goals per segment and the measures that reach them (seed 004, tip 4)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator

from klantreis.domain.base import (
    Entity,
    Identifier,
    Key,
    OptionalLongText,
    OptionalShortText,
    ShortText,
    Withdrawable,
    new_id,
    utc_now,
)
from klantreis.domain.vocabulary import EntryState, GoalKind, MeasureStatus


class Goal(Entity):
    """What the group wants to reach for one segment under one of the four goal kinds."""

    id: Identifier = Field(default_factory=new_id)
    segment_id: Identifier
    kind: GoalKind
    statement: OptionalLongText = ""
    indicator: OptionalShortText = ""
    author_id: Identifier | None = None
    """Who first wrote the statement down (None: the facilitator)."""
    version: int = Field(default=1, ge=1)


class Measure(Withdrawable, Entity):
    """A concrete action towards one goal, placed on a phase and a touchpoint, with an owner."""

    id: Identifier = Field(default_factory=new_id)
    segment_id: Identifier
    goal_kind: GoalKind
    title: ShortText
    description: OptionalLongText = ""
    card_ids: list[Identifier] = Field(default_factory=list, max_length=50)
    phase_key: Key | None = None
    more_phase_keys: list[Key] = Field(default_factory=list, max_length=20)
    """Further phases the measure acts in, when the group means more than one (a podcast that
    helps both in orientation and just before buying)."""
    touchpoint_id: Identifier | None = None
    owner: OptionalShortText = ""
    impact: int = Field(default=3, ge=1, le=5)
    effort: int = Field(default=3, ge=1, le=5)
    status: MeasureStatus = MeasureStatus.IDEA
    author_id: Identifier | None = None
    state: EntryState = EntryState.ACTIVE
    version: int = Field(default=1, ge=1)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)

    @field_validator("card_ids", "more_phase_keys")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @property
    def phase_keys(self) -> list[str]:
        """Every phase the measure is placed in: its phase, then the further ones."""
        first = [self.phase_key] if self.phase_key else []
        return list(dict.fromkeys([*first, *self.more_phase_keys]))

    @property
    def priority(self) -> float:
        """Impact per unit of effort: the quick wins score highest."""
        return self.impact / self.effort
