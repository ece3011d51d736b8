"""The funnel, timings, paths and channel mix of an event log, computed by DuckDB on the Parquet
file without loading the log into memory.

Definitions (shared with :mod:`klantreis.analytics.reference`, which computes the same with plain
pandas and is tested to agree):

- A customer's **steps** are their events that a step rule maps to a step of the ideal journey.
- **Open funnel**: for each step, the customers who reached that step at all, in any order.
- **Closed funnel**: the customers who reached step 1, then step 2 later than that, then step 3
  later again, and so on; a customer counts for step k when they passed steps 1..k in order. The
  time of reaching step k is the first time after reaching step k-1.
- **Time between steps**: in the closed funnel, the median of (reached step k) - (reached step
  k-1), in seconds, over the customers who reached step k.
- **Path**: a customer's mapped steps in time order (ties by step number), with repeats in a row
  taken as one; the most common paths with the number of customers taking each.
- **Channel mix**: per phase and channel, the customers with a mapped event there (each once,
  however many events they left) and their events. A channel is the log's source / medium
  through the channel rules; "unmapped" when no rule matches, the no-channel label when the
  event has none.
- **Arrival channel**: the channel of a customer's first event that has one (ties at the same
  moment: the smallest raw value), among all their events, mapped or not; the no-channel label
  when none of their events has a channel.
- **Funnel per channel**: the closed funnel counted separately for the customers of each arrival
  channel, with how many customers each channel brought.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from klantreis.analytics.events import connect

TOP_PATHS = 10
MORE = "…"
"""Ends a path cut short (see :func:`path_limit`)."""


def path_limit(count: int) -> int:
    """How many steps of a path are kept: a customer with a million events has a path of a
    million steps, which no table or chart can show. Any path longer than the journey is in
    another order than the ideal one, so cutting it after ``count + 4`` steps loses nothing of
    how it compares; its end is marked with :data:`MORE`."""
    return count + 4


@dataclass
class Observed:
    """What an event log shows about the ideal journey (see the module docstring)."""

    customers: int
    """Customers in the log."""
    mapped_customers: int
    """Customers with at least one mapped step."""
    funnel: pd.DataFrame
    """step, open, closed"""
    timing: pd.DataFrame
    """step, median_seconds, customers (step k: from step k-1 to step k)"""
    paths: pd.DataFrame
    """path (step numbers joined by ">"), customers"""
    mix: pd.DataFrame
    """phase_order, channel, customers, events: per phase (of ``phases``; each step its own
    without) and channel, the customers who took a step there (each counted once, however
    many events they left) and their events"""
    arrivals: pd.DataFrame
    """channel, customers, mapped_customers: customers per arrival channel (most first), and
    how many of them took a mapped step"""
    channel_funnel: pd.DataFrame
    """channel, step, closed: per arrival channel and step, the customers of that channel in
    the closed funnel (every channel of ``arrivals`` with every step, zeros included)"""


def event_names(path: Path) -> pd.DataFrame:
    """Every distinct event in the log with its number of events (most frequent first)."""
    return _distinct(path, "event")


def channel_names(path: Path) -> pd.DataFrame:
    """Every distinct channel value in the log with its number of events."""
    return _distinct(path, "channel")


def _distinct(path: Path, column: str) -> pd.DataFrame:
    con = connect()
    try:
        return con.execute(
            f"SELECT {column}, count(*) AS events FROM read_parquet('{_p(path)}') "
            f"WHERE {column} IS NOT NULL GROUP BY {column} ORDER BY events DESC, {column}"
        ).df()
    finally:
        con.close()


@dataclass(frozen=True)
class Labels:
    """Channel names for events no channel rule maps, and for logs without a channel."""

    unmapped: str = "unmapped"
    no_channel: str = "-"


DEFAULT_LABELS = Labels()


def observe(
    path: Path,
    steps: pd.DataFrame,
    channels: pd.DataFrame,
    count: int,
    labels: Labels = DEFAULT_LABELS,
    memory_limit: str = "",
    phases: pd.DataFrame | None = None,
) -> Observed:
    """Compute everything for an ideal journey of ``count`` steps.

    ``steps`` maps events to step numbers (columns ``event``, ``step``); ``channels`` maps raw
    channel values to channel names (``channel``, ``name``); values it lacks are unmapped.
    ``phases`` groups steps for the channel mix (``step``, ``phase_order``).
    """
    phases = step_phases(phases, count)
    con = connect()
    try:
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        con.register("step_rows", steps[["event", "step"]])
        con.register("channel_rows", channels[["channel", "name"]])
        con.register("phase_rows", phases)
        # typed tables: an empty frame has no types DuckDB could take over
        con.execute(
            "CREATE TEMP TABLE step_map AS SELECT CAST(event AS VARCHAR) AS event, "
            "CAST(step AS INTEGER) AS step FROM step_rows"
        )
        con.execute(
            "CREATE TEMP TABLE channel_map AS SELECT CAST(channel AS VARCHAR) AS channel, "
            "CAST(name AS VARCHAR) AS name FROM channel_rows"
        )
        con.execute(f"CREATE VIEW ev AS SELECT * FROM read_parquet('{_p(path)}')")
        con.execute(
            "CREATE TEMP TABLE m AS SELECT ev.customer, ev.ts, CAST(s.step AS INTEGER) AS step, "
            "ev.channel FROM ev JOIN step_map s ON ev.event = s.event"
        )
        _reach(con, count)
        con.execute(  # each customer's mapped steps in time order, once
            "CREATE TEMP TABLE p AS SELECT customer, list(step ORDER BY ts, step) AS l FROM m "
            "GROUP BY customer"
        )
        customers = _scalar(con, "SELECT count(DISTINCT customer) FROM ev")
        mapped = _scalar(con, "SELECT count(*) FROM p")
        arrivals = _arrivals(con, labels)
        return Observed(
            customers=customers,
            mapped_customers=mapped,
            funnel=_funnel(con, count),
            timing=_timing(con, count),
            paths=_paths(con, path_limit(count)),
            mix=_mix(con, labels),
            arrivals=arrivals,
            channel_funnel=_channel_funnel(con, list(arrivals["channel"]), count),
        )
    finally:
        con.close()


def _reach(con: duckdb.DuckDBPyConnection, count: int) -> None:
    """Tables r1..rN: per customer, when they reached step k in the closed funnel."""
    con.execute(
        "CREATE TEMP TABLE r1 AS SELECT customer, min(ts) AS t FROM m WHERE step = 1 "
        "GROUP BY customer"
    )
    for k in range(2, count + 1):
        con.execute(
            f"CREATE TEMP TABLE r{k} AS SELECT m.customer, min(m.ts) AS t FROM m "
            f"JOIN r{k - 1} p ON m.customer = p.customer AND m.ts > p.t WHERE m.step = {k} "
            "GROUP BY m.customer"
        )


def _funnel(con: duckdb.DuckDBPyConnection, count: int) -> pd.DataFrame:
    open_counts = dict(
        con.execute(
            "SELECT s, count(*) FROM (SELECT unnest(list_distinct(l)) AS s FROM p) GROUP BY s"
        ).fetchall()
    )
    closed = [_scalar(con, f"SELECT count(*) FROM r{k}") for k in range(1, count + 1)]
    return pd.DataFrame(
        {
            "step": list(range(1, count + 1)),
            "open": [int(open_counts.get(k, 0)) for k in range(1, count + 1)],
            "closed": closed,
        }
    )


def _timing(con: duckdb.DuckDBPyConnection, count: int) -> pd.DataFrame:
    rows = []
    for k in range(2, count + 1):
        row = con.execute(
            f"SELECT median(epoch(r{k}.t) - epoch(r{k - 1}.t)), count(*) "
            f"FROM r{k} JOIN r{k - 1} USING (customer)"
        ).fetchone()
        assert row is not None
        median = float(row[0]) if row[0] is not None else float("nan")
        rows.append({"step": k, "median_seconds": median, "customers": int(row[1])})
    return pd.DataFrame(rows, columns=["step", "median_seconds", "customers"])


def _paths(con: duckdb.DuckDBPyConnection, limit: int) -> pd.DataFrame:
    return con.execute(
        "WITH f AS (SELECT list_filter(l, lambda x, i: i = 1 OR x <> l[i - 1]) AS l FROM p), "
        f"q AS (SELECT CASE WHEN len(l) > {limit} "
        f"THEN array_to_string(list_slice(l, 1, {limit}), '>') || '>{MORE}' "
        "ELSE array_to_string(l, '>') END AS path FROM f) "
        f"SELECT path, count(*) AS customers FROM q GROUP BY path "
        f"ORDER BY customers DESC, path LIMIT {TOP_PATHS}"
    ).df()


def step_phases(phases: pd.DataFrame | None, count: int) -> pd.DataFrame:
    """``step`` → ``phase_order`` for the channel mix (each step its own when not given)."""
    if phases is None:
        return pd.DataFrame({"step": range(1, count + 1), "phase_order": range(1, count + 1)})
    return phases[["step", "phase_order"]].astype("int64")


def _mix(con: duckdb.DuckDBPyConnection, labels: Labels) -> pd.DataFrame:
    return con.execute(
        "SELECT CAST(ph.phase_order AS BIGINT) AS phase_order, CASE WHEN m.channel IS NULL "
        "THEN $none ELSE coalesce(c.name, $unmapped) END AS channel, "
        "count(DISTINCT m.customer) AS customers, count(*) AS events "
        "FROM m JOIN phase_rows ph ON m.step = ph.step LEFT JOIN channel_map c "
        "ON m.channel = c.channel GROUP BY ALL "
        "ORDER BY phase_order, customers DESC, events DESC, channel",
        {"none": labels.no_channel, "unmapped": labels.unmapped},
    ).df()


def _arrivals(con: duckdb.DuckDBPyConnection, labels: Labels) -> pd.DataFrame:
    """Table ``arrival`` (customer, channel) and the customers per arrival channel."""
    con.execute(
        "CREATE TEMP TABLE first_raw AS SELECT customer, first(channel ORDER BY ts, channel) "
        "FILTER (WHERE channel IS NOT NULL) AS channel FROM ev GROUP BY customer"
    )
    con.execute(
        "CREATE TEMP TABLE arrival AS SELECT f.customer, CASE WHEN f.channel IS NULL "
        "THEN $none ELSE coalesce(c.name, $unmapped) END AS channel "
        "FROM first_raw f LEFT JOIN channel_map c ON f.channel = c.channel",
        {"none": labels.no_channel, "unmapped": labels.unmapped},
    )
    return con.execute(
        "SELECT a.channel, count(*) AS customers, count(p.customer) AS mapped_customers "
        "FROM arrival a LEFT JOIN p USING (customer) GROUP BY a.channel "
        "ORDER BY customers DESC, a.channel"
    ).df()


def _channel_funnel(
    con: duckdb.DuckDBPyConnection, channels: list[str], count: int
) -> pd.DataFrame:
    found: dict[tuple[str, int], int] = {}
    for k in range(1, count + 1):
        for channel, customers in con.execute(
            f"SELECT a.channel, count(*) FROM r{k} JOIN arrival a USING (customer) "
            "GROUP BY a.channel"
        ).fetchall():
            found[(channel, k)] = int(customers)
    rows = [
        (channel, k, found.get((channel, k), 0))
        for channel in channels
        for k in range(1, count + 1)
    ]
    return pd.DataFrame(rows, columns=["channel", "step", "closed"])


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _p(path: Path) -> str:
    return str(path).replace("'", "''")


__all__ = [
    "MORE",
    "TOP_PATHS",
    "Labels",
    "Observed",
    "channel_names",
    "event_names",
    "observe",
    "path_limit",
]
