"""The workshop: title, language, the challenge and end goal, the scope, its phases, room rules."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator, model_validator

from klantreis.domain.base import (
    DomainModel,
    Identifier,
    Key,
    OptionalLongText,
    OptionalShortText,
    ShortText,
    new_id,
    utc_now,
)
from klantreis.domain.vocabulary import ChallengeKind, MethodStep, Situation
from klantreis.i18n import DEFAULT_LANGUAGE, Language


class Phase(DomainModel):
    """One phase of the workshop's phase model."""

    key: Key
    name: ShortText
    description: OptionalLongText = ""


class EndGoal(DomainModel):
    """Where the journey ends, made measurable: 'a satisfied customer scores 8 or higher'."""

    description: OptionalLongText = ""
    metric: OptionalShortText = ""
    threshold: float | None = None
    unit: OptionalShortText = ""

    @property
    def is_measurable(self) -> bool:
        """True when the end goal names a metric and a threshold to reach."""
        return bool(self.metric) and self.threshold is not None


class Scope(DomainModel):
    """Which customer situations are in scope, and who is explicitly in and out (seed 000)."""

    situations: list[Situation] = Field(default_factory=list, max_length=3)
    included: list[ShortText] = Field(default_factory=list, max_length=50)
    excluded: list[ShortText] = Field(default_factory=list, max_length=50)

    @field_validator("situations")
    @classmethod
    def _unique_situations(cls, value: list[Situation]) -> list[Situation]:
        return list(dict.fromkeys(value))


MAX_PARTICIPANTS = 500
"""How many people may join a workshop unless the facilitator sets another maximum: a hall of
300 joins, a script that joins a thousand names is stopped."""


class Workshop(DomainModel):
    """A workshop and the decisions of its first two steps."""

    id: Identifier = Field(default_factory=new_id)
    title: ShortText
    language: Language = DEFAULT_LANGUAGE
    organisation: OptionalShortText = ""
    challenge_kind: ChallengeKind | None = None
    challenge: OptionalLongText = ""
    end_goal: EndGoal = Field(default_factory=EndGoal)
    scope: Scope = Field(default_factory=Scope)
    phase_model: Key = "default"
    phases: list[Phase] = Field(min_length=1, max_length=20)
    dots_per_participant: int = Field(default=5, ge=1, le=20)
    allow_anonymous: bool = True
    open_step: MethodStep | None = None
    timer_ends_at: datetime | None = None
    results_hidden: bool = False
    input_locked: bool = False
    joins_closed: bool = False
    """The facilitator closed the room to new participants (those in stay in)."""
    max_participants: int = Field(default=MAX_PARTICIPANTS, ge=1, le=10_000)
    """No more people than this can join (a real room stays far below it; a flood does not)."""
    version: int = Field(default=1, ge=1)
    created_at: datetime = Field(default_factory=utc_now)

    @model_validator(mode="after")
    def _unique_phase_keys(self) -> Workshop:
        from klantreis.domain.errors import rule_error

        keys = [phase.key for phase in self.phases]
        if len(keys) != len(set(keys)):
            raise rule_error("duplicate_phase")
        return self

    @property
    def vote_round(self) -> MethodStep:
        """The round dots are placed in now: the open step's (mapping when none is open)."""
        return self.open_step or MethodStep.MAPPING

    def phase(self, key: str | None) -> Phase | None:
        """The phase with this key, or None."""
        return next((phase for phase in self.phases if phase.key == key), None)

    def phase_place(self, key: str | None, missing: str = "") -> tuple[int, str]:
        """Where a phase stands in the journey: its position and its name. A key the workshop
        does not have (or None) comes after every phase, named ``missing``: the one look-up
        the charts, tables and data views sort and label phases by."""
        for position, phase in enumerate(self.phases):
            if phase.key == key:
                return position, phase.name
        return len(self.phases), missing

    def phase_name(self, key: str | None) -> str:
        """The name of the phase with this key ("" when there is none)."""
        return self.phase_place(key)[1]

    def phase_names(self, keys: list[str]) -> list[str]:
        """The names of the phases with these keys, in the journey's order."""
        return [phase.name for phase in self.phases if phase.key in keys]

    @property
    def phase_keys(self) -> list[str]:
        """The phase keys in order."""
        return [phase.key for phase in self.phases]
