"""The store: one object per database, handing out read and write transactions."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from klantreis.domain import StorageError
from klantreis.store import migrate
from klantreis.store.changes import ChangeFeed
from klantreis.store.engine import WRITE_OPTION, make_engine, masked
from klantreis.store.transaction import Transaction


class Store:
    """A database holding one or more workshops, at the schema version this package ships.

    ``Store("sqlite:///path/workshop.sqlite")`` or ``Store("postgresql://...")``; the schema is
    created or upgraded on open unless ``migrate=False``.
    """

    def __init__(self, url: str, *, migrate_schema: bool = True) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self.feed = ChangeFeed()
        """Committed changes are announced here (see :mod:`klantreis.store.changes`)."""
        self.on_close: list[Callable[[], None]] = []
        """Stopped before the connections go: threads that read this store (change
        watchers), so none reads from a connection being closed under it."""
        self._writer: AbstractContextManager[object] = (
            threading.RLock() if self.backend == "sqlite" else nullcontext()
        )
        """SQLite takes one writer at a time: this process's writers queue here, without a
        connection, instead of a hundred of them holding every pooled connection while they
        wait for the database's lock (readers then found none left)."""
        if migrate_schema:
            try:
                migrate.upgrade(self.engine)
            except OperationalError as exc:
                raise StorageError("error.storage_unreachable", url=masked(url)) from exc
            except DatabaseError as exc:  # SQLite: "file is not a database", "malformed"
                reason = str(getattr(exc, "orig", exc))
                raise StorageError(
                    "error.database_damaged", url=masked(url), reason=reason
                ) from exc

    def __repr__(self) -> str:
        return f"Store({masked(self.url)!r})"

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """A read transaction: a consistent view of the database until it ends.

        A database that cannot be reached (a PostgreSQL restart) becomes :class:`StorageError`,
        which every page shows as the room's own message in its language."""
        try:
            with self.engine.connect() as connection:
                if self.backend == "postgresql":
                    connection = connection.execution_options(isolation_level="REPEATABLE READ")
                with connection.begin():
                    yield Transaction(connection)
        except (OperationalError, DBAPIError, PoolTimeout) as exc:
            if isinstance(exc, IntegrityError):
                raise
            raise StorageError() from exc

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """A write transaction: all of it is saved, or none of it.

        On SQLite it starts with BEGIN IMMEDIATE, so writers queue on the busy timeout rather
        than failing midway. Constraint violations propagate as ``IntegrityError`` so callers
        can retry; other database failures become :class:`StorageError`. What the transaction
        recorded in the audit trail is announced on :attr:`feed` after the commit.
        """
        try:
            with self._writer:
                connection = self.engine.connect().execution_options(**{WRITE_OPTION: True})
                with connection, connection.begin():
                    tx = Transaction(connection)
                    yield tx
                    tx.write_audit()
        except IntegrityError:
            raise
        except (OperationalError, DBAPIError, PoolTimeout) as exc:
            raise StorageError() from exc
        if tx.changes:
            self.feed.publish(tx.changes)

    def close(self) -> None:
        """Stop what still reads this store, then release the connections."""
        for stop in list(self.on_close):
            stop()
        self.engine.dispose()
