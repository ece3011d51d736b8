"""Realistic test data for a workshop's ideal journey: event logs and Google Analytics exports.

The generator is seeded (the same seed gives the same file) and works in chunks, so a log of
any size is written without holding it in memory. Customers mostly enter at the first step and
drop out along the way; some enter later, skip a step, go back one, reload a page; pages that
belong to no step ("/", "/contact", ...) are mixed in; channels follow a typical mix. The matching
mapping rules come with it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from klantreis.analytics.events import connect, write_frame
from klantreis.domain import KlantreisError, WorkshopSnapshot
from klantreis.domain.mapping import ChannelRule, MappingRules, StepRule
from klantreis.i18n import Language, number, t

if TYPE_CHECKING:
    from klantreis.service import Service

CHANNELS: tuple[tuple[str, float], ...] = (
    ("google / organic", 0.34),
    ("(direct) / (none)", 0.18),
    ("google / cpc", 0.12),
    ("bing / organic", 0.04),
    ("facebook.com / referral", 0.06),
    ("instagram / social", 0.07),
    ("newsletter / email", 0.09),
    ("vergelijker.nl / referral", 0.06),
    ("partner-site / affiliate", 0.02),
    ("tiktok / paid_social", 0.02),
)
"""Source / medium of first visits, with their share."""

KEEP_GOING: dict[str, float] = {
    "(direct) / (none)": 1.1,
    "google / cpc": 0.95,
    "facebook.com / referral": 0.85,
    "instagram / social": 0.8,
    "newsletter / email": 1.15,
    "vergelijker.nl / referral": 1.05,
    "partner-site / affiliate": 0.9,
    "tiktok / paid_social": 0.75,
}
"""How much likelier than usual a customer who came through a source is to go on from one step
to the next (1 when not listed): people who know the brand go further than those who came
from a social feed, so the funnel per channel differs as it does in a real log."""

NOISE_PAGES = ("/", "/contact", "/privacy", "/zoeken", "session_start", "/over-ons")
"""Pages and events that belong to no step."""

START = datetime(2026, 1, 5)
SPAN_DAYS = 90
CHUNK = 100_000
"""Customers generated at a time."""


def slug(text: str) -> str:
    """A page path part from a step's action: lower case ASCII words joined by dashes."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    return "-".join(words[:6]) or "step"


def step_pages(snapshot: WorkshopSnapshot) -> list[str]:
    """A page path per ideal journey step, as a website might name them."""
    return [f"/{number}-{slug(s.action)}" for number, s in enumerate(snapshot.ideal_steps, 1)]


def sample_rules(snapshot: WorkshopSnapshot, language: Language) -> MappingRules:
    """Mapping rules that fit the generated data: each step's page (with any query string) and
    the generated sources, channels named in ``language`` and linked to touchpoints by channel
    kind where the workshop has one."""
    steps = [
        StepRule(pattern=f"{page}*", step=number)
        for number, page in enumerate(step_pages(snapshot), 1)
    ]
    website = _touchpoint(snapshot, ("website", "site", "web", "webshop", "online"))
    mail = _touchpoint(snapshot, ("mail", "nieuwsbrief", "newsletter"))
    social = _touchpoint(snapshot, ("social", "instagram", "facebook", "sociale"))
    channels = [
        ChannelRule(
            pattern="* / organic", channel=t("channel.organic_search", language), touchpoint=website
        ),
        ChannelRule(
            pattern="(direct) / (none)", channel=t("channel.direct", language), touchpoint=website
        ),
        ChannelRule(
            pattern="* / cpc", channel=t("channel.paid_search", language), touchpoint=website
        ),
        ChannelRule(pattern="* / email", channel=t("channel.email", language), touchpoint=mail),
        ChannelRule(
            pattern="re:^(instagram|facebook|tiktok)",
            channel=t("channel.social", language),
            touchpoint=social,
        ),
        ChannelRule(
            pattern="* / referral", channel=t("channel.referral", language), touchpoint=website
        ),
    ]
    return MappingRules(channels=channels, steps=steps)


def _touchpoint(snapshot: WorkshopSnapshot, words: tuple[str, ...]) -> str:
    for touchpoint in snapshot.touchpoints:
        if any(word in touchpoint.name.casefold() for word in words):
            return touchpoint.name
    return ""


def write_event_log(snapshot: WorkshopSnapshot, path: Path, events: int, seed: int = 7) -> int:
    """Write a Parquet (or CSV, by suffix) log of about ``events`` events; returns the count.

    Chunks of customers are written one by one (as Parquet parts joined by DuckDB at the end),
    so memory stays flat whatever the size.
    """
    pages = step_pages(snapshot)
    if not pages:
        raise ValueError("the workshop has no ideal journey")
    rng = np.random.default_rng(seed)
    customers = max(1, round(events / _events_per_customer(len(pages))))
    csv = path.suffix.lower() == ".csv"
    parts = Path(tempfile.mkdtemp(prefix="klantreis-sample-", dir=path.parent))
    written = first = 0
    try:
        while first < customers:
            size = min(CHUNK, customers - first)
            frame = _chunk(rng, pages, first, size)
            written += len(frame)
            if csv:
                stamps = frame["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S")
                frame.assign(timestamp=stamps).to_csv(
                    path, mode="a" if first else "w", header=not first, index=False
                )
            else:
                write_frame(frame, parts / f"part-{first:012d}.parquet")
            first += size
        if not csv:
            con = connect()
            try:
                glob = str(parts / "part-*.parquet").replace("'", "''")
                target = str(path).replace("'", "''")
                con.execute(
                    f"COPY (SELECT * FROM read_parquet('{glob}') ORDER BY customer_id, timestamp)"
                    f" TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
                )
            finally:
                con.close()
    finally:
        shutil.rmtree(parts, ignore_errors=True)
    return written


def import_sample(service: Service, target: Path, events: int, seed: int = 7) -> int:
    """Make sample data for the workshop's ideal journey in ``target`` (an event log of about
    ``events`` events and a GA4 export in the workshop's language, with rules that map them)
    and import all three through the service, as a team would import its own. Returns the
    number of events written; a workshop without an ideal journey is refused."""
    snapshot = service.snapshot()
    lang = service.language
    if not snapshot.ideal_steps:
        raise KlantreisError("data.no_journey")
    target.mkdir(parents=True, exist_ok=True)
    log = target / "events.parquet"
    written = write_event_log(snapshot, log, events, seed)
    export = target / f"ga4-{lang}.csv"
    export.write_bytes(traffic_export(max(100, written // 3), lang, seed))
    service.save_rules(sample_rules(snapshot, lang))
    service.import_events(log)
    service.import_traffic(export.read_bytes())
    return written


def _continue_chances(count: int) -> np.ndarray:
    """Chance of going on from each step to the next: the usual funnel shape."""
    return np.clip(np.linspace(0.78, 0.55, max(count, 1)), 0.3, 0.9)


def _events_per_customer(count: int) -> float:
    chances = _continue_chances(count)
    expected_steps = 1 + sum(np.prod(chances[:k]) for k in range(1, count))
    return float(expected_steps * 1.18 + 1.2)


def _chunk(rng: np.random.Generator, pages: list[str], first: int, size: int) -> pd.DataFrame:
    count = len(pages)
    channel_index = rng.choice(len(CHANNELS), size, p=_shares())
    keep_going = np.array([KEEP_GOING.get(c, 1.0) for c, _ in CHANNELS])[channel_index]
    chances = np.clip(_continue_chances(count)[np.newaxis, :] * keep_going[:, np.newaxis], 0, 0.95)
    start = np.where(rng.random(size) < 0.85, 0, rng.integers(0, min(3, count), size))
    goes_on = rng.random((size, count)) < chances
    goes_on[:, count - 1] = False  # nobody goes on after the last step
    steps = np.arange(count)[np.newaxis, :]
    # the last step reached: the first step at or after the start where the customer stops
    last = np.argmax(~goes_on & (steps >= start[:, np.newaxis]), axis=1)
    visited = (steps >= start[:, np.newaxis]) & (steps <= last[:, np.newaxis])
    # a tenth skips one step in the middle of their route
    skip = rng.integers(0, count, size)
    skipping = (rng.random(size) < 0.1) & (skip > start) & (skip < last)
    visited[np.flatnonzero(skipping), skip[skipping]] = False
    medians = np.geomspace(120, 3 * 86400, count)  # from minutes to days between steps
    rng.shuffle(medians)
    gaps = rng.lognormal(np.log(medians)[np.newaxis, :], 0.9, (size, count))
    begin = START.timestamp() + rng.random(size) * SPAN_DAYS * 86400
    times = begin[:, np.newaxis] + np.cumsum(gaps, axis=1)
    who, step = np.nonzero(visited)
    when = times[who, step]
    # some reload a page (a repeat in a row), some go back one step before going on
    repeat = rng.random(len(who)) < 0.15
    back = (rng.random(len(who)) < 0.05) & (step > 0)
    who = np.concatenate([who, who[repeat], who[back]])
    when = np.concatenate([when, when[repeat] + rng.uniform(5, 60, repeat.sum()), when[back] + 30])
    step = np.concatenate([step, step[repeat], step[back] - 1])
    channel = np.array([c for c, _ in CHANNELS], dtype=object)[channel_index[who]]
    later = (step >= count // 2) & (rng.random(len(who)) < 0.4)
    channel[later] = np.where(
        rng.random(later.sum()) < 0.5, "newsletter / email", "(direct) / (none)"
    )
    noise_who = rng.integers(0, size, int(size * 1.2))
    noise_when = begin[noise_who] + rng.random(len(noise_who)) * 86400 * 3
    noise_page = np.array(NOISE_PAGES, dtype=object)[
        rng.integers(0, len(NOISE_PAGES), len(noise_who))
    ]
    page_names = np.array(pages, dtype=object)[step]
    query = rng.random(len(who)) < 0.2
    page_names[query] = page_names[query] + "?utm_source=x"
    frame = pd.DataFrame(
        {
            "customer_id": np.concatenate([who, noise_who]) + first,
            "timestamp": pd.to_datetime(np.round(np.concatenate([when, noise_when])), unit="s"),
            "page": np.concatenate([page_names, noise_page]),
            "source_medium": np.concatenate(
                [
                    channel,
                    np.array([c for c, _ in CHANNELS], dtype=object)[channel_index[noise_who]],
                ]
            ),
        }
    )
    frame["customer_id"] = "c" + frame["customer_id"].astype(str).str.zfill(8)
    return frame.sort_values(["customer_id", "timestamp"], kind="mergesort").reset_index(drop=True)


def _shares() -> np.ndarray:
    shares = np.array([s for _, s in CHANNELS])
    normal: np.ndarray = shares / shares.sum()
    return normal


def traffic_export(sessions: int, language: Language, seed: int = 7, kind: str = "ga4") -> bytes:
    """A traffic-by-source/medium CSV as GA4 (``kind="ga4"``) or Universal Analytics
    (``"ua"``) exports it, with the interface in ``language`` (Dutch: Dutch column names and
    decimal commas)."""
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(sessions, _shares())
    rows = sorted(zip((c for c, _ in CHANNELS), counts, strict=True), key=lambda r: -r[1])
    dutch = language == "nl"

    lines = [
        "# ----------------------------------------",
        "# "
        + (
            "Verkeersacquisitie: Bron/medium van sessie"
            if dutch
            else "Traffic acquisition: Session source / medium"
        ),
        "# Account: klantreis",
        "# Property: " + ("Voorbeeldwebsite" if dutch else "Example website"),
        "# ----------------------------------------",
        "#",
        "# " + ("Alle gebruikers" if dutch else "All users"),
        "# " + ("Begindatum: 20260105" if dutch else "Start date: 20260105"),
        "# " + ("Einddatum: 20260404" if dutch else "End date: 20260404"),
    ]
    if kind == "ga4":
        header = (
            [
                "Bron/medium van sessie",
                "Sessies",
                "Betrokken sessies",
                "Betrokkenheidspercentage",
                "Belangrijke gebeurtenissen",
                "Totaal aantal gebruikers",
            ]
            if dutch
            else [
                "Session source / medium",
                "Sessions",
                "Engaged sessions",
                "Engagement rate",
                "Key events",
                "Total users",
            ]
        )
    else:
        header = (
            ["Bron/medium", "Gebruikers", "Sessies", "Bouncepercentage", "Conversies"]
            if dutch
            else ["Source / Medium", "Users", "Sessions", "Bounce Rate", "Goal Completions"]
        )
    table = [header]
    total = [0.0, 0.0, 0.0]
    for source_medium, count in rows:
        engaged = round(count * rng.uniform(0.4, 0.8))
        events = round(count * rng.uniform(0.01, 0.06), 2)
        users = round(count * rng.uniform(0.7, 0.9))
        total = [total[0] + count, total[1] + users, total[2] + events]
        if kind == "ga4":
            table.append(
                [
                    source_medium,
                    str(count),
                    str(engaged),
                    number(engaged / max(count, 1), language, 4),
                    number(events, language, 2),
                    str(users),
                ]
            )
        else:
            table.append(
                [
                    source_medium,
                    number(users, language),
                    number(count, language),
                    number(rng.uniform(20, 70), language, 2) + "%",
                    number(events, language),
                ]
            )
    label = ("Totaal" if dutch else "Grand total") if kind == "ga4" else ""
    if kind == "ga4":
        table.append(
            [label, str(int(total[0])), "", "", number(total[2], language, 2), str(int(total[1]))]
        )
    else:
        table.append(
            [
                label,
                number(total[1], language),
                number(total[0], language),
                "",
                number(total[2], language),
            ]
        )
    delimiter = ";" if dutch and kind == "ua" else ","
    body = "\n".join(delimiter.join(_cell(c, delimiter) for c in row) for row in table)
    return ("\n".join(lines) + "\n" + body + "\n").encode("utf-8")


def _cell(value: str, delimiter: str) -> str:
    return f'"{value}"' if delimiter in value or '"' in value else value


__all__ = [
    "CHANNELS",
    "NOISE_PAGES",
    "sample_rules",
    "slug",
    "step_pages",
    "traffic_export",
    "write_event_log",
]
