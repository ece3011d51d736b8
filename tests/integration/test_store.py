"""The store keeps every entity intact, on a SQLite file and on PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from klantreis.domain import (
    Card,
    Conflict,
    Goal,
    Journey,
    JourneyStep,
    Measure,
    NotFound,
    Participant,
    Persona,
    Quote,
    Segment,
    SurveyFact,
    Touchpoint,
    Vote,
    Workshop,
    phases_for,
)
from klantreis.store.store import Store


@pytest.fixture
def workshop(store: Store) -> Workshop:
    """A stored workshop with the default phases, in the parametrised store."""
    made = Workshop(title="Store test", language="en", phases=phases_for("default", "en"))
    with store.write() as tx:
        tx.insert(made)
    return made


def test_every_entity_round_trips(store: Store, workshop: Workshop) -> None:
    w = workshop.id
    segment = Segment(workshop_id=w, name="Young <b>city</b> dwellers", is_focus=True, relevance=5)
    persona = Persona(
        workshop_id=w,
        segment_id=segment.id,
        name="Sanne",
        quotes=[Quote(text="When do I clap?", source="Interview 3")],
        survey_facts=[
            SurveyFact(question="Price?", answer="€20–30", share_percent=46.5, respondents=212)
        ],
        functional_needs=["Fits the diary"],
    )
    card = Card(
        workshop_id=w,
        segment_id=segment.id,
        kind="need",
        text="Night out 🎻",
        alternatives=["Cinema"],
    )
    goal = Goal(
        workshop_id=w, segment_id=segment.id, kind="address_needs", statement="Compete with dinner"
    )
    touchpoint = Touchpoint(workshop_id=w, name="Podcast", phase_keys=["consideration"])
    measure = Measure(
        workshop_id=w,
        segment_id=segment.id,
        goal_kind="address_needs",
        title="Podcast",
        card_ids=[card.id],
        phase_key="consideration",
        touchpoint_id=touchpoint.id,
    )
    journey = Journey(workshop_id=w, name="First concert", segment_id=segment.id)
    step = JourneyStep(
        workshop_id=w, journey_id=journey.id, action="Listens", feeling=-2, phase_key="awareness"
    )
    person = Participant(workshop_id=w, name="Anna")
    vote = Vote(workshop_id=w, participant_id=person.id, card_id=card.id, dot=0)
    items = [segment, persona, card, goal, touchpoint, measure, journey, step, person, vote]
    with store.write() as tx:
        for item in items:
            tx.insert(item)
    with store.read() as tx:
        for item in items:
            assert tx.get(type(item), item.id) == item
        assert tx.get(Workshop, w) == workshop


def test_timestamps_come_back_in_utc(store: Store, workshop: Workshop) -> None:
    with store.read() as tx:
        created = tx.require(Workshop, workshop.id).created_at
    assert created.tzinfo is not None
    assert created.astimezone(UTC) == workshop.created_at
    assert abs(created - datetime.now(UTC)).total_seconds() < 60


def test_update_checks_the_version(store: Store, workshop: Workshop) -> None:
    segment = Segment(workshop_id=workshop.id, name="A")
    with store.write() as tx:
        tx.insert(segment)
    with store.write() as tx:
        saved = tx.update(segment.model_copy(update={"name": "B"}))
    assert saved.version == 2
    with pytest.raises(Conflict), store.write() as tx:
        tx.update(segment.model_copy(update={"name": "stale"}))
    with store.read() as tx:
        assert tx.require(Segment, segment.id).name == "B"
    with pytest.raises(NotFound), store.write() as tx:
        tx.update(Segment(workshop_id=workshop.id, name="never stored"))


def test_a_failed_transaction_leaves_nothing_behind(store: Store, workshop: Workshop) -> None:
    segment = Segment(workshop_id=workshop.id, name="A")
    with pytest.raises(RuntimeError), store.write() as tx:
        tx.insert(segment)
        raise RuntimeError("boom")
    with store.read() as tx:
        assert tx.get(Segment, segment.id) is None


def test_deleting_a_workshop_cascades(store: Store, workshop: Workshop) -> None:
    segment = Segment(workshop_id=workshop.id, name="A")
    with store.write() as tx:
        tx.insert(segment)
        tx.delete(Workshop, workshop.id)  # type: ignore[arg-type]
    with store.read() as tx:
        assert tx.get(Segment, segment.id) is None


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_file_url: str) -> None:
    opened = Store(sqlite_file_url)
    with opened.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 60000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    opened.close()


def test_reopening_a_store_keeps_the_data(database_url: str) -> None:
    first = Store(database_url)
    made = Workshop(title="Kept", phases=phases_for("aida", "nl"))
    with first.write() as tx:
        tx.insert(made)
    first.close()
    second = Store(database_url)
    with second.read() as tx:
        assert [w.title for w in tx.workshops()] == ["Kept"]
    second.close()
