"""Hearing the changes other processes commit, and announcing them on this process's feed.

On PostgreSQL a dedicated connection ``LISTEN``\\s for the notifications every commit sends
(:data:`klantreis.store.changes.CHANNEL`); on SQLite the watcher looks at the database's files
a few times a second and asks for the workshop's revision only when they changed (a commit of
any process writes them): a room where nothing happens asks its database nothing. Either way
it reads what is new from the audit trail (``changes_since``) and publishes it on
``store.feed``, where the process's own pages listen.
Changes this process committed itself were announced already; the feed delivers each once.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from klantreis.domain import KlantreisError
from klantreis.store.changes import CHANNEL
from klantreis.store.store import Store

logger = logging.getLogger(__name__)

SQLITE_INTERVAL = 0.1
"""Seconds between looks at a SQLite database's files (a revision query when they changed)."""

SETTLED_AFTER = 2.0
"""Seconds after which a file's modification time is trusted to show every write before it.
A write within the same tick of the file system's clock as the last look can leave size and
time unchanged (git calls such index entries "racy"): while the newest write is more recent
than this before the last query, the watcher queries on every look."""

POSTGRES_FALLBACK = 2.0
"""Seconds after which a PostgreSQL watcher checks the revision even without a notification
(a notification sent while its connection was being re-established is not lost)."""


class ChangeWatcher:
    """A thread that follows one workshop's changes made by other processes.

    ``since``: the revision its caller already shows (a snapshot's); what was committed after
    it is announced on the first look. Without it, following starts from the revision now.
    """

    def __init__(self, store: Store, workshop_id: str, since: int | None = None) -> None:
        self.store = store
        self.workshop_id = workshop_id
        self._files = FileLook(store.engine.url.database if store.backend == "sqlite" else None)
        self.revision = self._read_revision() if since is None else since
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: Any = None
        self._queries = 0
        self._looks = 0

    def start(self) -> ChangeWatcher:
        """Start following (in a daemon thread); returns itself."""
        self._thread = threading.Thread(
            target=self._run, name=f"klantreis-watch-{self.workshop_id[:8]}", daemon=True
        )
        self._thread.start()
        self.store.on_close.append(self.stop)
        return self

    def stop(self) -> None:
        """Stop following and close the listening connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._close_connection()
        with contextlib.suppress(ValueError):
            self.store.on_close.remove(self.stop)

    def catch_up(self) -> int:
        """Read and announce what changed since the last look; how many changes that was."""
        with self.store.read() as tx:
            changes = tx.changes_since(self.workshop_id, self.revision)
        if changes:
            self.revision = changes[-1].revision
            self.store.feed.publish(changes)
        return len(changes)

    # -- the loop --------------------------------------------------------------------------

    def _read_revision(self) -> int:
        try:
            with self.store.read() as tx:
                return tx.revision(self.workshop_id)
        except (KlantreisError, SQLAlchemyError):
            return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.store.backend == "postgresql":
                    self._listen()
                else:
                    self._poll()
            except (KlantreisError, SQLAlchemyError, OSError) as exc:
                # The database is away for a moment (a restart): try again shortly.
                logger.info("change watcher waits for the database: %s", exc)
                self._close_connection()
                self._stop.wait(1.0)
            except Exception:
                logger.exception("change watcher failed; retrying")
                self._close_connection()
                self._stop.wait(1.0)

    def _poll(self) -> None:
        while not self._stop.wait(SQLITE_INTERVAL):
            self._looks += 1
            if self._files.may_have_changed() and self._read_revision_strict() > self.revision:
                self.catch_up()

    def _read_revision_strict(self) -> int:
        self._queries += 1
        with self.store.read() as tx:
            return tx.revision(self.workshop_id)

    @property
    def queries(self) -> int:
        """How many revision queries this watcher made (for tests and benchmarks)."""
        return self._queries

    @property
    def looks(self) -> int:
        """How many times this watcher looked at a SQLite database's files."""
        return self._looks

    def _listen(self) -> None:
        import psycopg

        url = self.store.engine.url.set(drivername="postgresql")
        self._connection = psycopg.connect(
            url.render_as_string(hide_password=False), autocommit=True, connect_timeout=5
        )
        try:
            self._connection.execute(f"LISTEN {CHANNEL}")
            self.catch_up()  # what was committed while nobody listened
            while not self._stop.is_set():
                heard = False
                for note in self._connection.notifies(timeout=POSTGRES_FALLBACK, stop_after=1):
                    workshop, _, revision = note.payload.partition(":")
                    if workshop == self.workshop_id and int(revision or 0) > self.revision:
                        heard = True
                if heard or self._read_revision_strict() > self.revision:
                    self.catch_up()
        except psycopg.Error as exc:
            raise OSError(str(exc)) from exc
        finally:
            self._close_connection()

    def _close_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()


class FileLook:
    """Whether a SQLite database's files (the database and its write-ahead log) may have been
    written since the last look (the first: since it was made), from their size and
    modification time alone (no query). Make it before reading what the database holds."""

    def __init__(self, database: str | None) -> None:
        in_memory = not database or database == ":memory:" or database.startswith("file:")
        self.paths = () if in_memory else (Path(database or ""), Path(f"{database}-wal"))
        self._seen: tuple[tuple[int, int], ...] = ()
        self._racy = True
        self.may_have_changed()

    def may_have_changed(self) -> bool:
        """True when the files changed since the last look, or when their last write is too
        recent to be sure (see :data:`SETTLED_AFTER`); always True for a database in memory."""
        if not self.paths:
            return True
        now = time.time_ns()
        stats = tuple(self._stat(path) for path in self.paths)
        changed = stats != self._seen or self._racy
        self._seen = stats
        newest = max(modified for _size, modified in stats)
        self._racy = now - newest < SETTLED_AFTER * 1e9
        return changed

    @staticmethod
    def _stat(path: Path) -> tuple[int, int]:
        try:
            info = path.stat()
        except OSError:
            return (-1, -1)
        return (info.st_size, info.st_mtime_ns)
