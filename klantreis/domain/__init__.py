"""The domain model of a customer-journey workshop.

Plain, typed and validated; it imports no UI, chart or database library. Everything else in
klantreis speaks in these objects.
"""

from klantreis.domain.audit import Action, AuditEntry
from klantreis.domain.base import (
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    DomainModel,
    Entity,
    clean_line,
    clean_text,
    new_id,
    utc_now,
)
from klantreis.domain.card import Card
from klantreis.domain.errors import (
    Conflict,
    ImportFailed,
    KlantreisError,
    NotAllowed,
    NotFound,
    Problem,
    StorageError,
    ValidationFailed,
    VoteLimitReached,
    validation_failed,
)
from klantreis.domain.goal import Goal, Measure
from klantreis.domain.idea import (
    PERSONA_TOPICS,
    RATING_RANGE,
    RATING_TARGET,
    STEP_OF_RATING,
    STEP_OF_TOPIC,
    Idea,
    Rating,
    RatingSummary,
)
from klantreis.domain.journey import FEELING_MAX, FEELING_MIN, Journey, JourneyStep, Touchpoint
from klantreis.domain.participant import Participant, Vote, name_key
from klantreis.domain.phases import (
    BUILTIN_PHASE_MODELS,
    CUSTOM_PHASE_MODEL,
    phases_for,
    phases_from_names,
)
from klantreis.domain.segment import Persona, Quote, Segment, SurveyFact
from klantreis.domain.snapshot import WorkshopSnapshot
from klantreis.domain.vocabulary import (
    GOAL_FOR_CARD,
    Basis,
    CardKind,
    ChallengeKind,
    ChannelKind,
    EntryState,
    GoalKind,
    IdeaTopic,
    MeasureStatus,
    MethodStep,
    NeedType,
    Polarity,
    RatingKind,
    Role,
    Situation,
)
from klantreis.domain.workshop import EndGoal, Phase, Scope, Workshop

__all__ = [
    "BUILTIN_PHASE_MODELS",
    "CUSTOM_PHASE_MODEL",
    "FEELING_MAX",
    "FEELING_MIN",
    "GOAL_FOR_CARD",
    "LONG_TEXT_MAX",
    "PERSONA_TOPICS",
    "RATING_RANGE",
    "RATING_TARGET",
    "SHORT_TEXT_MAX",
    "STEP_OF_RATING",
    "STEP_OF_TOPIC",
    "Action",
    "AuditEntry",
    "Basis",
    "Card",
    "CardKind",
    "ChallengeKind",
    "ChannelKind",
    "Conflict",
    "DomainModel",
    "EndGoal",
    "Entity",
    "EntryState",
    "Goal",
    "GoalKind",
    "Idea",
    "IdeaTopic",
    "ImportFailed",
    "Journey",
    "JourneyStep",
    "KlantreisError",
    "Measure",
    "MeasureStatus",
    "MethodStep",
    "NeedType",
    "NotAllowed",
    "NotFound",
    "Participant",
    "Persona",
    "Phase",
    "Polarity",
    "Problem",
    "Quote",
    "Rating",
    "RatingKind",
    "RatingSummary",
    "Role",
    "Scope",
    "Segment",
    "Situation",
    "StorageError",
    "SurveyFact",
    "Touchpoint",
    "ValidationFailed",
    "Vote",
    "VoteLimitReached",
    "Workshop",
    "WorkshopSnapshot",
    "clean_line",
    "clean_text",
    "name_key",
    "new_id",
    "phases_for",
    "phases_from_names",
    "utc_now",
    "validation_failed",
]
