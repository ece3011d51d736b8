"""Importing an event log (CSV or Parquet) into the workshop's data folder.

A log has one row per event: who (a customer, user, client or session id), when (a timestamp:
ISO text, a Dutch date, or seconds, milliseconds or microseconds since 1970), what (an event name
or page) and optionally through which channel (a "source / medium", or separate source and medium
columns). The columns are found by their names in English or Dutch. DuckDB reads and checks the
whole file and writes it as Parquet with the columns ``customer``, ``ts``, ``event``,
``channel``; the log never has to fit in memory, and a refused file leaves nothing behind.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd

from klantreis.domain import ImportFailed
from klantreis.i18n import Language, t

CUSTOMER = (
    "customer_id",
    "customer",
    "user_pseudo_id",
    "user_id",
    "client_id",
    "visitor_id",
    "session_id",
    "klant_id",
    "klantnummer",
    "klant",
    "gebruiker_id",
    "gebruiker",
    "sessie_id",
)
TIMESTAMP = (
    "timestamp",
    "event_timestamp",
    "event_time",
    "datetime",
    "time",
    "date",
    "tijdstip",
    "datum_tijd",
    "tijd",
    "datum",
)
EVENT = (
    "event",
    "event_name",
    "page",
    "page_path",
    "page_location",
    "url",
    "gebeurtenis",
    "pagina",
)
CHANNEL = (
    "channel",
    "acquisition_channel",
    "session_default_channel_group",
    "default_channel_group",
    "source_medium",
    "session_source_medium",
    "kanaal",
    "bron_medium",
)
SOURCE = ("source", "session_source", "traffic_source_source", "utm_source", "bron")
"""Source and medium in two columns (GA4's BigQuery export: ``traffic_source.source``)."""
MEDIUM = ("medium", "session_medium", "traffic_source_medium", "utm_medium")
CHANNEL_LIKE = ("channel", "source", "medium", "kanaal", "bron", "utm", "referr")
"""Parts of a column name that suggest a channel: such a column is never ignored silently."""
ROLES = ("customer", "time", "event", "channel")
"""What the importer looks for in a log's columns (the keys of ``EventLogInfo.used``)."""

DATE_FORMATS = (
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y",
    "%d/%m/%Y",
)
"""Day-first formats tried after ISO 8601 (as Dutch spreadsheets write dates)."""


@dataclass(frozen=True)
class EventLogInfo:
    """What an imported log holds, and which of its columns were read as what."""

    events: int
    customers: int
    first: str
    last: str
    has_channel: bool
    used: dict[str, str] = field(default_factory=dict)
    """Role (customer, time, event, channel) to the column(s) read for it."""
    others: dict[str, list[str]] = field(default_factory=dict)
    """Role to the other columns that would also fit it (to choose with ``columns``)."""

    def column_lines(self, language: Language) -> list[str]:
        """Which columns were read as what, which others would fit, and a word when a column
        that looks like a channel was not used."""
        if not self.used:
            return []
        roles = {role: t(f"events.role.{role}", language) for role in ROLES}
        used = ", ".join(f"{roles[r]} = {c}" for r, c in self.used.items())
        lines = [t("events.columns_used", language, columns=used)]
        for role, names in self.others.items():
            key = "events.channel_unused" if role not in self.used else "events.also_fits"
            lines.append(t(key, language, role=roles[role], columns=", ".join(names), option=role))
        return lines


def connect() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB connection working in UTC."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    return con


def import_event_log(
    source: Path, target: Path, columns: dict[str, str] | None = None
) -> EventLogInfo:
    """Check the log in ``source`` and write it, clean, to the new file ``target`` (Parquet);
    the caller puts it in place only when this returns (:class:`DataFolder` does).
    ``columns`` chooses the column for a role (customer, time, event, channel) where the names
    alone do not (several fit, or none is known)."""
    if not source.is_file():
        raise ImportFailed("error.import_unreadable", path=str(source))
    if source.stat().st_size == 0:
        raise ImportFailed("error.events_empty")
    con = connect()
    try:
        _open(con, source)
        found = {
            _name(str(row[0])): (str(row[0]), str(row[1]))
            for row in con.execute("DESCRIBE src").fetchall()
        }
        chosen = _chosen(found, columns or {})
        customer = chosen.get("customer") or _find(found, CUSTOMER, "error.events_no_customer")
        stamp = chosen.get("time") or _find(found, TIMESTAMP, "error.events_no_timestamp")
        event = chosen.get("event") or _find(found, EVENT, "error.events_no_event")
        channel, channel_columns = (
            (f"CAST({_q(chosen['channel'][0])} AS VARCHAR)", [chosen["channel"][0]])
            if "channel" in chosen
            else _channel(found)
        )
        used = {"customer": customer[0], "time": stamp[0], "event": event[0]}
        if channel_columns:
            used["channel"] = " + ".join(channel_columns)
        select = (
            f"SELECT CAST({_q(customer[0])} AS VARCHAR) AS customer, {_stamp(*stamp)} AS ts, "
            f"CAST({_q(event[0])} AS VARCHAR) AS event, {channel} AS channel FROM src"
        )
        con.execute(f"CREATE VIEW clean AS {select}")
        bad = con.execute(
            "SELECT count(*) FILTER (WHERE customer IS NULL OR trim(customer) = '' OR ts IS NULL "
            "OR event IS NULL OR trim(event) = ''), count(*) FROM clean"
        ).fetchone()
        if bad and bad[0]:
            raise ImportFailed("error.events_bad_rows", count=int(bad[0]), total=int(bad[1]))
        con.execute(
            f"COPY (SELECT * FROM clean ORDER BY customer, ts) TO '{_path(target)}' "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
        info = summary(con, target, channel != "NULL")
        if info.events == 0:
            raise ImportFailed("error.events_empty")
        return replace(info, used=used, others=_others(found, used))
    except duckdb.Error as exc:
        if no_space(exc):
            raise  # the folder's disk is full: said as such by the caller
        raise ImportFailed("error.events_unreadable", reason=_reason(exc)) from None
    finally:
        con.close()


def read_log(path: str | Path) -> pd.DataFrame:
    """A whole Parquet file as a pandas frame (for small files, tests and the pandas path)."""
    con = connect()
    try:
        return con.execute(f"SELECT * FROM read_parquet('{_path(path)}')").df()
    finally:
        con.close()


def no_space(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk is full (an OSError, or DuckDB's words for it)."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    return "no space left on device" in str(exc).lower()


def write_frame(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a pandas frame as a Parquet file."""
    con = connect()
    try:
        con.register("frame", frame)
        con.execute(f"COPY frame TO '{_path(path)}' (FORMAT parquet, COMPRESSION zstd)")
    finally:
        con.close()


def summary(con: duckdb.DuckDBPyConnection, path: str | Path, has_channel: bool) -> EventLogInfo:
    """Counts and time span of a clean log."""
    row = con.execute(
        "SELECT count(*), count(DISTINCT customer), min(ts)::VARCHAR, max(ts)::VARCHAR "
        f"FROM read_parquet('{_path(path)}')"
    ).fetchone()
    assert row is not None
    return EventLogInfo(int(row[0]), int(row[1]), str(row[2] or ""), str(row[3] or ""), has_channel)


def _open(con: duckdb.DuckDBPyConnection, source: Path) -> None:
    """The log as view ``src``: Parquet, or CSV (also gzip-compressed, as ``.csv.gz``) in
    UTF-8, UTF-16 or a one-byte Windows encoding (Dutch Excel saves Windows-1252)."""
    with source.open("rb") as handle:
        head = handle.read(65536)
    if head[:4] == b"PAR1":
        con.execute(f"CREATE VIEW src AS SELECT * FROM read_parquet('{_path(source)}')")
        return
    compression = "none"
    if head[:2] == b"\x1f\x8b":
        compression = "gzip"
        try:
            with gzip.open(source, "rb") as handle:
                head = handle.read(65536)
        except (OSError, EOFError):
            raise ImportFailed("error.events_not_log") from None
    encoding = _encoding(head)
    con.execute(
        f"CREATE VIEW src AS SELECT * FROM read_csv('{_path(source)}', header = true, "
        "all_varchar = true, auto_detect = true, strict_mode = false, "
        f"compression = '{compression}', encoding = '{encoding}')"
    )


def _encoding(head: bytes) -> str:
    """How the text starting with ``head`` is encoded, as DuckDB names it; refuses what is no
    text at all."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    if b"\x00" in head[:4096]:
        raise ImportFailed("error.events_not_log")
    try:  # a character cut off at the end of the sample is no reason to doubt UTF-8
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "latin-1"  # Windows-1252 for every accented letter Dutch and English use
    return "utf-8"


def _channel(columns: dict[str, tuple[str, str]]) -> tuple[str, list[str]]:
    """SQL for the channel (NULL without one) and the columns it reads."""
    found = next((columns[n] for n in CHANNEL if n in columns), None)
    if found:
        return f"CAST({_q(found[0])} AS VARCHAR)", [found[0]]
    source = next((columns[n] for n in SOURCE if n in columns), None)
    medium = next((columns[n] for n in MEDIUM if n in columns), None)
    if source and medium:
        sql = f"CAST({_q(source[0])} AS VARCHAR) || ' / ' || CAST({_q(medium[0])} AS VARCHAR)"
        return sql, [source[0], medium[0]]
    return "NULL", []


def _chosen(
    columns: dict[str, tuple[str, str]], choice: dict[str, str]
) -> dict[str, tuple[str, str]]:
    """The columns a person chose per role, by their name as the file writes it."""
    by_name = {original: (original, kind) for original, kind in columns.values()}
    chosen = {}
    for role, name in choice.items():
        if role not in ROLES:
            raise ImportFailed("error.events_unknown_role", role=role, roles=", ".join(ROLES))
        if name not in by_name:
            listed = ", ".join(by_name)[:300]
            raise ImportFailed("error.events_no_such_column", column=name, columns=listed)
        chosen[role] = by_name[name]
    return chosen


def _others(columns: dict[str, tuple[str, str]], used: dict[str, str]) -> dict[str, list[str]]:
    """Per role, the log's other columns that would fit it too; for the channel also any
    column whose name suggests one (a channel is never ignored without a word)."""
    taken = {part for value in used.values() for part in value.split(" + ")}
    known = {"customer": CUSTOMER, "time": TIMESTAMP, "event": EVENT}
    others: dict[str, list[str]] = {}
    for role, names in known.items():
        fits = [columns[n][0] for n in names if n in columns and columns[n][0] not in taken]
        if fits:
            others[role] = fits
    channel = [
        original
        for name, (original, _kind) in columns.items()
        if original not in taken
        and (name in (*CHANNEL, *SOURCE, *MEDIUM) or any(p in name for p in CHANNEL_LIKE))
    ]
    if channel:
        others["channel"] = channel
    return others


def _stamp(column: str, kind: str) -> str:
    """SQL turning the timestamp column into TIMESTAMP (NULL where it cannot)."""
    name = _q(column)
    kind = kind.upper()
    if "TIME ZONE" in kind:  # a Parquet column with offsets: the moment in UTC
        return f"CAST(timezone('UTC', {name}) AS TIMESTAMP)"
    if kind.startswith("TIMESTAMP") or kind == "DATE":
        return f"CAST({name} AS TIMESTAMP)"
    number = f"TRY_CAST({name} AS DOUBLE)"
    epoch = (
        f"CASE WHEN {number} > 1e14 THEN make_timestamp(CAST({number} AS BIGINT)) "
        f"WHEN {number} > 1e11 THEN make_timestamp(CAST({number} * 1000 AS BIGINT)) "
        f"ELSE make_timestamp(CAST({number} * 1000000 AS BIGINT)) END"
    )
    if kind != "VARCHAR":
        return epoch
    formats = "[" + ", ".join(f"'{f}'" for f in DATE_FORMATS) + "]"
    # A time with a UTC offset ("10:00+02:00", "09:30Z") is converted to UTC; cast straight to
    # TIMESTAMP the offset would be cut off and put events in the wrong order.
    offset = "[0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\\s*(Z|[+-][0-9]{2}(:?[0-9]{2})?)$"
    return (
        f"CASE WHEN regexp_full_match(trim({name}), '[0-9]+(\\.[0-9]+)?') THEN {epoch} "
        f"WHEN regexp_matches(trim({name}), '{offset}') "
        f"THEN CAST(timezone('UTC', TRY_CAST(trim({name}) AS TIMESTAMPTZ)) AS TIMESTAMP) "
        f"ELSE coalesce(TRY_CAST(trim({name}) AS TIMESTAMP), "
        f"try_strptime(trim({name}), {formats})) END"
    )


def _find(
    columns: dict[str, tuple[str, str]], names: tuple[str, ...], missing: str
) -> tuple[str, str]:
    found = next((columns[n] for n in names if n in columns), None)
    if found is None:
        raise ImportFailed(missing, columns=", ".join(c[0] for c in columns.values())[:300])
    return found


def _name(column: str) -> str:
    text = unicodedata.normalize("NFKC", column).strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _path(path: str | Path) -> str:
    return str(path).replace("'", "''")


def _reason(exc: Exception) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return first[:200]


__all__ = [
    "EventLogInfo",
    "connect",
    "import_event_log",
    "no_space",
    "read_log",
    "summary",
    "write_frame",
]
