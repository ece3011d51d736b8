"""The same results as :mod:`klantreis.analytics.engine`, computed with plain pandas.

It loads the whole log into memory, so it is the baseline of ``benchmarks/funnel.py`` and the
second implementation the tests compare DuckDB against. The definitions are in the engine's
module docstring; nothing here shares code with the engine.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from klantreis.analytics.engine import (
    DEFAULT_LABELS,
    MORE,
    TOP_PATHS,
    Labels,
    Observed,
    path_limit,
    step_phases,
)
from klantreis.analytics.events import read_log


def observe(
    path: Path,
    steps: pd.DataFrame,
    channels: pd.DataFrame,
    count: int,
    labels: Labels = DEFAULT_LABELS,
    phases: pd.DataFrame | None = None,
) -> Observed:
    """Compute the funnel, timings, paths and channel mix with pandas (see the engine)."""
    log = read_log(path)  # the whole log in memory: this is what the engine avoids
    mapped = log.merge(steps[["event", "step"]], on="event", how="inner")
    mapped["step"] = mapped["step"].astype("int64")
    reached = _closed(mapped, count)
    funnel = pd.DataFrame(
        {
            "step": range(1, count + 1),
            "open": [
                int(mapped.loc[mapped["step"] == k, "customer"].nunique())
                for k in range(1, count + 1)
            ],
            "closed": [len(reached[k]) for k in range(1, count + 1)],
        }
    )
    timing_rows = []
    for k in range(2, count + 1):
        both = reached[k].to_frame("t").join(reached[k - 1].to_frame("p"), how="inner")
        seconds = (both["t"] - both["p"]).dt.total_seconds()
        timing_rows.append(
            {
                "step": k,
                "median_seconds": float(seconds.median()) if len(seconds) else float("nan"),
                "customers": len(both),
            }
        )
    arrival = _arrival(log, channels, labels)
    with_steps = set(mapped["customer"])
    arrivals = (
        arrival.rename("channel")
        .reset_index()
        .assign(mapped=lambda f: f["customer"].isin(with_steps))
        .groupby("channel", as_index=False)
        .agg(customers=("customer", "size"), mapped_customers=("mapped", "sum"))
        .sort_values(["customers", "channel"], ascending=[False, True], kind="mergesort")
        .reset_index(drop=True)
    )
    return Observed(
        customers=int(log["customer"].nunique()),
        mapped_customers=int(mapped["customer"].nunique()),
        funnel=funnel,
        timing=pd.DataFrame(timing_rows, columns=["step", "median_seconds", "customers"]),
        paths=_paths(mapped, path_limit(count)),
        mix=_mix(mapped, channels, labels, step_phases(phases, count)),
        arrivals=arrivals,
        channel_funnel=_channel_funnel(arrival, reached, list(arrivals["channel"]), count),
    )


def _arrival(log: pd.DataFrame, channels: pd.DataFrame, labels: Labels) -> pd.Series:
    """Per customer, the channel of their first event that has one (see the engine)."""
    names = dict(zip(channels["channel"], channels["name"], strict=True))
    with_channel = log.dropna(subset=["channel"]).sort_values(
        ["customer", "ts", "channel"], kind="mergesort"
    )
    first = with_channel.groupby("customer")["channel"].first()
    channel = {customer: names.get(raw, labels.unmapped) for customer, raw in first.items()}
    customers = pd.Index(log["customer"].unique(), name="customer")
    return pd.Series([channel.get(c, labels.no_channel) for c in customers], index=customers)


def _channel_funnel(
    arrival: pd.Series, reached: dict[int, pd.Series], channels: list[str], count: int
) -> pd.DataFrame:
    rows = []
    for channel in channels:
        theirs = set(arrival.index[arrival == channel])
        for k in range(1, count + 1):
            rows.append((channel, k, len(theirs & set(reached[k].index))))
    return pd.DataFrame(rows, columns=["channel", "step", "closed"])


def _closed(mapped: pd.DataFrame, count: int) -> dict[int, pd.Series]:
    """Per step: a Series customer -> time they reached it in the closed funnel."""
    reached: dict[int, pd.Series] = {}
    first = mapped[mapped["step"] == 1].groupby("customer")["ts"].min()
    reached[1] = first
    for k in range(2, count + 1):
        candidates = mapped[mapped["step"] == k][["customer", "ts"]]
        # A merge of columns (not a join on the index): with no one at the step before, a
        # join left "customer" as both index and column and grouping on it failed.
        previous = reached[k - 1].rename("before").rename_axis("customer").reset_index()
        joined = candidates.merge(previous, on="customer", how="inner")
        later = joined[joined["ts"] > joined["before"]]
        reached[k] = later.groupby("customer")["ts"].min()
    return reached


def _paths(mapped: pd.DataFrame, limit: int) -> pd.DataFrame:
    ordered = mapped.sort_values(["customer", "ts", "step"], kind="mergesort")
    new_customer = ordered["customer"] != ordered["customer"].shift()
    changed = ordered["step"] != ordered["step"].shift()
    kept = ordered[new_customer | changed]
    paths = kept.groupby("customer", sort=False)["step"].agg(
        lambda steps: ">".join(
            [str(s) for s in steps.iloc[:limit]] + ([MORE] if len(steps) > limit else [])
        )
    )
    counts = paths.value_counts().rename_axis("path").reset_index(name="customers")
    counts = counts.sort_values(["customers", "path"], ascending=[False, True], kind="mergesort")
    return counts.head(TOP_PATHS).reset_index(drop=True)


def _mix(
    mapped: pd.DataFrame, channels: pd.DataFrame, labels: Labels, phases: pd.DataFrame
) -> pd.DataFrame:
    names = dict(zip(channels["channel"], channels["name"], strict=True))
    channel = mapped["channel"].map(lambda raw: labels.no_channel if pd.isna(raw) else None)
    missing = channel.isna()
    channel[missing] = mapped.loc[missing, "channel"].map(names).fillna(labels.unmapped)
    table = (
        mapped.assign(channel=channel)
        .merge(phases, on="step", how="inner")
        .groupby(["phase_order", "channel"], as_index=False)
        .agg(customers=("customer", "nunique"), events=("customer", "size"))
    )
    return table.sort_values(
        ["phase_order", "customers", "events", "channel"],
        ascending=[True, False, False, True],
        kind="mergesort",
    ).reset_index(drop=True)[["phase_order", "channel", "customers", "events"]]


__all__ = ["observe"]
