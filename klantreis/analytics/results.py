"""Everything the data says about a workshop's ideal journey, as tables ready to show.

:func:`journey_data` combines the workshop (its ideal journey, touchpoints, cards and measures)
with its data folder (traffic, event log, typed-in counts, mapping rules) and returns a
:class:`JourneyData`. Charts, panels and the report all read from that one object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

import pandas as pd

from klantreis.analytics import engine, reference
from klantreis.analytics.storage import DataFolder
from klantreis.domain import WorkshopSnapshot
from klantreis.domain.mapping import MappingRules
from klantreis.i18n import Language, t

Engine = Literal["duckdb", "pandas"]
SNAPSHOT_INPUTS = ("journeys", "steps", "touchpoints", "measures", "cards")
"""The parts of a workshop snapshot :func:`journey_data` reads (besides the workshop)."""
UNMAPPED_SHOWN = 25
"""How many unmapped events or sources are listed (the most frequent)."""


@dataclass
class JourneyData:
    """Tables about the ideal journey; empty tables where there is no data (yet)."""

    language: Language
    source: Literal["events", "typed", ""]
    """Where the funnel comes from: an event log, counts typed in by hand, or nothing."""
    customers: int = 0
    mapped_customers: int = 0
    steps: pd.DataFrame = field(default_factory=pd.DataFrame)
    """step, action, phase_key, phase, phase_order, touchpoint"""
    funnel: pd.DataFrame = field(default_factory=pd.DataFrame)
    """step, label, phase, open, closed, lost, drop_rate (closed funnel)"""
    timing: pd.DataFrame = field(default_factory=pd.DataFrame)
    """step, label, median_seconds, median_text, customers"""
    paths: pd.DataFrame = field(default_factory=pd.DataFrame)
    """rank, path, labels, customers, share, kind, kind_label"""
    mix: pd.DataFrame = field(default_factory=pd.DataFrame)
    """phase, phase_order, channel, count, source: ``count`` is customers (each once per phase
    and channel) when ``source`` is "events", sessions when it is "traffic"."""
    arrivals: pd.DataFrame = field(default_factory=pd.DataFrame)
    """channel, customers, share, mapped_customers, completed, conversion: the customers each
    arrival channel brought (the channel of their first event, see the engine), their share of
    all customers, how many took a mapped step and how many went through the whole journey in
    order (``conversion`` = completed / customers); empty when the log has no channels."""
    channel_funnel: pd.DataFrame = field(default_factory=pd.DataFrame)
    """channel, customers, step, label, closed, share: per arrival channel (as in ``arrivals``)
    and step, the channel's customers in the closed funnel and their share of the channel's
    customers."""
    traffic: pd.DataFrame = field(default_factory=pd.DataFrame)
    """source_medium, channel, touchpoint, sessions, mapped"""
    unmapped_events: pd.DataFrame = field(default_factory=pd.DataFrame)
    """event, events: the most frequent events no step rule matches"""
    unmapped_event_count: int = 0
    """Events no step rule matches, all of them (not only the names listed)."""
    unmapped_event_names: int = 0
    """How many different such events or pages there are."""
    unmapped_channels: pd.DataFrame = field(default_factory=pd.DataFrame)
    """channel, events: the most frequent channel values of the log no channel rule matches"""
    unmapped_channel_count: int = 0
    """Events whose channel value no channel rule matches, all of them."""
    evidence: pd.DataFrame = field(default_factory=pd.DataFrame)
    """kind, kind_label, text, basis, basis_label, reason"""

    @property
    def has_data(self) -> bool:
        """True when there is any traffic, event log or typed-in count."""
        return bool(self.source) or not self.traffic.empty


def steps_table(snapshot: WorkshopSnapshot) -> pd.DataFrame:
    """The ideal journey's steps with their number, phase and touchpoint."""
    rows = []
    for number, step in enumerate(snapshot.ideal_steps, start=1):
        order, name = snapshot.workshop.phase_place(step.phase_key)
        touchpoint = snapshot.touchpoint(step.touchpoint_id)
        rows.append(
            {
                "step": number,
                "action": step.action,
                "phase_key": step.phase_key or "",
                "phase": name,
                "phase_order": order,
                "touchpoint": touchpoint.name if touchpoint else "",
            }
        )
    columns = ["step", "action", "phase_key", "phase", "phase_order", "touchpoint"]
    return pd.DataFrame(rows, columns=columns)


def journey_data(
    snapshot: WorkshopSnapshot, data: DataFolder, engine_name: Engine = "duckdb"
) -> JourneyData:
    """Combine the workshop with its data (see the module docstring)."""
    lang = snapshot.workshop.language
    rules = data.rules(lang)
    steps = steps_table(snapshot)
    labels = engine.Labels(unmapped=t("data.unmapped", lang), no_channel=t("data.no_channel", lang))
    result = JourneyData(language=lang, source="", steps=steps)
    result.traffic = _traffic(data.traffic(), rules, labels)
    count = len(steps)
    if data.has_events and count:
        events = engine.event_names(data.events_path)
        events["step"] = [rules.step_for(str(e)) for e in events["event"]]
        events.loc[events["step"] > count, "step"] = None
        step_map = events.dropna(subset=["step"]).astype({"step": "int64"})
        raw = engine.channel_names(data.events_path)
        raw["name"] = [_channel_name(rules, str(c)) for c in raw["channel"]]
        channel_map = raw.dropna(subset=["name"])
        compute = engine.observe if engine_name == "duckdb" else reference.observe
        phases = steps[["step", "phase_order"]]
        observed = compute(data.events_path, step_map, channel_map, count, labels, phases=phases)
        result.source = "events"
        result.customers = observed.customers
        result.mapped_customers = observed.mapped_customers
        result.funnel = _funnel(steps, observed.funnel)
        result.timing = _timing(steps, observed.timing, lang)
        result.paths = _paths(steps, observed.paths, observed.mapped_customers, lang)
        result.mix = _event_mix(steps, observed.mix)
        if set(observed.arrivals["channel"]) - {labels.no_channel}:
            result.arrivals = _arrivals(observed, count)
            result.channel_funnel = _channel_funnel(steps, observed)
        unmapped = events[events["step"].isna()][["event", "events"]]
        result.unmapped_events = unmapped.head(UNMAPPED_SHOWN).reset_index(drop=True)
        result.unmapped_event_count = int(unmapped["events"].sum())
        result.unmapped_event_names = len(unmapped)
        lost = raw[raw["name"].isna()][["channel", "events"]]
        result.unmapped_channels = lost.head(UNMAPPED_SHOWN).reset_index(drop=True)
        result.unmapped_channel_count = int(lost["events"].sum())
    elif (counts := data.counts()) and count:
        typed = pd.DataFrame(
            {
                "step": steps["step"],
                "open": [counts.get(int(k), 0) for k in steps["step"]],
            }
        )
        typed["closed"] = typed["open"]
        result.source = "typed"
        result.funnel = _funnel(steps, typed)
    if result.mix.empty and not result.traffic.empty:
        result.mix = _traffic_mix(snapshot, result.traffic)
    result.evidence = _evidence(snapshot, result)
    return result


def _channel_name(rules: MappingRules, raw: str) -> str | None:
    rule = rules.channel_for(raw)
    return rule.channel if rule else None


def _traffic(
    traffic: pd.DataFrame | None, rules: MappingRules, labels: engine.Labels
) -> pd.DataFrame:
    columns = ["source_medium", "channel", "touchpoint", "sessions", "mapped"]
    if traffic is None or traffic.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for source_medium, sessions in zip(traffic["source_medium"], traffic["sessions"], strict=True):
        rule = rules.channel_for(str(source_medium))
        rows.append(
            {
                "source_medium": source_medium,
                "channel": rule.channel if rule else labels.unmapped,
                "touchpoint": rule.touchpoint if rule else "",
                "sessions": int(sessions),
                "mapped": rule is not None,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _funnel(steps: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    table = steps[["step", "action", "phase"]].merge(counts, on="step", how="left").fillna(0)
    table = table.astype({"open": "int64", "closed": "int64"})
    table["label"] = [f"{n}. {a}" for n, a in zip(table["step"], table["action"], strict=True)]
    following = table["closed"].shift(-1)
    table["lost"] = (table["closed"] - following).fillna(0).clip(lower=0).astype("int64")
    rate = (table["lost"] / table["closed"].where(table["closed"] > 0)).fillna(0.0)
    table["drop_rate"] = rate.where(following.notna(), 0.0)
    return table[["step", "label", "phase", "open", "closed", "lost", "drop_rate"]]


def _timing(steps: pd.DataFrame, timing: pd.DataFrame, lang: Language) -> pd.DataFrame:
    labels = dict(zip(steps["step"], steps["action"], strict=True))
    table = timing.copy()
    table["label"] = [f"{k - 1} → {k}. {labels.get(k, '')}" for k in table["step"].astype(int)]
    table["median_text"] = [duration_text(s, lang) for s in table["median_seconds"]]
    return table[["step", "label", "median_seconds", "median_text", "customers"]]


def duration_text(seconds: float, lang: Language) -> str:
    """A duration as a person says it: '45 s', '12 min', '3.5 h', '2 days'."""
    if seconds != seconds:  # NaN: nobody made this step
        return "–"
    if seconds < 90:
        return t("data.duration.seconds", lang, value=round(seconds))
    if seconds < 90 * 60:
        return t("data.duration.minutes", lang, value=round(seconds / 60))
    if seconds < 36 * 3600:
        return t("data.duration.hours", lang, value=_decimal(seconds / 3600, lang))
    return t("data.duration.days", lang, value=_decimal(seconds / 86400, lang))


def _decimal(value: float, lang: Language) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") if lang == "nl" else text


def path_kind(path: list[int], count: int) -> str:
    """How an observed path compares with the ideal order 1, 2, ..., count."""
    if path == list(range(1, len(path) + 1)):
        return "complete" if len(path) == count else "stopped"
    if path == list(range(path[0], path[0] + len(path))):
        return "joined_later"
    if all(a < b for a, b in pairwise(path)):
        return "skipped"
    return "other_order"


def path_steps(path: str) -> tuple[list[int], bool]:
    """The step numbers of a path as the engines write it ("1>2>3", or "1>2>…" when cut
    short, see :func:`~klantreis.analytics.engine.path_limit`), and whether it was cut."""
    parts = str(path).split(">")
    cut = parts[-1] == engine.MORE
    return [int(n) for n in parts[: -1 if cut else None]], cut


def _paths(steps: pd.DataFrame, paths: pd.DataFrame, mapped: int, lang: Language) -> pd.DataFrame:
    actions = dict(zip(steps["step"], steps["action"], strict=True))
    rows = []
    for rank, (path, customers) in enumerate(
        zip(paths["path"], paths["customers"], strict=True), start=1
    ):
        numbers, cut = path_steps(path)
        kind = "other_order" if cut else path_kind(numbers, len(steps))  # cut: longer than all
        named = [f"{n}. {actions.get(n, '')}" for n in numbers] + ([engine.MORE] if cut else [])
        rows.append(
            {
                "rank": rank,
                "path": str(path),
                "labels": " → ".join(named),
                "customers": int(customers),
                "share": int(customers) / mapped if mapped else 0.0,
                "kind": kind,
                "kind_label": t(f"data.path.{kind}", lang),
            }
        )
    columns = ["rank", "path", "labels", "customers", "share", "kind", "kind_label"]
    return pd.DataFrame(rows, columns=columns)


def _event_mix(steps: pd.DataFrame, mix: pd.DataFrame) -> pd.DataFrame:
    """Customers per phase and channel (a customer with five events in a phase counts once)."""
    names = steps[["phase_order", "phase"]].drop_duplicates("phase_order")
    table = mix.merge(names, on="phase_order", how="left").rename(columns={"customers": "count"})
    table["source"] = "events"
    return table[["phase", "phase_order", "channel", "count", "source"]]


def _arrivals(observed: engine.Observed, count: int) -> pd.DataFrame:
    """Customers per arrival channel, with how many of them completed the journey."""
    table = observed.arrivals.copy()
    last = observed.channel_funnel[observed.channel_funnel["step"] == count]
    completed = dict(zip(last["channel"], last["closed"], strict=True))
    table["completed"] = [int(completed.get(c, 0)) for c in table["channel"]]
    total = int(table["customers"].sum())
    table["share"] = table["customers"] / total if total else 0.0
    table["conversion"] = table["completed"] / table["customers"].where(table["customers"] > 0)
    table["conversion"] = table["conversion"].fillna(0.0)
    columns = ["channel", "customers", "share", "mapped_customers", "completed", "conversion"]
    return table[columns].astype({"customers": "int64", "mapped_customers": "int64"})


def _channel_funnel(steps: pd.DataFrame, observed: engine.Observed) -> pd.DataFrame:
    """The closed funnel per arrival channel, as counts and as shares of the channel."""
    customers = dict(zip(observed.arrivals["channel"], observed.arrivals["customers"], strict=True))
    labels = {int(k): f"{k}. {a}" for k, a in zip(steps["step"], steps["action"], strict=True)}
    table = observed.channel_funnel.copy()
    table["customers"] = [int(customers[c]) for c in table["channel"]]
    table["label"] = [labels[int(k)] for k in table["step"]]
    table["share"] = table["closed"] / table["customers"].where(table["customers"] > 0)
    table["share"] = table["share"].fillna(0.0)
    return table[["channel", "customers", "step", "label", "closed", "share"]]


def _traffic_mix(snapshot: WorkshopSnapshot, traffic: pd.DataFrame) -> pd.DataFrame:
    """Sessions per phase and channel: a source's sessions count once in each phase of its
    touchpoint; sessions without a channel, a touchpoint or a phase count once, under "no
    phase", so the chart accounts for every session."""
    lang = snapshot.workshop.language
    workshop = snapshot.workshop
    by_name = {tp.name.casefold(): tp for tp in snapshot.touchpoints}
    unplaced = workshop.phase_place(None, t("data.no_phase", lang))
    rows = []
    for _, row in traffic.iterrows():
        touchpoint = by_name.get(str(row["touchpoint"]).casefold())
        keys = [k for k in (touchpoint.phase_keys if touchpoint else []) if workshop.phase(k)]
        for order, name in [workshop.phase_place(key) for key in keys] or [unplaced]:
            rows.append(
                {
                    "phase": name,
                    "phase_order": order,
                    "channel": row["channel"],
                    "count": int(row["sessions"]),
                }
            )
    columns = ["phase", "phase_order", "channel", "count", "source"]
    if not rows:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(rows).groupby(["phase_order", "phase", "channel"], as_index=False).sum()
    table["source"] = "traffic"
    return table[columns]


def _evidence(snapshot: WorkshopSnapshot, data: JourneyData) -> pd.DataFrame:
    """For each active measure and card: does it rest on data, and why."""
    lang = snapshot.workshop.language
    observed_phases = set()
    if not data.funnel.empty:
        seen = data.funnel[data.funnel["open"] > 0]["step"]
        observed_phases = set(data.steps[data.steps["step"].isin(seen)]["phase_key"]) - {""}
    traffic_touchpoints = set()
    if not data.traffic.empty:
        with_sessions = data.traffic[(data.traffic["sessions"] > 0) & data.traffic["mapped"]]
        traffic_touchpoints = {str(n).casefold() for n in with_sessions["touchpoint"] if n}
    rows = []
    measure_basis: dict[str, bool] = {}
    for measure in snapshot.active_measures():
        touchpoint = snapshot.touchpoint(measure.touchpoint_id)
        based = True
        if touchpoint and touchpoint.name.casefold() in traffic_touchpoints:
            reason = t("data.reason.touchpoint", lang, touchpoint=touchpoint.name)
        elif observed := [key for key in measure.phase_keys if key in observed_phases]:
            phase = snapshot.workshop.phase(observed[0])
            reason = t("data.reason.phase", lang, phase=phase.name if phase else "")
        else:
            based = False
            reason = t("data.reason.none_measure", lang)
        measure_basis[measure.id] = based
        rows.append(_evidence_row("measure", measure.title, based, reason, lang))
    for card in snapshot.active_cards():
        linked = [
            m for m in snapshot.active_measures() if card.id in m.card_ids and measure_basis[m.id]
        ]
        if linked:
            reason = t("data.reason.card", lang, measure=linked[0].title)
        else:
            reason = t("data.reason.none_card", lang)
        rows.append(_evidence_row("card", card.text, bool(linked), reason, lang))
    columns = ["kind", "kind_label", "text", "basis", "basis_label", "reason"]
    return pd.DataFrame(rows, columns=columns)


def _evidence_row(
    kind: str, text: str, based: bool, reason: str, lang: Language
) -> dict[str, object]:
    basis = "data" if based else "assumption"
    return {
        "kind": kind,
        "kind_label": t(f"data.kind.{kind}", lang),
        "text": text,
        "basis": basis,
        "basis_label": t(f"basis.{basis}", lang),
        "reason": reason,
    }


__all__ = [
    "SNAPSHOT_INPUTS",
    "Engine",
    "JourneyData",
    "duration_text",
    "journey_data",
    "path_kind",
    "steps_table",
]
