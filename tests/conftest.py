"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from klantreis.exchange.importer import import_document
from klantreis.exchange.templates import load_template
from klantreis.service import Service
from klantreis.store.connection import normalise_url
from klantreis.store.store import Store
from tests.postgres import server_binaries, throwaway_cluster

UI = Path(__file__).parent / "ui"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/ui drives a browser: marked ``ui`` wherever it forgot to say so."""
    for item in items:
        if UI in item.path.parents:
            item.add_marker(pytest.mark.ui)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a throwaway PostgreSQL server started for this test session.

    Skips (loudly) only when no PostgreSQL binaries exist; in CI (CI=true) that is a failure.
    """
    if server_binaries() is None:
        message = "no PostgreSQL server binaries on this machine (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with throwaway_cluster() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """The URL of a fresh, empty database on the throwaway server, dropped afterwards."""
    name = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(normalise_url(postgres_server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = postgres_server.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_file_url(tmp_path: Path) -> str:
    """The URL of a new SQLite file in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'workshop.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh database URL, once for a SQLite file and once for PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_file_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """An open, migrated store on each backend (see ``database_url``)."""
    opened = Store(database_url)
    yield opened
    opened.close()


@pytest.fixture
def memory_store() -> Iterator[Store]:
    """An open, migrated store in SQLite memory: fast, for service and unit tests."""
    opened = Store("sqlite:///:memory:")
    yield opened
    opened.close()


@pytest.fixture
def orchestra(memory_store: Store) -> Service:
    """The service of the orchestra template workshop (English) in a memory store."""
    return import_document(memory_store, load_template("orchestra", "en"))


@pytest.fixture
def empty_workshop(memory_store: Store) -> Service:
    """The service of an empty Dutch workshop in a memory store."""
    return import_document(memory_store, load_template("empty", "nl"))


@pytest.fixture
def orchestra_on_disk(tmp_path: Path) -> tuple[Service, Path]:
    """The orchestra template (English) in a workshop folder on disk, with its service."""
    from klantreis.folder import create_folder

    folder = tmp_path / "orchestra"
    return create_folder(folder, load_template("orchestra", "en")), folder
