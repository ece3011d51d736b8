"""Cards, measures and proposals: the entries participants add, edit and take back, and the
facilitator removes and restores. One life cycle, written once for all three."""

from __future__ import annotations

from typing import TypeVar

from klantreis.domain import (
    Action,
    Card,
    EntryState,
    Idea,
    Measure,
    Rating,
    Vote,
    utc_now,
)
from klantreis.service import rights
from klantreis.service.audit import entry, summary_of
from klantreis.service.core import ServiceCore
from klantreis.store.transaction import Transaction

Entry = TypeVar("Entry", Card, Measure, Idea)


class EntriesPart(ServiceCore):
    """Add, edit, withdraw, remove and restore a card, a measure or a proposal."""

    def add_entry(self, item: Entry, actor_id: str | None = None) -> Entry:
        """Add a new entry; its author is ``actor_id``."""
        item = item.model_copy(update={"author_id": actor_id} if actor_id else {})
        return self._save(item, actor_id, self._check_entry, summary=summary_of(item))

    def edit_entry(self, item: Entry, actor_id: str | None = None) -> Entry:
        """Save changes to an entry (own entries only for participants)."""
        item = item.model_copy(update={"updated_at": utc_now()})
        return self._save(item, actor_id, self._check_entry, summary=summary_of(item))

    def withdraw_entry(self, cls: type[Entry], entry_id: str, actor_id: str | None = None) -> Entry:
        """The author takes an entry back (a card's dots and a proposal's votes go with it)."""
        return self._set_entry_state(cls, entry_id, actor_id, EntryState.WITHDRAWN, Action.WITHDRAW)

    def remove_entry(self, cls: type[Entry], entry_id: str, actor_id: str | None = None) -> Entry:
        """The facilitator takes an entry away (inappropriate, a duplicate, off topic)."""
        return self._set_entry_state(cls, entry_id, actor_id, EntryState.REMOVED, Action.REMOVE)

    def restore_entry(self, cls: type[Entry], entry_id: str, actor_id: str | None = None) -> Entry:
        """Bring a withdrawn or removed entry back (facilitator only)."""
        return self._set_entry_state(cls, entry_id, actor_id, EntryState.ACTIVE, Action.RESTORE)

    # The names the notebooks, the CLI and the pages call.

    def add_card(self, card: Card, actor_id: str | None = None) -> Card:
        """Put a new card on the wall; its author is ``actor_id``."""
        return self.add_entry(card, actor_id)

    def edit_card(self, card: Card, actor_id: str | None = None) -> Card:
        """Save changes to a card (own cards only for participants)."""
        return self.edit_entry(card, actor_id)

    def withdraw_card(self, card_id: str, actor_id: str | None = None) -> Card:
        """The author takes a card back; its dots return to their owners."""
        return self.withdraw_entry(Card, card_id, actor_id)

    def remove_card(self, card_id: str, actor_id: str | None = None) -> Card:
        """The facilitator takes a card off the wall (inappropriate, duplicate)."""
        return self.remove_entry(Card, card_id, actor_id)

    def restore_card(self, card_id: str, actor_id: str | None = None) -> Card:
        """Put a withdrawn or removed card back (facilitator only)."""
        return self.restore_entry(Card, card_id, actor_id)

    def add_measure(self, measure: Measure, actor_id: str | None = None) -> Measure:
        """Propose a measure; its author is ``actor_id``."""
        return self.add_entry(measure, actor_id)

    def edit_measure(self, measure: Measure, actor_id: str | None = None) -> Measure:
        """Save changes to a measure (own measures only for participants)."""
        return self.edit_entry(measure, actor_id)

    def withdraw_measure(self, measure_id: str, actor_id: str | None = None) -> Measure:
        """The author takes a measure back."""
        return self.withdraw_entry(Measure, measure_id, actor_id)

    def remove_measure(self, measure_id: str, actor_id: str | None = None) -> Measure:
        """The facilitator takes a measure off the board."""
        return self.remove_entry(Measure, measure_id, actor_id)

    def restore_measure(self, measure_id: str, actor_id: str | None = None) -> Measure:
        """Put a withdrawn or removed measure back (facilitator only)."""
        return self.restore_entry(Measure, measure_id, actor_id)

    def add_idea(self, idea: Idea, actor_id: str | None = None) -> Idea:
        """Propose a wording, a segment, or a quote, fact or need for a persona."""
        return self.add_entry(idea, actor_id)

    def edit_idea(self, idea: Idea, actor_id: str | None = None) -> Idea:
        """Save changes to a proposal (own proposals only for participants)."""
        return self.edit_entry(idea, actor_id)

    def withdraw_idea(self, idea_id: str, actor_id: str | None = None) -> Idea:
        """The author takes a proposal back; its votes go with it."""
        return self.withdraw_entry(Idea, idea_id, actor_id)

    def remove_idea(self, idea_id: str, actor_id: str | None = None) -> Idea:
        """The facilitator takes a proposal away (duplicate, off topic)."""
        return self.remove_entry(Idea, idea_id, actor_id)

    def restore_idea(self, idea_id: str, actor_id: str | None = None) -> Idea:
        """Bring a withdrawn or removed proposal back (facilitator only)."""
        return self.restore_entry(Idea, idea_id, actor_id)

    # -- the one life cycle ------------------------------------------------------------------

    def _check_entry(self, tx: Transaction, item: Card | Measure | Idea) -> None:
        """What an entry points at exists (a proposal points at a segment only when it has one)."""
        if not isinstance(item, Idea) or item.segment_id is not None:
            self._check_references(tx, item)

    def _set_entry_state(
        self,
        cls: type[Entry],
        entry_id: str,
        actor_id: str | None,
        state: EntryState,
        action: Action,
    ) -> Entry:
        with self.store.write() as tx:
            current = tx.require(cls, entry_id, self.workshop_id)
            if action is Action.WITHDRAW:
                self._check_allowed(tx, actor_id, cls, current, rights.step_of(current))
            else:
                self._require_facilitator(tx, actor_id)
            saved = tx.update(current.model_copy(update={"state": state, "updated_at": utc_now()}))
            if cls is Card and state is not EntryState.ACTIVE:
                tx.delete_where(Vote, self.workshop_id, card_id=entry_id)
            if cls is Idea and state is not EntryState.ACTIVE:
                tx.delete_where(Rating, self.workshop_id, target_id=entry_id)
            tx.record(entry(self.workshop_id, actor_id, action, saved))
            return saved


__all__ = ["EntriesPart"]
