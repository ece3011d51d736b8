"""Cards on the customer map: needs, barriers and associations of one segment (seed 004, tip 3)."""

from __future__ import annotations

from datetime import datetime

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
from klantreis.domain.vocabulary import (
    GOAL_FOR_CARD,
    Basis,
    CardKind,
    EntryState,
    GoalKind,
    NeedType,
    Polarity,
)


class Card(Withdrawable, Entity):
    """One need, barrier or association, written by a participant or the facilitator.

    A need may list the alternatives customers compare it with (also outside the category: the
    cinema, the couch at home). An association is positive or negative.
    """

    id: Identifier = Field(default_factory=new_id)
    segment_id: Identifier
    kind: CardKind
    text: ShortText
    detail: OptionalLongText = ""
    polarity: Polarity | None = None
    need_type: NeedType | None = None
    alternatives: list[ShortText] = Field(default_factory=list, max_length=20)
    basis: Basis = Basis.ASSUMPTION
    author_id: Identifier | None = None
    state: EntryState = EntryState.ACTIVE
    version: int = Field(default=1, ge=1)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)

    @model_validator(mode="after")
    def _fits_kind(self) -> Card:
        if self.kind is CardKind.ASSOCIATION and self.polarity is None:
            raise rule_error("association_needs_polarity")
        if self.kind is not CardKind.ASSOCIATION and self.polarity is not None:
            raise rule_error("polarity_only_for_associations")
        if self.kind is not CardKind.NEED and self.alternatives:
            raise rule_error("alternatives_only_for_needs")
        if self.kind is not CardKind.NEED and self.need_type is not None:
            raise rule_error("need_type_only_for_needs")
        return self

    @property
    def goal_kind(self) -> GoalKind:
        """Which of the four goals this card feeds."""
        return GOAL_FOR_CARD[(self.kind, self.polarity)]
