"""Reading traffic by source/medium as Google Analytics exports it (GA4 and Universal Analytics).

Both put ``#`` lines before the table (report name, property, dates), may put a segment name on a
row of its own, and end with a total row; Dutch interfaces write Dutch column names and decimal
commas, and a spreadsheet may have saved the file with semicolons. :func:`read_traffic` reads all
of that into one table: ``source_medium``, ``source``, ``medium``, ``sessions``, ``users``,
``key_events`` (the last two empty when the export has no such column).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from klantreis.domain import ImportFailed

MAX_BYTES = 50 * 1024 * 1024
"""Traffic exports are summaries: anything larger is not one."""

DUTCH_SOURCE_MEDIUM = (
    "sessiebron/-medium",  # GA4's Dutch interface, session scope
    "sessiebron / -medium",
    "sessiebron/medium",
    "bron/medium van sessie",
    "bron / medium van sessie",
    "bron/medium",
    "bron / medium",
    "bron/medium van eerste gebruiker",
    "bron/medium van de eerste gebruiker",
    "bron/-medium van eerste gebruiker",
    "eerste gebruikersbron/-medium",
)
SOURCE_MEDIUM = (
    "session source / medium",
    "source / medium",
    "first user source / medium",
    "session source/medium",
    "source/medium",
    *DUTCH_SOURCE_MEDIUM,
)
SESSIONS = ("sessions", "sessies")
USERS = ("total users", "users", "active users", "totaal aantal gebruikers", "gebruikers")
KEY_EVENTS = (
    "key events",
    "conversions",
    "goal completions",
    "belangrijke gebeurtenissen",
    "conversies",
    "voltooide doelen",
)
TOTAL_LABELS = ("total", "totals", "grand total", "totaal", "totalen", "eindtotaal")
DUTCH_HEADERS = frozenset((*DUTCH_SOURCE_MEDIUM, "sessies", *USERS[3:], *KEY_EVENTS[3:]))
"""Column names that only a Dutch interface writes: such a file has decimal commas."""


def read_traffic(data: bytes) -> pd.DataFrame:
    """The traffic table of a GA4 or Universal Analytics CSV export (see the module docstring).

    Raises :class:`ImportFailed` with a reason a person can act on when the file is not such an
    export; nothing is read partly.
    """
    rows = _csv_rows(data)
    header_at = next(
        (i for i, row in enumerate(rows) if _column(row, SOURCE_MEDIUM) is not None), None
    )
    if header_at is None:
        raise ImportFailed("error.traffic_no_source_medium")
    header = [_name(cell) for cell in rows[header_at]]
    columns = _Columns(
        source=_column(header, SOURCE_MEDIUM) or 0,  # found: the header was found by it
        sessions=_column(header, SESSIONS),
        users=_column(header, USERS),
        events=_column(header, KEY_EVENTS),
        dutch=any(name in DUTCH_HEADERS for name in header),
    )
    if columns.sessions is None:
        raise ImportFailed("error.traffic_no_sessions")
    records = _records(rows, header_at + 1, columns)
    if not records:
        raise ImportFailed("error.traffic_no_rows")
    return _traffic_frame(records, columns)


@dataclass(frozen=True)
class _Columns:
    """Where the export keeps what is read, and whether it writes decimal commas."""

    source: int
    sessions: int | None
    users: int | None
    events: int | None
    dutch: bool


def _csv_rows(data: bytes) -> list[list[str]]:
    """The export's rows, without comment lines, in its own delimiter and encoding."""
    if not data.strip():
        raise ImportFailed("error.traffic_empty")
    if len(data) > MAX_BYTES:
        raise ImportFailed(
            "error.import_too_large",
            size_mb=round(len(data) / 1024 / 1024),
            limit_mb=MAX_BYTES // 1024 // 1024,
        )
    lines = [line for line in _decode(data).splitlines() if not line.lstrip().startswith("#")]
    return list(csv.reader(io.StringIO("\n".join(lines)), delimiter=_delimiter(lines)))


def _records(rows: list[list[str]], first: int, columns: _Columns) -> list[dict[str, object]]:
    """The table's rows from ``first`` on, up to its total row, empty line or end."""
    assert columns.sessions is not None
    records: list[dict[str, object]] = []
    for number, row in enumerate(rows[first:], start=first + 1):
        if not any(cell.strip() for cell in row):
            if records:
                break  # Universal Analytics puts further tables after an empty line
            continue
        label = row[columns.source].strip() if columns.source < len(row) else ""
        if _name(label) in TOTAL_LABELS or (not label and records):
            if records:
                break  # the total row ends the table
            continue  # a total row above the table
        sessions = row[columns.sessions] if columns.sessions < len(row) else ""
        if not label or not sessions.strip():
            continue  # a segment's name on a row of its own
        records.append(
            {
                "source_medium": _clean_label(label),
                "sessions": _number(sessions, columns.dutch, number),
                "users": _optional(row, columns.users, columns.dutch, number),
                "key_events": _optional(row, columns.events, columns.dutch, number),
            }
        )
    return records


def _traffic_frame(records: list[dict[str, object]], columns: _Columns) -> pd.DataFrame:
    """One row per source / medium (repeats added up), split into source and medium."""
    frame = pd.DataFrame.from_records(records)
    parts = frame["source_medium"].str.split(" / ", n=1, expand=True)
    frame["source"] = parts[0].str.strip()
    medium = parts[1] if parts.shape[1] > 1 else pd.Series("", index=frame.index)
    frame["medium"] = medium.fillna("").str.strip()
    frame = (
        frame.groupby(["source_medium", "source", "medium"], as_index=False, sort=False)
        .agg({"sessions": "sum", "users": "sum", "key_events": "sum"})
        .astype({"sessions": "int64", "users": "float64", "key_events": "float64"})
    )
    if columns.users is None:
        frame["users"] = float("nan")
    if columns.events is None:
        frame["key_events"] = float("nan")
    return frame[["source_medium", "source", "medium", "sessions", "users", "key_events"]]


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte order mark), or UTF-16 when it starts with one."""
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise ImportFailed("error.traffic_not_text") from None
    if "\x00" in text:
        raise ImportFailed("error.traffic_not_text")
    return text


def _delimiter(lines: list[str]) -> str:
    sample = "\n".join(line for line in lines if line.strip())[:20_000]
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _name(cell: str) -> str:
    text = unicodedata.normalize("NFKC", cell).strip().strip('"').lower()
    return re.sub(r"\s+", " ", text)


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    cleaned = [_name(cell) for cell in header]
    for name in names:
        if name in cleaned:
            return cleaned.index(name)
    return None


def _clean_label(label: str) -> str:
    text = unicodedata.normalize("NFC", label)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return re.sub(r"\s+", " ", text).strip()[:300]


def _number(cell: str, dutch: bool, line: int) -> float:
    """A number as an export writes it: '1,234' or '1.234' (thousands, by the interface's
    language), '0,65' or '0.65', '12.5%'."""
    text = cell.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not text:
        return 0.0
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in text:
        grouped = re.fullmatch(r"-?\d{1,3}(,\d{3})+", text) and not dutch
        text = text.replace(",", "") if grouped else text.replace(",", ".")
    elif "." in text and dutch and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    if not re.fullmatch(r"-?\d{1,15}(\.\d+)?", text):
        raise ImportFailed("error.traffic_bad_number", value=cell[:40], line=line)
    return float(text)


def _optional(row: list[str], column: int | None, dutch: bool, line: int) -> float:
    if column is None or column >= len(row):
        return 0.0
    return _number(row[column], dutch, line)


__all__ = ["MAX_BYTES", "read_traffic"]
