"""The database schema as SQLAlchemy Core tables, one per stored domain entity.

Column names equal the domain fields, so rows and models convert generically (see
:mod:`klantreis.store.rows`). Lists and nested objects are JSON columns. Changing a table here
needs a new migration in ``migrations/versions``; a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.sql.expression import false, text
from sqlalchemy.types import TypeDecorator

ID = 64
SHORT = 200
KEY = 40

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as naive UTC (SQLite keeps no zone) and read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        assert isinstance(moment, datetime)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _contribution_columns() -> list[Column[Any]]:
    """The columns every contribution (card, measure, idea) ends with: who wrote it, whether
    it is withdrawn or removed, its version for concurrent edits, and when it changed."""
    return [
        Column("author_id", String(ID)),
        Column("state", String(KEY), nullable=False),
        Column("version", Integer, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
    ]


def _workshop_fk() -> Column[str]:
    return Column(
        "workshop_id",
        String(ID),
        ForeignKey("workshops.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


workshops = Table(
    "workshops",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("title", String(SHORT), nullable=False),
    Column("language", String(2), nullable=False),
    Column("organisation", String(SHORT), nullable=False, default=""),
    Column("challenge_kind", String(KEY)),
    Column("challenge", Text, nullable=False, default=""),
    Column("end_goal", JSON, nullable=False),
    Column("scope", JSON, nullable=False),
    Column("phase_model", String(KEY), nullable=False),
    Column("phases", JSON, nullable=False),
    Column("dots_per_participant", Integer, nullable=False),
    Column("allow_anonymous", Boolean, nullable=False),
    Column("open_step", String(KEY)),
    Column("timer_ends_at", UTCDateTime),
    Column("results_hidden", Boolean, nullable=False, server_default=false()),
    Column("input_locked", Boolean, nullable=False, server_default=false()),
    Column("joins_closed", Boolean, nullable=False, server_default=false()),
    Column("max_participants", Integer, nullable=False, server_default=text("500")),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

segments = Table(
    "segments",
    metadata,
    Column("id", String(ID), primary_key=True),
    _workshop_fk(),
    Column("name", String(SHORT), nullable=False),
    Column("description", Text, nullable=False),
    Column("relevance", Integer, nullable=False),
    Column("is_focus", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

personas = Table(
    "personas",
    metadata,
    Column("id", String(ID), primary_key=True),
    _workshop_fk(),
    Column("segment_id", String(ID), nullable=False, index=True),
    Column("name", String(SHORT), nullable=False),
    Column("tagline", String(SHORT), nullable=False),
    Column("life_world", Text, nullable=False),
    Column("problem_experience", Text, nullable=False),
    Column("quotes", JSON, nullable=False),
    Column("survey_facts", JSON, nullable=False),
    Column("functional_needs", JSON, nullable=False),
    Column("emotional_needs", JSON, nullable=False),
    Column("assumptions", JSON, nullable=False),
    Column("version", Integer, nullable=False),
)

cards = Table(
    "cards",
    metadata,
    Column("id", String(ID), primary_key=True),
    _workshop_fk(),
    Column("segment_id", String(ID), nullable=False, index=True),
    Column("kind", String(KEY), nullable=False),
    Column("text", String(SHORT), nullable=False),
    Column("detail", Text, nullable=False),
    Column("polarity", String(KEY)),
    Column("need_type", String(KEY)),
    Column("alternatives", JSON, nullable=False),
    Column("basis", String(KEY), nullable=False),
    *_contribution_columns(),
)

goals = Table(
    "goals",
    metadata,
    Column("id", String(ID), primary_key=True),
    _workshop_fk(),
    Column("segment_id", String(ID), nullable=False),
    Column("kind", String(KEY), nullable=False),
    Column("statement", Text, nullable=False),
    Column("indicator", String(SHORT), nullable=False),
    Column("author_id", String(ID)),
    Column("version", Integer, nullable=False),
    UniqueConstraint("segment_id", "kind", name="uq_goals_segment_kind"),
)

measures = Table(
    "measures",
    metadata,
    Column("id", String(ID), primary_key=True),
    _workshop_fk(),
    Column("segment_id", String(ID), nullable=False, index=True),
    Column("goal_kind", String(KEY), nullable=False),
    Column("title", String(SHORT), nullable=False),
    Column("description", Text, nullable=False),
    Column("card_ids", JSON, nullable=False),
    Column("phase_key", String(KEY)),
    Column("more_phase_keys", JSON, nullable=False, server_default=text("'[]'")),
    Column("touchpoint_id", String(ID)),
    Column("owner", String(SHORT), nullable=False),
    Column("impact", Integer, nullable=False),
    Column("effort", Integer, nullable=False),
    Column("status", String(KEY), nullable=False),
    *_contribution_columns(),
)

touchpoints = Table(
    "touchpoints",
    metadata,
    Column("id", String(ID), primary_key=True),
    _workshop_fk(),
    Column("name", String(SHORT), nullable=False),
    Column("channel", String(KEY), nullable=False),
    Column("department", String(SHORT), nullable=False),
    Column("phase_keys", JSON, nullable=False),
    Column("description", Text, nullable=False),
    Column("author_id", String(ID)),
    Column("version", Integer, nullable=False),
)

journeys = Table(
    "journeys",
    metadata,
    Column("id", String(ID), primary_key=True),
    _workshop_fk(),
    Column("name", String(SHORT), nullable=False),
    Column("segment_id", String(ID)),
    Column("description", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

steps = Table(
    "steps",
    metadata,
    Column("id", String(ID), primary_key=True),
    _workshop_fk(),
    Column(
        "journey_id",
        String(ID),
        ForeignKey("journeys.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("position", Integer, nullable=False),
    Column("action", String(SHORT), nullable=False),
    Column("phase_key", String(KEY)),
    Column("touchpoint_id", String(ID)),
    Column("department", String(SHORT), nullable=False),
    Column("feeling", Integer),
    Column("pain_point", Text, nullable=False),
    Column("author_id", String(ID)),
    Column("version", Integer, nullable=False),
)

participants = Table(
    "participants",
    metadata,
    Column("id", String(ID), primary_key=True),
    _workshop_fk(),
    Column("name", String(SHORT), nullable=False),
    Column("name_key", String(SHORT)),
    Column("anonymous", Boolean, nullable=False),
    Column("role", String(KEY), nullable=False),
    Column("joined_at", UTCDateTime, nullable=False),
    UniqueConstraint("workshop_id", "name_key", name="uq_participants_workshop_name"),
)

votes = Table(
    "votes",
    metadata,
    Column("id", String(ID), primary_key=True),
    _workshop_fk(),
    Column(
        "participant_id",
        String(ID),
        ForeignKey("participants.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "card_id",
        String(ID),
        ForeignKey("cards.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("round", String(KEY), nullable=False),
    Column("dot", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("participant_id", "round", "dot", name="uq_votes_participant_round_dot"),
)

ideas = Table(
    "ideas",
    metadata,
    Column("id", String(ID), primary_key=True),
    _workshop_fk(),
    Column("topic", String(KEY), nullable=False),
    Column("text", String(SHORT), nullable=False),
    Column("detail", Text, nullable=False),
    Column("segment_id", String(ID), index=True),
    *_contribution_columns(),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", String(ID), primary_key=True),
    _workshop_fk(),
    Column(
        "participant_id",
        String(ID),
        ForeignKey("participants.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("kind", String(KEY), nullable=False),
    Column("target_id", String(ID), nullable=False, index=True),
    Column("value", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint(
        "participant_id", "kind", "target_id", name="uq_ratings_participant_kind_target"
    ),
)

audit = Table(
    "audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    _workshop_fk(),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", String(ID)),
    Column("action", String(KEY), nullable=False),
    Column("entity", String(KEY), nullable=False),
    Column("entity_id", String(ID), nullable=False),
    Column("summary", JSON, nullable=False),
    Index("ix_audit_workshop_seq", "workshop_id", "seq"),
)
