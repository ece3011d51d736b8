"""Analytics end to end: event logs in, the ideal journey's funnel and paths out, checked
against two independent computations (plain pandas, and a customer-by-customer walk)."""

from __future__ import annotations

import gzip
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import vl_convert as vlc

from klantreis.analytics import engine, reference
from klantreis.analytics.events import import_event_log, read_log
from klantreis.analytics.results import journey_data, path_kind, path_steps
from klantreis.analytics.sample import sample_rules, step_pages, traffic_export, write_event_log
from klantreis.analytics.storage import LEFTOVER, DataFolder
from klantreis.domain import ImportFailed, KlantreisError, ValidationFailed
from klantreis.domain.mapping import MappingRules, StepRule
from klantreis.i18n import t
from klantreis.service import Service

Workshop = tuple[Service, Path]


@pytest.fixture
def sampled(orchestra_on_disk: Workshop) -> tuple[Service, DataFolder, Path]:
    """The orchestra workshop with a generated log of about 30,000 events, its GA4 export and
    the matching rules imported."""
    service, folder = orchestra_on_disk
    snapshot = service.snapshot()
    data = DataFolder(folder)
    log = folder / "log.parquet"
    write_event_log(snapshot, log, 30_000, seed=11)
    data.save_rules(sample_rules(snapshot, "en"))
    data.import_events(log)
    data.import_traffic(traffic_export(12_000, "en", seed=11))
    return service, data, log


def walk(log: pd.DataFrame, steps: dict[str, int], count: int) -> dict[str, Any]:
    """A third, customer-by-customer computation: scan each customer's events in time order."""
    mapped = log.assign(step=log["event"].map(steps)).dropna(subset=["step"])
    mapped = mapped.sort_values(["customer", "ts", "step"], kind="mergesort")
    closed = [0] * count
    open_: list[set[Any]] = [set() for _ in range(count)]
    gaps: list[list[float]] = [[] for _ in range(count)]
    paths: Counter[str] = Counter()
    depth: dict[str, int] = {}
    for customer, events in mapped.groupby("customer", sort=False):
        expected, last_time = 1, None
        path: list[int] = []
        for ts, step in zip(events["ts"], events["step"].astype(int), strict=True):
            open_[step - 1].add(customer)
            if not path or path[-1] != step:
                path.append(step)
            if step == expected and (last_time is None or ts > last_time):
                if last_time is not None:
                    gaps[step - 1].append((ts - last_time).total_seconds())
                closed[step - 1] += 1
                expected, last_time = expected + 1, ts
        paths[">".join(map(str, path))] += 1
        depth[str(customer)] = expected - 1
    medians = [float(pd.Series(g).median()) if g else math.nan for g in gaps[1:]]
    return {
        "open": [len(s) for s in open_],
        "closed": closed,
        "medians": medians,
        "paths": paths,
        "depth": depth,
    }


def first_channels(log: pd.DataFrame, names: dict[str, str], none: str, unmapped: str) -> pd.Series:
    """Each customer's arrival channel, one customer at a time: the channel of the earliest of
    their events that has one (the smallest value at a tie), through the channel rules."""
    found = {}
    for customer, events in log.groupby("customer", sort=False):
        with_channel = [
            (ts, raw) for ts, raw in zip(events["ts"], events["channel"], strict=True) if raw == raw
        ]
        found[str(customer)] = names.get(min(with_channel)[1], unmapped) if with_channel else none
    return pd.Series(found)


def test_duckdb_pandas_and_a_plain_walk_agree_on_a_generated_log(
    sampled: tuple[Service, DataFolder, Path],
) -> None:
    service, data, _ = sampled
    snapshot = service.snapshot()
    rules = data.rules("en")
    names = engine.event_names(data.events_path)
    names["step"] = [rules.step_for(e) for e in names["event"]]
    step_map = names.dropna(subset=["step"]).astype({"step": "int64"})
    channels = engine.channel_names(data.events_path)
    channels["name"] = [
        rule.channel if (rule := rules.channel_for(c)) else None for c in channels["channel"]
    ]
    channel_map = channels.dropna(subset=["name"])
    count = len(snapshot.ideal_steps)
    fast = engine.observe(data.events_path, step_map, channel_map, count)
    plain = reference.observe(data.events_path, step_map, channel_map, count)
    pd.testing.assert_frame_equal(fast.funnel, plain.funnel, check_dtype=False)
    pd.testing.assert_frame_equal(fast.timing, plain.timing, check_dtype=False)
    pd.testing.assert_frame_equal(fast.paths, plain.paths, check_dtype=False)
    pd.testing.assert_frame_equal(
        fast.mix.reset_index(drop=True), plain.mix.reset_index(drop=True), check_dtype=False
    )
    assert (fast.customers, fast.mapped_customers) == (plain.customers, plain.mapped_customers)
    pd.testing.assert_frame_equal(fast.arrivals, plain.arrivals, check_dtype=False)
    pd.testing.assert_frame_equal(fast.channel_funnel, plain.channel_funnel, check_dtype=False)

    log = read_log(data.events_path)
    walked = walk(log, dict(zip(step_map["event"], step_map["step"], strict=True)), count)
    channel_names = dict(zip(channel_map["channel"], channel_map["name"], strict=True))
    arrived = first_channels(log, channel_names, engine.DEFAULT_LABELS.no_channel, "unmapped")
    assert fast.arrivals.set_index("channel")["customers"].to_dict() == (
        arrived.value_counts().to_dict()
    )
    depth = pd.Series(walked["depth"])
    for channel, step, closed in fast.channel_funnel.itertuples(index=False):
        theirs = depth.reindex(arrived.index[arrived == channel]).fillna(0)
        assert closed == int((theirs >= step).sum()), (channel, step)
    assert fast.funnel["open"].tolist() == walked["open"]
    assert fast.funnel["closed"].tolist() == walked["closed"]
    for ours, theirs in zip(fast.timing["median_seconds"], walked["medians"], strict=True):
        assert ours == pytest.approx(theirs)
    top = sorted(walked["paths"].items(), key=lambda item: (-item[1], item[0]))[: engine.TOP_PATHS]
    assert list(zip(fast.paths["path"], fast.paths["customers"], strict=True)) == top
    # the shape of a real funnel: fewer customers at every next step, open above closed
    assert all(a >= b for a, b in zip(walked["closed"], walked["closed"][1:], strict=False))
    assert all(o >= c for o, c in zip(walked["open"], walked["closed"], strict=True))
    assert walked["open"][2] > walked["closed"][2]  # some join later or skip


def test_a_small_log_gives_the_funnel_worked_out_by_hand(tmp_path: Path) -> None:
    rows = [
        # a: 1 -> 2 -> 3 in order, with a reload of step 2
        ("a", "2026-01-01 10:00:00", "/one"),
        ("a", "2026-01-01 10:05:00", "/two"),
        ("a", "2026-01-01 10:06:00", "/two"),
        ("a", "2026-01-01 11:05:00", "/three"),
        # b: 1 -> 3 (skips 2): closed funnel stops after step 1
        ("b", "2026-01-02 09:00:00", "/one"),
        ("b", "2026-01-02 09:30:00", "/three"),
        # c: enters at 2, then 3: only in the open funnel
        ("c", "2026-01-03 12:00:00", "/two"),
        ("c", "2026-01-03 12:10:00", "/three"),
        ("c", "2026-01-03 12:11:00", "/contact"),
        # d: 2 before 1, then 2 again later: 1 -> 2 counts from the later visit
        ("d", "2026-01-04 08:00:00", "/two"),
        ("d", "2026-01-04 08:01:00", "/one"),
        ("d", "2026-01-04 08:21:00", "/two"),
    ]
    source = tmp_path / "log.csv"
    pd.DataFrame(rows, columns=["session_id", "event_time", "page_path"]).to_csv(
        source, index=False
    )
    target = tmp_path / "events.parquet"
    info = import_event_log(source, target)
    assert (info.events, info.customers) == (12, 4)
    steps = pd.DataFrame({"event": ["/one", "/two", "/three"], "step": [1, 2, 3]})
    none = pd.DataFrame({"channel": [], "name": []})
    for compute in (engine.observe, reference.observe):
        seen = compute(target, steps, none, 3)
        assert seen.funnel["open"].tolist() == [3, 3, 3]
        assert seen.funnel["closed"].tolist() == [3, 2, 1]
        # 1 -> 2: a 5 min, d 20 min; 2 -> 3: a 60 min
        assert seen.timing["median_seconds"].tolist() == [750.0, 3600.0]
        assert dict(zip(seen.paths["path"], seen.paths["customers"], strict=True)) == {
            "1>2>3": 1,
            "1>3": 1,
            "2>3": 1,
            "2>1>2": 1,
        }
        assert (seen.customers, seen.mapped_customers) == (4, 4)
    assert [path_kind(p, 3) for p in ([1, 2, 3], [1, 2], [2, 3], [1, 3], [2, 1, 2])] == [
        "complete",
        "stopped",
        "joined_later",
        "skipped",
        "other_order",
    ]


@pytest.mark.parametrize(
    "rows",
    [
        [("a", "2026-01-01 10:00:00", "/agenda"), ("a", "2026-01-01 10:05:00", "/tickets")],
        [("a", "2026-01-01 10:00:00", "/one")],  # no one goes further than step 1
        [("a", "2026-01-01 10:00:00", "/two"), ("b", "2026-01-01 10:00:00", "/three")],
    ],
    ids=["nothing-mapped", "one-step", "no-step-one"],
)
def test_both_engines_answer_on_a_log_of_a_row_or_two(
    tmp_path: Path, rows: list[tuple[str, str, str]]
) -> None:
    """A two-row log once crashed the pandas engine ("'customer' is both an index level and
    a column label"); both engines must give the same funnel however little there is."""
    source = tmp_path / "log.csv"
    pd.DataFrame(rows, columns=["customer", "timestamp", "page"]).to_csv(source, index=False)
    target = tmp_path / "events.parquet"
    import_event_log(source, target)
    steps = pd.DataFrame({"event": ["/one", "/two", "/three"], "step": [1, 2, 3]})
    none = pd.DataFrame({"channel": [], "name": []})
    duck, plain = (
        compute(target, steps, none, 3) for compute in (engine.observe, reference.observe)
    )
    assert duck.funnel.to_dict() == plain.funnel.to_dict()
    assert duck.mapped_customers == plain.mapped_customers


@pytest.mark.parametrize(
    ("header", "stamp"),
    [
        ("klant_id,tijdstip,pagina,kanaal", "05-01-2026 14:30"),
        ("user_pseudo_id,event_timestamp,event_name,source_medium", "1767623400000000"),
        ("customer,timestamp,event,channel", "2026-01-05T14:30:00Z"),
        ("customer,timestamp,event,channel", "2026-01-05T16:30:00+02:00"),  # an offset: to UTC
        ("customer,timestamp,event,channel", "2026-01-05 09:30:00.250-0500"),
        ("Customer ID,Time,Page,Channel", "1767623400"),
    ],
)
def test_event_logs_with_dutch_or_english_columns_and_any_time_format_import(
    tmp_path: Path, header: str, stamp: str
) -> None:
    source = tmp_path / "log.csv"
    source.write_text(f"{header}\nk1,{stamp},/start,google / organic\n", encoding="utf-8")
    data = DataFolder(tmp_path)
    info = data.import_events(source)
    assert (info.events, info.customers, info.has_channel) == (1, 1, True)
    log = read_log(data.events_path)
    assert str(log["ts"][0]).startswith("2026-01-05 14:30")
    assert log["channel"][0] == "google / organic"


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("log.csv.gz", lambda text: gzip.compress(text.encode("utf-8"))),
        ("excel.csv", lambda text: text.replace(",", ";").encode("cp1252")),  # Dutch Excel
        ("utf16.csv", lambda text: text.encode("utf-16")),
    ],
    ids=["gzip", "windows-1252-semicolons", "utf-16"],
)
def test_event_logs_compressed_or_in_other_encodings_import(
    tmp_path: Path, name: str, encode: Callable[[str], bytes]
) -> None:
    source = tmp_path / name
    source.write_bytes(
        encode(
            "klant,tijdstip,pagina\nJosé,01-01-2026 10:00,/agenda\nRenée,01-01-2026 10:30,/café\n"
        )
    )
    data = DataFolder(tmp_path)
    info = data.import_events(source)
    assert (info.events, info.customers) == (2, 2)
    log = read_log(data.events_path)
    assert sorted(log["customer"]) == ["José", "Renée"] and "/café" in set(log["event"])


BIGQUERY = (
    "user_pseudo_id,session_id,event_timestamp,event_name,page_location,"
    "traffic_source.source,traffic_source.medium,utm_campaign\n"
    "u1,s1,2026-01-01T10:00:00Z,page_view,/agenda,google,organic,spring\n"
    "u1,s2,2026-01-02T10:00:00Z,page_view,/tickets,newsletter,email,spring\n"
)


def test_the_importer_says_which_columns_it_used_and_which_others_fit(tmp_path: Path) -> None:
    source = tmp_path / "bigquery.csv"
    source.write_text(BIGQUERY, encoding="utf-8")
    data = DataFolder(tmp_path)
    info = data.import_events(source)
    assert info.used == {
        "customer": "user_pseudo_id",
        "time": "event_timestamp",
        "event": "event_name",
        "channel": "traffic_source.source + traffic_source.medium",  # GA4's BigQuery export
    }
    assert info.others == {
        "customer": ["session_id"],
        "event": ["page_location"],
        "channel": ["utm_campaign"],  # looks like a channel: said, not ignored
    }
    assert read_log(data.events_path)["channel"].tolist() == [
        "google / organic",
        "newsletter / email",
    ]
    assert info.column_lines("en")[0].startswith("Columns used: customer = user_pseudo_id")
    chosen = data.import_events(source, {"customer": "session_id", "event": "page_location"})
    assert (chosen.customers, chosen.used["event"]) == (2, "page_location")
    assert set(read_log(data.events_path)["event"]) == {"/agenda", "/tickets"}
    with pytest.raises(ImportFailed) as refused:
        data.import_events(source, {"event": "pagina"})
    assert 'no column "pagina"' in refused.value.message("en")
    assert set(read_log(data.events_path)["event"]) == {"/agenda", "/tickets"}  # kept


@pytest.mark.parametrize(
    "header", ["acquisition_channel", "Session default channel group", "utm_source"]
)
def test_common_channel_columns_are_recognised(tmp_path: Path, header: str) -> None:
    source = tmp_path / "log.csv"
    extra = ",utm_medium" if header == "utm_source" else ""
    values = ",cpc" if header == "utm_source" else ""
    source.write_text(
        f"customer,timestamp,page,{header}{extra}\nk1,2026-01-05 10:00,/a,google{values}\n",
        encoding="utf-8",
    )
    info = DataFolder(tmp_path).import_events(source)
    assert info.has_channel and info.used["channel"].startswith(header)


def test_one_customer_with_very_many_events_gets_a_path_cut_short(tmp_path: Path) -> None:
    """A bot or a shared account: one customer with 200,000 events once gave a path of
    200,000 steps, which the report could not draw (a million took four minutes and 1.1 GB)."""
    import duckdb

    log = tmp_path / "one.parquet"
    duckdb.connect().execute(
        "COPY (SELECT 'bot' AS customer, TIMESTAMP '2026-01-01' + to_seconds(i) AS timestamp, "
        "'/' || (i % 3 + 1)::VARCHAR AS page FROM range(200000) t(i)) "
        f"TO '{log}' (FORMAT parquet)"
    )
    target = tmp_path / "events.parquet"
    import_event_log(log, target)
    steps = pd.DataFrame({"event": ["/1", "/2", "/3"], "step": [1, 2, 3]})
    none = pd.DataFrame({"channel": [], "name": []})
    duck, plain = (
        compute(target, steps, none, 3) for compute in (engine.observe, reference.observe)
    )
    assert duck.paths.to_dict() == plain.paths.to_dict()
    assert duck.paths["path"].tolist() == ["1>2>3>1>2>3>1>…"]  # the journey's length + 4
    numbers, cut = path_steps(duck.paths["path"][0])
    assert numbers == [1, 2, 3, 1, 2, 3, 1] and cut
    from klantreis.analytics.results import JourneyData
    from klantreis.charts.data import paths_chart

    paths = duck.paths.assign(
        rank=1, labels="1 → …", share=1.0, kind="other_order", kind_label="other order"
    )
    shown = JourneyData(language="en", source="events", paths=paths)
    svg = vlc.vegalite_to_svg(paths_chart(shown).to_dict())
    assert "…" in svg and svg.count("<text") < 60  # drawn: seven steps and the mark


def test_funnel_and_dropoff_show_whole_step_names_both_counts_and_why_the_open_funnel_rises() -> (
    None
):
    from klantreis.analytics.results import JourneyData
    from klantreis.charts.data import dropoff_chart, funnel_chart

    long = "Krijgt de volgende dag een mail met een tip voor het volgende concert"
    funnel = pd.DataFrame(
        {
            "step": [1, 2, 3],
            "label": ["1. Ziet een video", f"2. {long}", "3. Boekt een tweede concert"],
            "phase": ["", "", ""],
            "open": [1000, 1200, 300],  # more reach step 2 than step 1: some joined later
            "closed": [1000, 600, 200],
            "lost": [400, 400, 0],
            "drop_rate": [0.4, 0.67, 0.0],
        }
    )
    data = JourneyData(language="nl", source="events", funnel=funnel)
    for chart in (funnel_chart(data), dropoff_chart(data)):
        spec = chart.to_dict()
        names = {row["step_name"] for rows in spec["datasets"].values() for row in rows}
        assert any(name.replace("\n", " ").endswith(long) for name in names)  # wrapped, whole
        svg = vlc.vegalite_to_svg(spec)
        assert "concert" in svg and "…" not in svg
    svg = vlc.vegalite_to_svg(funnel_chart(data).to_dict())
    assert "600 (open 1.200)" in svg  # the open funnel's count beside its bar, in Dutch
    assert "wie later instapt telt daar mee" in svg  # why it rises from step 1 to 2


def test_events_with_offsets_are_ordered_by_the_moment_they_happened(tmp_path: Path) -> None:
    """10:00+02:00 happened before 09:30Z: cut off, the offset put them the other way round."""
    source = tmp_path / "log.csv"
    source.write_text(
        "customer,time,page\nc1,2026-01-01T10:00:00+02:00,/agenda\nc1,2026-01-01T09:30:00Z,/tickets\n",
        encoding="utf-8",
    )
    data = DataFolder(tmp_path)
    data.import_events(source)
    log = read_log(data.events_path).sort_values("ts")
    assert list(log["event"]) == ["/agenda", "/tickets"]
    assert str(log["ts"].iloc[0]) == "2026-01-01 08:00:00"


def test_an_event_log_in_parquet_imports_without_pandas_reading_it(
    orchestra_on_disk: Workshop,
) -> None:
    service, folder = orchestra_on_disk
    log = folder / "big.parquet"
    written = write_event_log(service.snapshot(), log, 5_000, seed=2)
    info = DataFolder(folder).import_events(log)
    assert info.events == written


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (b"", "error.events_empty"),
        (b"\x00\x01binary\x00" * 10, "error.events_not_log"),
        (b"customer,timestamp\nx,2026-01-01\n", "error.events_no_event"),
        (b"page,when\n/x,2026-01-01\n", "error.events_no_customer"),
        (b"customer,page\nx,/x\n", "error.events_no_timestamp"),
        (b"customer,timestamp,page\nx,yesterday,/x\ny,2026-01-01,/y\n", "error.events_bad_rows"),
        (b"customer,timestamp,page\nx,2026-01-01,\n", "error.events_bad_rows"),
        (b"customer,timestamp,page\n", "error.events_empty"),
        (b"PAR1 this is not really parquet", "error.events_unreadable"),
    ],
)
def test_a_bad_event_log_is_refused_and_the_previous_one_stays(
    tmp_path: Path, content: bytes, key: str
) -> None:
    data = DataFolder(tmp_path)
    good = tmp_path / "good.csv"
    good.write_text("customer,timestamp,page\na,2026-01-01 10:00,/x\n", encoding="utf-8")
    data.import_events(good)
    before = data.events_path.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    with pytest.raises(ImportFailed) as caught:
        data.import_events(bad)
    assert caught.value.key == key
    assert "Nothing was changed" in caught.value.message("en")
    assert "Er is niets veranderd" in caught.value.message("nl")
    assert data.events_path.read_bytes() == before
    assert data_files(data) == ["events.parquet"]  # no leftovers


def test_unmapped_events_and_sources_stay_visible(
    sampled: tuple[Service, DataFolder, Path],
) -> None:
    service, data, _ = sampled
    result = journey_data(service.snapshot(), data)
    unmapped = set(result.unmapped_events["event"])
    assert {"/contact", "/privacy", "session_start"} <= unmapped
    assert "unmapped" in set(result.traffic["channel"])  # e.g. the affiliate source
    assert not result.traffic[~result.traffic["mapped"]].empty
    assert result.traffic["sessions"].sum() == 12_000  # nothing dropped
    assert "unmapped" in set(result.mix["channel"]) or result.mix["count"].sum() > 0


def test_every_unmapped_event_and_channel_is_counted_not_only_those_listed(
    orchestra_on_disk: tuple[Service, Path],
) -> None:
    service, folder = orchestra_on_disk
    rows = [(f"k{n}", f"2026-01-01 10:{n:02d}:00", f"/page-{n}", "odd / thing") for n in range(30)]
    rows += [
        (f"k{n}", f"2026-01-01 11:{n:02d}:00", f"/page-{n}", "google / organic") for n in range(30)
    ]
    source = folder / "log.csv"
    pd.DataFrame(rows, columns=["customer", "timestamp", "page", "source_medium"]).to_csv(
        source, index=False
    )
    data = DataFolder(folder)
    data.import_events(source)
    result = journey_data(service.snapshot(), data)
    assert len(result.unmapped_events) == 25  # the most frequent are listed...
    assert (result.unmapped_event_count, result.unmapped_event_names) == (60, 30)  # ...all count
    assert result.unmapped_channels["channel"].tolist() == ["odd / thing"]
    assert result.unmapped_channel_count == 30


def test_channels_per_phase_account_for_every_session_of_the_traffic(
    orchestra_on_disk: tuple[Service, Path],
) -> None:
    """Without an event log the mix comes from traffic: sessions of a source the rules give
    no channel, touchpoint or phase once vanished from the chart; now each counts once in
    every phase of its touchpoint, or once under "no channel or phase", and the chart says
    how many that are."""
    from klantreis.charts.data import channel_mix_chart

    service, folder = orchestra_on_disk
    snapshot = service.snapshot()
    data = DataFolder(folder)
    data.save_rules(sample_rules(snapshot, "en"))
    data.import_traffic(traffic_export(12_000, "en", seed=11))
    result = journey_data(snapshot, data)
    phases_of = {tp.name: len(tp.phase_keys) for tp in snapshot.touchpoints}
    traffic = result.traffic
    expected = sum(
        int(sessions) * max(1, phases_of.get(str(touchpoint), 0))
        for sessions, touchpoint in zip(traffic["sessions"], traffic["touchpoint"], strict=True)
    )
    assert int(result.mix["count"].sum()) == expected
    unplaced = result.mix[result.mix["phase"] == "No channel or phase"]
    assert int(unplaced["count"].sum()) > 0  # e.g. the affiliate source no rule maps
    svg = vlc.vegalite_to_svg(channel_mix_chart(result).to_dict())
    assert "have no channel, touchpoint or phase yet" in svg


def test_evidence_says_which_measures_and_cards_rest_on_data(
    sampled: tuple[Service, DataFolder, Path],
) -> None:
    service, data, _ = sampled
    result = journey_data(service.snapshot(), data)
    assert set(result.evidence["basis"]) == {"data", "assumption"}
    based = result.evidence[result.evidence["basis"] == "data"]
    assert all(reason for reason in based["reason"])
    # without any data, everything is an assumption
    empty = DataFolder(data.root.parent / "nothing")
    bare = journey_data(service.snapshot(), empty)
    assert set(bare.evidence["basis"]) == {"assumption"}
    assert bare.funnel.empty and not bare.has_data


def test_counts_typed_in_by_hand_make_a_funnel(orchestra_on_disk: Workshop) -> None:
    service, folder = orchestra_on_disk
    data = DataFolder(folder)
    data.save_counts({1: 1000, 2: 600, 3: 450})
    result = journey_data(service.snapshot(), data)
    assert result.source == "typed"
    assert result.funnel["closed"].tolist()[:4] == [1000, 600, 450, 0]
    assert result.funnel["drop_rate"].tolist()[0] == pytest.approx(0.4)
    with pytest.raises(ImportFailed):
        data.save_counts({1: -5})
    assert data.counts() == {1: 1000, 2: 600, 3: 450}  # the bad save changed nothing


def test_a_rules_file_round_trips_and_a_bad_one_keeps_the_old_rules(
    orchestra_on_disk: Workshop,
) -> None:
    service, folder = orchestra_on_disk
    data = DataFolder(folder)
    rules = sample_rules(service.snapshot(), "nl")
    data.save_rules(rules)
    assert data.rules("en") == rules
    saved = data.rules_path.read_text(encoding="utf-8")
    assert saved.count("pattern") == len(rules.channels) + len(rules.steps)
    for bad, kind in [
        (b"{not json", ImportFailed),
        (json.dumps({"steps": [{"pattern": "re:(", "step": 1}]}).encode(), ValidationFailed),
        (json.dumps({"steps": [{"pattern": "/x", "step": 0}]}).encode(), ValidationFailed),
        (json.dumps({"unknown": []}).encode(), ValidationFailed),
    ]:
        with pytest.raises(kind):
            data.import_rules(bad, "en")
    assert data.rules("en") == rules


def test_rules_are_checked_against_the_workshop_and_a_missing_kind_is_kept(
    orchestra_on_disk: tuple[Service, Path],
) -> None:
    service, folder = orchestra_on_disk
    data = DataFolder(folder)
    rules = sample_rules(service.snapshot(), "en")
    service.save_rules(rules)
    steps = len(service.snapshot().ideal_steps)
    past_end = {"steps": [{"pattern": "/x", "step": steps + 1}]}
    with pytest.raises(ValidationFailed) as refused:
        service.import_rules(json.dumps(past_end).encode())
    assert f"there is no step {steps + 1}: the ideal journey has {steps} steps" in (
        refused.value.message("en")
    )
    no_such = {"channels": [{"pattern": "x / y", "channel": "X", "touchpoint": "Carrier pigeon"}]}
    with pytest.raises(ValidationFailed, match="no touchpoint called"):
        service.import_rules(json.dumps(no_such).encode())
    assert data.rules("en") == rules  # refused: nothing changed
    only_steps = {"steps": [{"pattern": "/agenda*", "step": 1}]}
    kept = service.import_rules(json.dumps(only_steps).encode())
    assert kept.channels == rules.channels and [r.pattern for r in kept.steps] == ["/agenda*"]
    emptied = service.import_rules(json.dumps({"channels": []}).encode())
    assert emptied.channels == [] and emptied.steps == kept.steps  # an empty list is meant


def test_googles_channel_group_names_map_with_the_default_rules() -> None:
    from klantreis.analytics.storage import default_rules

    rules = default_rules("en")
    named = {
        group: rule.channel if (rule := rules.channel_for(group)) else None
        for group in ("Organic Search", "Paid Social", "Email", "Referral", "Direct", "Unassigned")
    }
    assert named == {
        "Organic Search": "Organic search",
        "Paid Social": "Social media",
        "Email": "Email",
        "Referral": "Referral",
        "Direct": "Direct",
        "Unassigned": None,  # stays unmapped, and is listed as such
    }
    assert default_rules("nl").channel_for("Organisch zoeken") is not None


def test_every_template_page_of_the_generator_maps_to_its_step(orchestra_on_disk: Workshop) -> None:
    service, _ = orchestra_on_disk
    snapshot = service.snapshot()
    rules = sample_rules(snapshot, "en")
    pages = step_pages(snapshot)
    assert [rules.step_for(p + "?utm_source=x") for p in pages] == list(range(1, len(pages) + 1))
    assert MappingRules(steps=[StepRule(pattern="/x", step=1)]).step_for("/y") is None


def test_the_generator_is_seeded(orchestra_on_disk: Workshop, tmp_path: Path) -> None:
    service, _ = orchestra_on_disk
    one, two = tmp_path / "one.parquet", tmp_path / "two.parquet"
    write_event_log(service.snapshot(), one, 3_000, seed=5)
    write_event_log(service.snapshot(), two, 3_000, seed=5)
    pd.testing.assert_frame_equal(read_log(one), read_log(two))
    assert traffic_export(100, "nl", seed=1) == traffic_export(100, "nl", seed=1)


def test_a_workshop_without_a_journey_has_no_funnel_but_no_error(tmp_path: Path) -> None:
    from klantreis.exchange.templates import load_template
    from klantreis.folder import create_folder

    service = create_folder(tmp_path / "empty", load_template("empty", "nl"))
    data = DataFolder(tmp_path / "empty")
    data.import_traffic(traffic_export(500, "nl"))
    result = journey_data(service.snapshot(), data)
    assert result.funnel.empty and result.has_data
    with pytest.raises(KlantreisError):
        data.import_traffic(b"")
    assert data.traffic() is not None  # the earlier import is still there


def test_every_data_chart_builds_and_renders_with_and_without_data(
    sampled: tuple[Service, DataFolder, Path],
) -> None:
    import vl_convert as vlc

    from klantreis.charts.data import DATA_CHARTS

    service, data, _ = sampled
    full = journey_data(service.snapshot(), data)
    bare = journey_data(service.snapshot(), DataFolder(data.root.parent / "nothing"))
    for name, build in DATA_CHARTS.items():
        for result in (full, bare):
            spec = build(result).to_dict()  # validates against the Vega-Lite schema
            svg = vlc.vegalite_to_svg(spec)
            assert svg.startswith("<svg"), name
        if name != "evidence":  # without data, everything rests on assumption: that is shown
            assert "No data yet" in json.dumps(build(bare).to_dict())
    funnel = json.dumps(DATA_CHARTS["funnel"](full).to_dict())
    assert "Closed funnel (in order from step 1)" in funnel and "Open funnel" in funnel


def test_stacked_data_charts_keep_their_own_colours_and_legends(
    sampled: tuple[Service, DataFolder, Path],
) -> None:
    """Vega-Lite shares one colour scale among concatenated charts by default, which merged
    the funnel's, the paths' and the channels' categories into one legend on the dashboard."""
    import vl_convert as vlc

    from klantreis.charts.compose import stack_specs
    from klantreis.charts.data import DATA_CHARTS
    from tests.vega import legend_titles

    service, data, _ = sampled
    full = journey_data(service.snapshot(), data)
    specs = [build(full).to_dict() for build in DATA_CHARTS.values()]
    alone = [title for spec in specs for title in legend_titles(vlc.vegalite_to_vega(spec))]
    stacked = vlc.vegalite_to_vega(stack_specs(specs))
    assert sorted(legend_titles(stacked)) == sorted(alone) and len(alone) >= 3
    merged = dict(stack_specs(specs))
    merged.pop("resolve")
    assert len(legend_titles(vlc.vegalite_to_vega(merged))) < len(alone)  # what it guards


def test_the_dashboard_data_section_follows_imports_without_a_reload(
    orchestra_on_disk: Workshop,
) -> None:
    from klantreis.widgets.room.data_section import DataSection

    service, folder = orchestra_on_disk
    section = DataSection(DataFolder(folder), service.snapshot())
    assert section.computed == 1 and "No data imported yet" in section.summary.value
    section.update(service.snapshot())
    assert section.computed == 1  # nothing changed, nothing computed
    DataFolder(folder).import_traffic(traffic_export(900, "en"))
    assert section.changed(service.snapshot())
    section.update(service.snapshot())
    assert section.computed == 2 and "900 sessions" in section.summary.value
    assert section.slot.redraws == 1  # the channels chart shows the traffic (no phase yet)
    log = folder / "log.parquet"
    write_event_log(service.snapshot(), log, 2_000, seed=8)
    DataFolder(folder).save_rules(sample_rules(service.snapshot(), "en"))
    DataFolder(folder).import_events(log)
    section.update(service.snapshot())
    assert section.computed == 3 and section.slot.redraws == 2
    assert "Most common paths" in json.dumps(section.slot.chart.spec)


def test_the_report_has_a_section_on_the_data(
    sampled: tuple[Service, DataFolder, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import klantreis.widgets as kw

    service, data, _ = sampled
    monkeypatch.setenv("KLANTREIS_WORKSHOP", str(data.root.parent))
    html = kw.report(service)._repr_html_()
    assert "What the data says" in html
    assert "Most common paths" in html and "ideal order, all the way" in html
    assert "Events and pages without a step" in html and "/contact" in html


@pytest.mark.parametrize("engine_name", ["duckdb", "pandas"])
def test_channels_per_phase_from_an_event_log_count_customers_not_events(
    sampled: tuple[Service, DataFolder, Path], engine_name: Any
) -> None:
    """A customer who left five events in a phase through one channel is one customer there:
    the mix once counted events, so busy customers outweighed the rest."""
    from klantreis.analytics.results import steps_table

    service, data, _log = sampled
    snapshot = service.snapshot()
    result = journey_data(snapshot, data, engine_name)
    rules = data.rules("en")
    steps = steps_table(snapshot)
    log = read_log(data.events_path)
    log["step"] = [rules.step_for(str(e)) for e in log["event"]]
    log = log.dropna(subset=["step"]).astype({"step": "int64"})
    log = log[log["step"] <= len(steps)].merge(steps[["step", "phase"]], on="step")
    unmapped, none = t("data.unmapped", "en"), t("data.no_channel", "en")
    log["channel"] = [
        none
        if raw != raw
        else (rule.channel if (rule := rules.channel_for(str(raw))) else unmapped)
        for raw in log["channel"]
    ]
    expected = log.groupby(["phase", "channel"])["customer"].nunique()
    events = log.groupby(["phase", "channel"]).size()
    shown = result.mix.set_index(["phase", "channel"])["count"]
    assert set(result.mix["source"]) == {"events"}
    assert shown.sort_index().to_dict() == expected.sort_index().to_dict()
    assert (events > expected).any()  # the log has customers with several events per phase


def test_the_funnel_per_channel_follows_each_customer_from_the_channel_they_came_in_by(
    tmp_path: Path,
) -> None:
    """Worked out by hand: a customer belongs to the channel of their first event that has
    one, mapped to a step or not; the funnel is then counted per channel, in both engines."""
    rows = [
        # a: came by search, went all the way (a later e-mail does not change their channel)
        ("a", "2026-01-01 10:00", "/one", "google / organic"),
        ("a", "2026-01-01 10:05", "/two", "newsletter / email"),
        ("a", "2026-01-01 10:09", "/three", "newsletter / email"),
        # b: a first page without a channel, then the e-mail: e-mail, stops after step 2
        ("b", "2026-01-01 09:00", "/home", None),
        ("b", "2026-01-01 09:10", "/one", "newsletter / email"),
        ("b", "2026-01-02 09:10", "/two", "google / organic"),
        # c: first came through an unmapped page by search, never took a step in order
        ("c", "2026-01-01 08:00", "/home", "google / organic"),
        ("c", "2026-01-01 09:00", "/two", "google / organic"),
        # d: no channel anywhere
        ("d", "2026-01-01 09:00", "/one", None),
        # e: a source no rule knows
        ("e", "2026-01-01 09:00", "/one", "tiktok / paid"),
    ]
    source = tmp_path / "log.csv"
    columns = ["customer_id", "timestamp", "page", "source_medium"]
    pd.DataFrame(rows, columns=columns).to_csv(source, index=False)
    target = tmp_path / "events.parquet"
    import_event_log(source, target)
    steps = pd.DataFrame({"event": ["/one", "/two", "/three"], "step": [1, 2, 3]})
    rules = pd.DataFrame(
        {"channel": ["google / organic", "newsletter / email"], "name": ["Search", "Email"]}
    )
    labels = engine.Labels(unmapped="?", no_channel="-")
    expected_customers = {"Search": (2, 2), "Email": (1, 1), "-": (1, 1), "?": (1, 1)}
    expected_funnel = {
        "Search": [1, 1, 1],
        "Email": [1, 1, 0],
        "-": [1, 0, 0],
        "?": [1, 0, 0],
    }
    for compute in (engine.observe, reference.observe):
        seen = compute(target, steps, rules, 3, labels)
        assert list(seen.arrivals["channel"]) == ["Search", "-", "?", "Email"]  # most first
        arrivals = seen.arrivals.set_index("channel")
        assert {
            c: (int(r.customers), int(r.mapped_customers)) for c, r in arrivals.iterrows()
        } == expected_customers
        funnel = seen.channel_funnel.groupby("channel", sort=False)["closed"].agg(list)
        assert funnel.to_dict() == expected_funnel


def test_the_funnel_per_channel_is_charted_and_tabled_in_the_report(
    sampled: tuple[Service, DataFolder, Path], tmp_path: Path
) -> None:
    from klantreis.charts.data import channel_funnel_chart
    from klantreis.report.data import channels_table, data_lines

    service, data, _ = sampled
    result = journey_data(service.snapshot(), data)
    arrivals = result.arrivals.set_index("channel")
    assert int(arrivals["customers"].sum()) == result.customers
    assert arrivals["share"].sum() == pytest.approx(1.0)
    last = result.channel_funnel[result.channel_funnel["step"] == len(result.steps)]
    assert last.set_index("channel")["closed"].to_dict() == arrivals["completed"].to_dict()
    # the channels differ in how far their customers get (the generator makes them)
    conversion = arrivals["conversion"].astype(float)
    assert conversion["Email"] > 2 * conversion["Social media"]
    assert sum(arrivals["completed"]) == int(result.funnel["closed"].iloc[-1])

    spec = channel_funnel_chart(result).to_dict()
    svg = vlc.vegalite_to_svg(spec)
    assert "Funnel per channel" in svg and ">Email<" in svg
    found = channels_table(result, "en")
    assert found is not None and found[0][0] == "Channel of arrival"
    assert "Customers per channel:" in data_lines(result, "en")

    # a log without any channel: the chart says so instead of one row of "-"
    bare = tmp_path / "bare.csv"
    log = read_log(data.events_path)
    log[["customer", "ts", "event"]].rename(
        columns={"customer": "customer_id", "ts": "timestamp", "event": "page"}
    ).head(3_000).to_csv(bare, index=False)
    data.import_events(bare)
    plain = journey_data(service.snapshot(), data)
    assert plain.arrivals.empty and plain.channel_funnel.empty
    assert "no channel column" in json.dumps(channel_funnel_chart(plain).to_dict())
    assert channels_table(plain, "en") is None


def test_an_import_whose_audit_entry_fails_leaves_the_data_as_it_was(
    orchestra_on_disk: Workshop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new file and its audit entry are kept together: when the transaction that records
    the import fails, the previous file is back in its place and no temporary file is left."""
    from klantreis.store.transaction import Transaction

    service, _folder = orchestra_on_disk
    assert service.data_folder is not None
    data = service.data_folder
    service.import_traffic(traffic_export(600, "en"))
    before = data.traffic_path.read_bytes()
    trail = len(service.audit_trail())

    def refuse(_tx: Transaction) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Transaction, "write_audit", refuse)
    with pytest.raises(RuntimeError):
        service.import_traffic(traffic_export(900, "en", seed=3))
    with pytest.raises(RuntimeError):
        service.save_counts({1: 10})
    monkeypatch.undo()
    assert data.traffic_path.read_bytes() == before  # the old export, not half of the new
    assert not data.counts_path.exists()  # a first save that failed leaves no file
    assert data_files(data) == ["traffic.parquet"]
    assert len(service.audit_trail()) == trail


def test_a_refused_import_changes_nothing_and_leaves_no_file(orchestra_on_disk: Workshop) -> None:
    service, _folder = orchestra_on_disk
    assert service.data_folder is not None
    service.save_counts({1: 100})
    trail = len(service.audit_trail())
    with pytest.raises(ImportFailed):
        service.import_events(b"customer,timestamp,event\n")
    with pytest.raises(ImportFailed):
        service.set_counts({99: 1})
    assert service.data_folder.counts() == {1: 100}
    assert data_files(service.data_folder) == ["counts.json"]
    assert len(service.audit_trail()) == trail


def test_a_workshop_opened_without_its_folder_says_it_has_no_data(
    orchestra_on_disk: Workshop,
) -> None:
    service, _folder = orchestra_on_disk
    bare = Service.open(service.store, service.workshop_id)
    assert bare.data_folder is None
    with pytest.raises(KlantreisError) as refused:
        bare.save_counts({1: 5})
    assert "opened without its folder" in refused.value.message("en")
    assert "zonder zijn map" in refused.value.message("nl")


def test_a_change_kept_then_failed_puts_every_previous_file_back(tmp_path: Path) -> None:
    data = DataFolder(tmp_path)
    data.save_counts({1: 5})
    with pytest.raises(RuntimeError), data.change() as keep:
        data.save_counts({1: 6})
        data.save_rules(MappingRules())
        assert data.counts() == {1: 5}  # waiting until kept
        keep()
        assert data.counts() == {1: 6} and data.rules_path.exists()
        raise RuntimeError("the transaction failed")
    assert data.counts() == {1: 5} and not data.rules_path.exists()
    with data.change() as keep:
        data.save_counts({1: 7})
        keep()
    assert data.counts() == {1: 7}
    assert data_files(data) == ["counts.json"]


def data_files(data: DataFolder) -> list[str]:
    """The files in a data folder, but for this process's owner lock (see ``LEFTOVER``)."""
    return sorted(p.name for p in data.root.iterdir() if f"owner-{os.getpid()}" not in p.name)


LEAVE_LEFTOVERS = """
import sys
from pathlib import Path
from klantreis.analytics.storage import _temporary
root = Path(sys.argv[1])
for suffix in (".part", ".previous", ".upload.csv"):
    _temporary(root, suffix)
print("written", flush=True)
sys.stdin.readline()  # at work until the test kills it
"""


def test_what_a_killed_import_left_is_removed_on_the_next_start(tmp_path: Path) -> None:
    """A process killed midway through an import leaves its temporary files; the next one to
    open the folder removes them, but never those of a process still at work."""
    data = DataFolder(tmp_path)
    data.save_counts({1: 5})
    legacy = data.root / "tmpab12cd.parquet.part"  # as an earlier version named them
    legacy.write_bytes(b"")
    os.utime(legacy, (time.time() - 2 * 3600,) * 2)
    worker = subprocess.Popen(
        [sys.executable, "-c", LEAVE_LEFTOVERS, str(data.root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "written"
        at_work = [p.name for p in data.root.iterdir() if str(worker.pid) in p.name]
        assert len(at_work) == 4 and all(name.startswith(LEFTOVER) for name in at_work)
        DataFolder(tmp_path)  # a start while the import is at work
        assert all((data.root / name).exists() for name in at_work)
        assert not legacy.exists()
    finally:
        worker.kill()
        worker.wait()
    DataFolder(tmp_path)  # the next start
    assert data_files(data) == ["counts.json"]
    assert data.counts() == {1: 5}
