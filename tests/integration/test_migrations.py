"""Migrations ship in the package, match the tables, and carry old data forward intact."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from klantreis.domain import Card, Segment, Workshop
from klantreis.service import Service
from klantreis.store import migrate
from klantreis.store.connection import make_engine
from klantreis.store.store import Store
from klantreis.store.tables import metadata

FIRST = "0001"


def test_revisions_form_one_line_from_the_first_schema() -> None:
    revisions = migrate.revisions()
    assert revisions[0] == FIRST
    assert revisions[-1] == migrate.head_revision()
    assert len(revisions) >= 2


def test_migrated_schema_equals_the_tables(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == []
    engine.dispose()


def test_data_written_by_the_first_schema_survives_the_upgrade(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate.upgrade(engine, FIRST)
    assert migrate.current_revision(engine) == FIRST
    phases = '[{"key": "awareness", "name": "Awareness", "description": ""}]'
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workshops (id, title, language, organisation, challenge_kind,"
                " challenge,"
                " end_goal, scope, phase_model, phases, dots_per_participant, allow_anonymous,"
                " open_step, version, created_at) VALUES ('w1', 'Old workshop', 'en', '', 'retain',"
                ' \'Keep them\', \'{"description": "", "metric": "Score", "threshold": 8,'
                ' "unit": ""}\', \'{"situations": ["staying"], "included": [], "excluded": []}\','
                " 'custom', :phases, 3, true, 'mapping', 4, '2025-01-02 03:04:05')"
            ),
            {"phases": phases},
        )
        connection.execute(
            text(
                "INSERT INTO segments (id, workshop_id, name, description, relevance, is_focus,"
                " position, version) VALUES ('s1', 'w1', 'Loyal', '', 5, true, 0, 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO cards (id, workshop_id, segment_id, kind, text, detail, polarity,"
                " need_type, alternatives, basis, author_id, state, version, created_at,"
                " updated_at)"
                " VALUES ('c1', 'w1', 's1', 'association', 'Reliable', '', 'positive', NULL, '[]',"
                " 'data', NULL, 'active', 1, '2025-01-02 03:04:05', '2025-01-02 03:04:05')"
            )
        )
    engine.dispose()

    store = Store(database_url)  # opening upgrades to head
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    snapshot = Service.open(store, "w1").snapshot()
    workshop = snapshot.workshop
    assert (workshop.title, workshop.version, workshop.open_step) == ("Old workshop", 4, "mapping")
    assert workshop.end_goal.threshold == 8 and workshop.scope.situations == ["staying"]
    assert (workshop.results_hidden, workshop.input_locked, workshop.timer_ends_at) == (
        False,
        False,
        None,
    )
    assert snapshot.segments == [
        Segment(id="s1", workshop_id="w1", name="Loyal", relevance=5, is_focus=True)
    ]
    assert isinstance(snapshot.cards[0], Card) and snapshot.cards[0].text == "Reliable"
    store.close()


def test_migrations_are_shipped_as_package_files() -> None:
    from importlib import resources

    folder = resources.files("klantreis.store").joinpath("migrations")
    names = {entry.name for entry in folder.joinpath("versions").iterdir()}
    assert {"0001_first_schema.py", "0002_room_controls.py"} <= names
    assert folder.joinpath("env.py").is_file()


@pytest.mark.parametrize("revision", ["0001"])
def test_downgrade_path_exists(revision: str) -> None:
    # Each revision names the one before it, so the chain can be walked both ways.
    assert revision in migrate.revisions()


def test_opening_twice_does_not_migrate_again(sqlite_file_url: str) -> None:
    first = Store(sqlite_file_url)
    with first.write() as tx:
        tx.insert(Workshop(title="x", phases=[{"key": "a", "name": "A"}]))
    first.close()
    second = Store(sqlite_file_url)
    with second.read() as tx:
        assert len(tx.workshops()) == 1
    second.close()
