"""The data of a workshop's analytics, kept in ``<workshop folder>/analytics/``.

``traffic.parquet`` (traffic by source/medium), ``events.parquet`` (the event log),
``rules.json`` (mapping rules) and ``counts.json`` (step counts typed in by hand). Every write
goes to a temporary file first and replaces the old one in one step, so a refused or interrupted
import leaves what was there. Inside :meth:`DataFolder.change` the new files wait until the
caller keeps them (the service keeps them in the transaction that records the import), and are
taken back when that transaction fails.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import duckdb
import pandas as pd
from pydantic import ValidationError

from klantreis.analytics.events import (
    EventLogInfo,
    import_event_log,
    no_space,
    read_log,
    write_frame,
)
from klantreis.analytics.traffic import read_traffic
from klantreis.domain import ImportFailed, StorageError
from klantreis.domain.errors import validation_failed
from klantreis.domain.mapping import DEFAULT_CHANNELS, ChannelRule, MappingRules
from klantreis.exchange.document import parse_json
from klantreis.i18n import Language, t

FOLDER_NAME = "analytics"
MAX_COUNT = 10**12
MAX_RULES_BYTES = 2 * 1024 * 1024

T = TypeVar("T")


@dataclass
class _Staged:
    """The files written inside one :meth:`DataFolder.change`, and what they replaced."""

    root: Path
    waiting: list[tuple[str, Path]] = field(default_factory=list)  # (new file, its place)
    replaced: list[tuple[Path, str | None]] = field(default_factory=list)  # (place, old copy)
    kept: bool = False

    def keep(self) -> None:
        """Put every new file in its place; a copy of each old one is held until the end."""
        if self.kept:
            return
        self.kept = True
        for temporary, target in self.waiting:
            previous = None
            if target.is_file():
                previous = _temporary(self.root, ".previous")
                os.remove(previous)  # its name, for a second name of the old file
                try:
                    os.link(target, previous)  # the place is never empty for a reader
                except OSError:
                    shutil.copy2(target, previous)
            self.replaced.append((target, previous))
            os.replace(temporary, target)
        self.waiting.clear()

    def take_back(self) -> None:
        """Put back what :meth:`keep` replaced (the new files go)."""
        for target, previous in reversed(self.replaced):
            if previous is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(previous, target)
        self.replaced.clear()

    def clean(self) -> None:
        """Remove every file still waiting and every copy still held."""
        left = [temporary for temporary, _ in self.waiting]
        left += [previous for _, previous in self.replaced if previous]
        for path in left:
            if os.path.exists(path):
                os.remove(path)


_STAGED: ContextVar[_Staged | None] = ContextVar("klantreis_staged_data", default=None)
"""The change that writes of this thread (context) wait for, if any."""


LEFTOVER = ".kr-"
"""Every temporary file of a data folder starts with this and its process id (``.kr-PID-``);
the process holds a lock on ``.kr-owner-PID.lock`` for as long as it lives, so a later
process can tell the files of one that was killed from those of one still writing."""

LEGACY_AGE = 3600
"""Seconds after which a temporary file named the way earlier versions named them is removed."""

_OWNERS: dict[tuple[Path, int], IO[str]] = {}


def _own(root: Path) -> None:
    """Hold this process's owner lock in ``root`` (once per process and folder; removed when
    the process ends normally)."""
    key = (root, os.getpid())
    if key not in _OWNERS:
        path = root / f"{LEFTOVER}owner-{os.getpid()}.lock"
        owner = path.open("a")
        fcntl.flock(owner, fcntl.LOCK_EX)
        _OWNERS[key] = owner
        atexit.register(_disown, path, owner, os.getpid())


def _disown(path: Path, owner: IO[str], pid: int) -> None:
    if owner.closed or pid != os.getpid():  # a forked child leaves its parent's lock alone
        return
    path.unlink(missing_ok=True)
    owner.close()


def _temporary(root: Path, suffix: str) -> str:
    """A new, empty file in ``root`` that :func:`remove_leftovers` leaves alone while this
    process lives."""
    _own(root)
    handle, temporary = tempfile.mkstemp(
        dir=root, prefix=f"{LEFTOVER}{os.getpid()}-", suffix=suffix
    )
    os.close(handle)
    return temporary


def remove_leftovers(root: Path) -> list[Path]:
    """Remove what imports of processes that were killed midway left in ``root`` (their
    temporary files and old copies); returns what was removed."""
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for lock in root.glob(f"{LEFTOVER}owner-*.lock"):
        pid = lock.name.removeprefix(f"{LEFTOVER}owner-").removesuffix(".lock")
        if pid == str(os.getpid()) or not pid.isdecimal():
            continue
        with lock.open("a") as owner:
            try:
                fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # that process is still at work
            for leftover in root.glob(f"{LEFTOVER}{pid}-*"):
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
            lock.unlink(missing_ok=True)
    old = time.time() - LEGACY_AGE
    for pattern in ("tmp*.part", "tmp*.parquet.part", "tmp*.upload.csv", "tmp*.upload.parquet"):
        for leftover in root.glob(pattern):
            if leftover.stat().st_mtime < old:
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
    return removed


def default_rules(language: Language) -> MappingRules:
    """Channel rules close to Google Analytics' default channel grouping, in ``language``."""
    return MappingRules(
        channels=[
            ChannelRule(pattern=pattern, channel=t(f"channel.{key}", language))
            for pattern, key in DEFAULT_CHANNELS
        ]
    )


def parse_rules(data: bytes) -> MappingRules:
    """Mapping rules from the bytes of a rules file; :class:`ImportFailed` or
    :class:`ValidationFailed` when they are not."""
    raw = parse_json(data, MAX_RULES_BYTES)
    try:
        return MappingRules.model_validate(raw)
    except ValidationError as exc:
        raise validation_failed(exc) from None


def parse_counts(raw: Any) -> dict[int, int]:
    """Step counts from JSON-like data ``{"1": 1200, "2": 800}``; step numbers from 1."""
    if not isinstance(raw, dict):
        raise ImportFailed("error.counts_invalid")
    counts: dict[int, int] = {}
    for key, value in raw.items():
        try:
            step = int(key)
        except (TypeError, ValueError):
            raise ImportFailed("error.counts_invalid") from None
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= MAX_COUNT
            or step < 1
        ):
            raise ImportFailed("error.counts_invalid")
        counts[step] = value
    return counts


class DataFolder:
    """Reads and writes the analytics data of one workshop folder."""

    def __init__(self, workshop_folder: Path) -> None:
        self.root = Path(workshop_folder) / FOLDER_NAME
        self.traffic_path = self.root / "traffic.parquet"
        self.events_path = self.root / "events.parquet"
        self.rules_path = self.root / "rules.json"
        self.counts_path = self.root / "counts.json"
        remove_leftovers(self.root)

    # -- traffic -----------------------------------------------------------------------------

    def import_traffic(self, data: bytes) -> pd.DataFrame:
        """Read a GA4 or Universal Analytics export and keep it (replacing the previous one)."""
        frame = read_traffic(data)
        self._write(self.traffic_path, lambda path: write_frame(frame, path))
        return frame

    def traffic(self) -> pd.DataFrame | None:
        """The kept traffic table, or None."""
        return read_log(self.traffic_path) if self.traffic_path.is_file() else None

    # -- events ------------------------------------------------------------------------------

    def import_events(self, source: Path, columns: dict[str, str] | None = None) -> EventLogInfo:
        """Check an event log (CSV or Parquet) and keep it (replacing the previous one);
        ``columns`` chooses a column per role (see :func:`import_event_log`)."""
        return self._write(
            self.events_path, lambda path: import_event_log(Path(source), Path(path), columns)
        )

    def import_event_bytes(
        self, data: bytes, columns: dict[str, str] | None = None
    ) -> EventLogInfo:
        """As :meth:`import_events`, for a file that arrived as bytes (an upload)."""
        self.root.mkdir(parents=True, exist_ok=True)
        suffix = ".parquet" if data[:4] == b"PAR1" else ".csv"
        temporary = _temporary(self.root, ".upload" + suffix)
        try:
            Path(temporary).write_bytes(data)
            return self.import_events(Path(temporary), columns)
        finally:
            os.remove(temporary)

    @property
    def has_events(self) -> bool:
        """True when an event log was imported."""
        return self.events_path.is_file()

    # -- rules and counts --------------------------------------------------------------------

    def rules(self, language: Language) -> MappingRules:
        """The saved mapping rules, or the starting rules in ``language``."""
        if not self.rules_path.is_file():
            return default_rules(language)
        return parse_rules(self.rules_path.read_bytes())

    def save_rules(self, rules: MappingRules) -> None:
        """Keep the mapping rules."""
        text = json.dumps(rules.model_dump(mode="json"), indent=2, ensure_ascii=False)
        self._write(self.rules_path, lambda path: Path(path).write_text(text, encoding="utf-8"))

    def import_rules(
        self,
        data: bytes,
        language: Language,
        check: Callable[[MappingRules], None] = lambda _rules: None,
    ) -> MappingRules:
        """Check a rules file and keep it. A file without ``channels`` (or ``steps``) keeps the
        rules the workshop has of that kind; an empty list replaces them. ``check`` may refuse
        the result (the workshop's own checks); then nothing changes."""
        rules = parse_rules(data)
        raw = parse_json(data, MAX_RULES_BYTES)
        current = self.rules(language)
        kept = {key: getattr(current, key) for key in ("channels", "steps") if key not in raw}
        rules = rules.model_copy(update=kept)
        check(rules)
        self.save_rules(rules)
        return rules

    def counts(self) -> dict[int, int]:
        """Step counts typed in by hand, by step number."""
        if not self.counts_path.is_file():
            return {}
        return parse_counts(json.loads(self.counts_path.read_text(encoding="utf-8")))

    def save_counts(self, counts: dict[int, int]) -> None:
        """Keep the typed-in step counts (steps without a count are left out)."""
        clean = parse_counts({str(k): v for k, v in counts.items()})
        text = json.dumps({str(k): v for k, v in sorted(clean.items())}, indent=2)
        self._write(self.counts_path, lambda path: Path(path).write_text(text, encoding="utf-8"))

    # -- all ---------------------------------------------------------------------------------

    def stamp(self) -> tuple[float, ...]:
        """Changes whenever any of the data changes (for live pages)."""
        paths = (self.traffic_path, self.events_path, self.rules_path, self.counts_path)
        return tuple(p.stat().st_mtime_ns if p.is_file() else 0.0 for p in paths)

    @contextmanager
    def change(self) -> Iterator[Callable[[], None]]:
        """A change of several writes that is kept all at once, or not at all.

        Writes inside the block go to temporary files; the block calls the ``keep`` it is
        given to put them in place. An exception after ``keep`` (the transaction that records
        the change failed) puts the previous files back; without ``keep`` nothing changes."""
        self.root.mkdir(parents=True, exist_ok=True)
        staged = _Staged(self.root)
        token = _STAGED.set(staged)
        try:
            yield staged.keep
        except BaseException:
            staged.take_back()
            raise
        finally:
            _STAGED.reset(token)
            staged.clean()

    def _write(self, target: Path, write: Callable[[str], T]) -> T:
        """``write`` makes the new file at the path it is given; it then replaces ``target``
        (at once, or when the :meth:`change` it is part of is kept)."""
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = _temporary(self.root, ".part")
        staged = _STAGED.get()
        waiting = staged is not None and staged.root == self.root
        try:
            try:
                made = write(temporary)
            except (OSError, duckdb.Error) as exc:
                if not no_space(exc):
                    raise
                raise StorageError("error.disk_full_folder", path=str(self.root)) from None
            if waiting and staged is not None:
                staged.waiting.append((temporary, target))
            else:
                os.replace(temporary, target)
            return made
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise


__all__ = [
    "FOLDER_NAME",
    "LEFTOVER",
    "DataFolder",
    "default_rules",
    "parse_counts",
    "parse_rules",
    "remove_leftovers",
]
