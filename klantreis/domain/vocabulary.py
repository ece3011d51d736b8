"""The fixed vocabulary of the method: its steps, the kinds of cards and goals, and other choices.

Each value is a key; what a person reads for it comes from the i18n catalogue under
``<enum key>.<value>`` (for example ``goal_kind.remove_barriers``).
"""

from __future__ import annotations

from enum import StrEnum


class MethodStep(StrEnum):
    """The steps of a workshop, in the order the method walks them."""

    CHALLENGE = "challenge"
    SCOPE = "scope"
    PERSONA = "persona"
    MAPPING = "mapping"
    GOALS = "goals"
    JOURNEY = "journey"
    DATA = "data"


class ChallengeKind(StrEnum):
    """What the main marketing challenge is about (seed 004, tip 1)."""

    ATTRACT_NEW_PROFILE = "attract_new_profile"
    RETAIN = "retain"
    GROW_EXISTING = "grow_existing"
    AWAKEN_LATENT_NEED = "awaken_latent_need"
    OTHER = "other"


class Situation(StrEnum):
    """The three situations a customer can be in (seed 000)."""

    BECOMING = "becoming"
    BEING = "being"
    STAYING = "staying"


class CardKind(StrEnum):
    """What a card on the customer map says about the segment (seed 004, tip 3)."""

    NEED = "need"
    BARRIER = "barrier"
    ASSOCIATION = "association"


class Polarity(StrEnum):
    """Whether an association helps or hurts."""

    POSITIVE = "positive"
    NEGATIVE = "negative"


class NeedType(StrEnum):
    """Functional or emotional need (seed 000)."""

    FUNCTIONAL = "functional"
    EMOTIONAL = "emotional"


class Basis(StrEnum):
    """What a statement rests on: a guess, research with people, or measured data."""

    ASSUMPTION = "assumption"
    RESEARCH = "research"
    DATA = "data"


class GoalKind(StrEnum):
    """The four goals per segment (seed 004, tip 4)."""

    ADDRESS_NEEDS = "address_needs"
    REMOVE_BARRIERS = "remove_barriers"
    STRENGTHEN_POSITIVE = "strengthen_positive"
    OVERWRITE_NEGATIVE = "overwrite_negative"


class EntryState(StrEnum):
    """Whether something a person entered still counts."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"  # taken back by its author
    REMOVED = "removed"  # taken off the wall by the facilitator


class MeasureStatus(StrEnum):
    """How far a measure has come."""

    IDEA = "idea"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class ChannelKind(StrEnum):
    """What kind of contact a touchpoint is."""

    ONLINE = "online"
    OFFLINE = "offline"
    PERSONAL = "personal"


class IdeaTopic(StrEnum):
    """What a participant's proposal in the early steps is about."""

    CHALLENGE = "challenge"  # a wording of the main marketing challenge
    END_GOAL = "end_goal"  # a wording of the journey's end goal
    SEGMENT = "segment"  # a candidate customer segment
    QUOTE = "quote"  # something a customer said, for the persona
    FACT = "fact"  # a survey or data fact, for the persona
    FUNCTIONAL_NEED = "functional_need"
    EMOTIONAL_NEED = "emotional_need"


class RatingKind(StrEnum):
    """What a participant's number is about."""

    SUPPORT = "support"  # a vote for a proposal
    SEGMENT_SCORE = "segment_score"  # how well a segment fits the challenge, 1 to 5
    FEELING = "feeling"  # how the customer feels at a journey step, -2 to 2


class Role(StrEnum):
    """What a participant may do in the room."""

    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"


GOAL_FOR_CARD: dict[tuple[CardKind, Polarity | None], GoalKind] = {
    (CardKind.NEED, None): GoalKind.ADDRESS_NEEDS,
    (CardKind.BARRIER, None): GoalKind.REMOVE_BARRIERS,
    (CardKind.ASSOCIATION, Polarity.POSITIVE): GoalKind.STRENGTHEN_POSITIVE,
    (CardKind.ASSOCIATION, Polarity.NEGATIVE): GoalKind.OVERWRITE_NEGATIVE,
}
"""Which of the four goals a card feeds: needs are addressed, barriers removed, and so on."""
