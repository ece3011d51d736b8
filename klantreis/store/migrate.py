"""Schema migrations (Alembic) shipped inside the package and run by the store on open."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from klantreis.domain import StorageError
from klantreis.store.connection import WRITE_OPTION

_PG_MIGRATION_LOCK = 7_241_001  # an arbitrary constant shared by every klantreis process


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the migrations in this package."""
    config = Config()
    location = resources.files("klantreis.store").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision the package ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def revisions() -> list[str]:
    """All shipped revisions, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision``; safe when several processes open it at once."""
    target = head_revision() if revision == "head" else revision
    current = current_revision(engine)
    if current == target:
        return
    if current is not None and current not in revisions():
        # Made by a newer klantreis: this one must not touch (or misread) what it does not know.
        raise StorageError("error.database_newer", revision=current, known=head_revision())
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild a table by copy, drop and rename; with foreign keys on,
            # the drop would cascade into every child table. The pragma only takes effect
            # outside a transaction, so it goes straight to the driver.
            _driver_execute(connection, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if not sqlite:
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                    )
                command.upgrade(alembic_config(connection), revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration broke references: {broken[:5]}")
        finally:
            if sqlite:
                _driver_execute(connection, "PRAGMA foreign_keys=ON")


def _driver_execute(connection: Connection, statement: str) -> None:
    """Run a statement on the raw DB-API connection, outside SQLAlchemy's transaction."""
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute(statement)
