"""The store: one object per database, handing out read and write transactions."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from klantreis.domain import StorageError
from klantreis.store import migrate
from klantreis.store.changes import ChangeFeed
from klantreis.store.connection import WRITE_OPTION, is_memory, make_engine, masked, normalise_url
from klantreis.store.transaction import Transaction


class Store:
    """A database holding one or more workshops, at the schema version this package ships.

    ``Store("sqlite:///path/workshop.sqlite")`` or ``Store("postgresql://...")``; the schema is
    created or upgraded on open unless ``migrate_schema=False``.
    """

    def __init__(self, url: str, *, migrate_schema: bool = True) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self.feed = ChangeFeed()
        """Committed changes are announced here (see :mod:`klantreis.store.changes`)."""
        self.statements = 0
        """How many SQL statements this store sent to its database (the room shows it in its
        status: a room where nothing happens sends none)."""
        event.listen(self.engine, "before_cursor_execute", self._count_statement)
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
                raise storage_problem(exc, url, "error.storage_unreachable") from exc
            except DatabaseError as exc:  # SQLite: "file is not a database", "malformed"
                reason = str(getattr(exc, "orig", exc))
                raise StorageError(
                    "error.database_damaged", url=masked(url), reason=reason
                ) from exc

    def _count_statement(self, *_args: object) -> None:
        self.statements += 1

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
            raise storage_problem(exc, self.url) from exc

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
            raise storage_problem(exc, self.url) from exc
        if tx.changes:
            self.feed.publish(tx.changes)

    def close(self) -> None:
        """Stop what still reads this store, then release the connections."""
        for stop in list(self.on_close):
            stop()
        self.engine.dispose()


READ_ONLY = ("readonly database", "read-only file system", "permission denied")
DISK_FULL = ("database or disk is full", "no space left on device", "disk is full")


def storage_problem(exc: Exception, url: str, otherwise: str = "error.storage") -> StorageError:
    """What the user is told when the database refused: a read-only folder and a full disk are
    named with what to do (the database is unchanged: SQLite rolls the transaction back);
    anything else gets ``otherwise``."""
    reason = str(getattr(exc, "orig", None) or exc).lower()
    if any(words in reason for words in DISK_FULL) or _full_sqlite_disk(url, reason):
        opening = otherwise == "error.storage_unreachable"
        return StorageError(
            "error.disk_full_open" if opening else "error.disk_full", url=masked(url)
        )
    if any(words in reason for words in READ_ONLY) or _unwritable_sqlite(url, reason):
        return StorageError("error.database_read_only", url=masked(url))
    return StorageError(otherwise, url=masked(url))


FULL_BELOW = 256 * 1024
"""Free bytes below which a disk counts as full (SQLite needs a few pages to do anything)."""


def _full_sqlite_disk(url: str, reason: str) -> bool:
    """SQLite says only "disk I/O error" when it cannot make its shared-memory file beside
    the database, as on a full disk even to read: true when that is why."""
    parsed = normalise_url(url)
    if "disk i/o error" not in reason or not parsed.database or is_memory(parsed):
        return False
    try:
        return shutil.disk_usage(Path(parsed.database).parent).free < FULL_BELOW
    except OSError:
        return False


def _unwritable_sqlite(url: str, reason: str) -> bool:
    """SQLite says only "unable to open database file" when it may not create its journal
    beside the database: true when that is why (its folder cannot be written)."""
    parsed = normalise_url(url)
    if "unable to open database file" not in reason or not parsed.database or is_memory(parsed):
        return False
    folder = Path(parsed.database).parent
    try:
        read_only_mount = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False
    return read_only_mount or not os.access(folder, os.W_OK)
