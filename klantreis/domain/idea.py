"""What participants bring to the early steps: proposals the group votes on, and their ratings.

In the challenge, scope and persona steps the facilitator decides, but the room proposes: a
wording for the challenge or the end goal, a candidate segment, an interview quote, a survey
fact or a need for the persona (seeds 002 and 004 ask for the whole team's knowledge here).
Ratings are a participant's own number on something the group made: support for a proposal,
a score of a segment against the challenge (1–5), or how the customer feels at a journey step
(-2..2). One rating per participant and target; rating again changes it.
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import NamedTuple

from pydantic import Field, model_validator

from klantreis.domain.base import (
    Entity,
    Identifier,
    OptionalLongText,
    ShortText,
    Withdrawable,
    new_id,
    utc_now,
)
from klantreis.domain.errors import rule_error
from klantreis.domain.journey import FEELING_MAX, FEELING_MIN
from klantreis.domain.vocabulary import EntryState, IdeaTopic, MethodStep, RatingKind

STEP_OF_TOPIC: dict[IdeaTopic, MethodStep] = {
    IdeaTopic.CHALLENGE: MethodStep.CHALLENGE,
    IdeaTopic.END_GOAL: MethodStep.CHALLENGE,
    IdeaTopic.SEGMENT: MethodStep.SCOPE,
    IdeaTopic.QUOTE: MethodStep.PERSONA,
    IdeaTopic.FACT: MethodStep.PERSONA,
    IdeaTopic.FUNCTIONAL_NEED: MethodStep.PERSONA,
    IdeaTopic.EMOTIONAL_NEED: MethodStep.PERSONA,
}
"""The step in which participants may propose each topic."""

PERSONA_TOPICS = (
    IdeaTopic.QUOTE,
    IdeaTopic.FACT,
    IdeaTopic.FUNCTIONAL_NEED,
    IdeaTopic.EMOTIONAL_NEED,
)
"""Topics that add to the focus segment's persona (they carry its segment id)."""

VOTED_TOPICS = (IdeaTopic.CHALLENGE, IdeaTopic.END_GOAL, IdeaTopic.SEGMENT)
"""Topics the group votes on; persona quotes, facts and needs are collected, not chosen."""

RATING_RANGE: dict[RatingKind, tuple[int, int]] = {
    RatingKind.SUPPORT: (1, 1),
    RatingKind.SEGMENT_SCORE: (1, 5),
    RatingKind.FEELING: (FEELING_MIN, FEELING_MAX),
}
"""The values each kind of rating may take."""

STEP_OF_RATING: dict[RatingKind, MethodStep | None] = {
    RatingKind.SUPPORT: None,  # the step of the idea supported
    RatingKind.SEGMENT_SCORE: MethodStep.SCOPE,
    RatingKind.FEELING: MethodStep.JOURNEY,
}
"""The step that must be open for a participant to rate (support follows its idea's topic)."""

RATING_TARGET: dict[RatingKind, str] = {
    RatingKind.SUPPORT: "ideas",
    RatingKind.SEGMENT_SCORE: "segments",
    RatingKind.FEELING: "steps",
}
"""Which collection of the workshop a rating's ``target_id`` points into."""


class Idea(Withdrawable, Entity):
    """One proposal by a participant (or the facilitator) in the challenge, scope or persona step.

    Persona topics name the segment whose persona they add to; the others have no segment.
    """

    id: Identifier = Field(default_factory=new_id)
    topic: IdeaTopic
    text: ShortText
    detail: OptionalLongText = ""
    segment_id: Identifier | None = None
    author_id: Identifier | None = None
    state: EntryState = EntryState.ACTIVE
    version: int = Field(default=1, ge=1)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)

    @model_validator(mode="after")
    def _segment_fits_topic(self) -> Idea:
        if self.topic in PERSONA_TOPICS and self.segment_id is None:
            raise rule_error("persona_idea_needs_segment")
        if self.topic not in PERSONA_TOPICS and self.segment_id is not None:
            raise rule_error("segment_only_for_persona_ideas")
        return self

    @property
    def step(self) -> MethodStep:
        """The step in which this idea is proposed."""
        return STEP_OF_TOPIC[self.topic]


class Rating(Entity):
    """A participant's number on an idea, a segment or a journey step (see :data:`RATING_RANGE`)."""

    id: Identifier = Field(default_factory=new_id)
    participant_id: Identifier
    kind: RatingKind
    target_id: Identifier
    value: int
    updated_at: datetime = Field(default_factory=utc_now)

    @model_validator(mode="after")
    def _value_in_range(self) -> Rating:
        low, high = RATING_RANGE[self.kind]
        if not low <= self.value <= high:
            raise rule_error("rating_out_of_range", low=low, high=high)
        return self


class RatingSummary(NamedTuple):
    """The group's numbers on one target: the median and the range of what people gave."""

    median: float
    low: int
    high: int
    given: int

    @classmethod
    def of(cls, values: list[int]) -> RatingSummary:
        """Summarise at least one value."""
        return cls(float(statistics.median(values)), min(values), max(values), len(values))
