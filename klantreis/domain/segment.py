"""Customer segments and the persona that makes the focus segment concrete (seeds 002, 004)."""

from __future__ import annotations

from pydantic import Field

from klantreis.domain.base import DomainModel as _Model
from klantreis.domain.base import (
    Entity,
    Identifier,
    OptionalLongText,
    OptionalShortText,
    ShortText,
    new_id,
)


class Segment(Entity):
    """A group of customers that think, feel and act alike; one of them is the focus."""

    id: Identifier = Field(default_factory=new_id)
    name: ShortText
    description: OptionalLongText = ""
    relevance: int = Field(default=3, ge=1, le=5)
    is_focus: bool = False
    position: int = Field(default=0, ge=0)
    version: int = Field(default=1, ge=1)


class Quote(_Model):
    """Something a customer said in an interview, in their own words (qualitative research)."""

    text: ShortText
    source: OptionalShortText = ""


class SurveyFact(_Model):
    """A survey result, such as the share of respondents in a price bracket (quantitative)."""

    question: ShortText
    answer: ShortText
    share_percent: float | None = Field(default=None, ge=0, le=100)
    respondents: int | None = Field(default=None, ge=1)


class Persona(Entity):
    """One generalised person for one segment: life world, the problem as they live it, evidence."""

    id: Identifier = Field(default_factory=new_id)
    segment_id: Identifier
    name: ShortText
    tagline: OptionalShortText = ""
    life_world: OptionalLongText = ""
    problem_experience: OptionalLongText = ""
    quotes: list[Quote] = Field(default_factory=list, max_length=50)
    survey_facts: list[SurveyFact] = Field(default_factory=list, max_length=50)
    functional_needs: list[ShortText] = Field(default_factory=list, max_length=30)
    emotional_needs: list[ShortText] = Field(default_factory=list, max_length=30)
    assumptions: list[ShortText] = Field(default_factory=list, max_length=30)
    version: int = Field(default=1, ge=1)

    @property
    def evidence_count(self) -> int:
        """How many quotes and survey facts back this persona."""
        return len(self.quotes) + len(self.survey_facts)

    @property
    def rests_on_assumptions_only(self) -> bool:
        """The pitfall of seed 002: a persona with no interview or survey behind it."""
        return self.evidence_count == 0
