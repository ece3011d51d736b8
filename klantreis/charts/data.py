"""Charts of the data behind the ideal journey: funnel, drop-off, paths, channel mix and the
funnel per channel.

Each builder takes a :class:`~klantreis.analytics.results.JourneyData` and returns a chart; with
no data (yet) it returns a short note instead, so a page can always show it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd

from klantreis.analytics.engine import MORE
from klantreis.analytics.results import JourneyData, path_steps
from klantreis.charts.frames import wrap_label
from klantreis.charts.theme import ACCENT, COLUMN_COLOURS, GRID, INK, MUTED, NARROW, themed
from klantreis.i18n import number, percent, t

CLOSED = COLUMN_COLOURS["need"]
OPEN = "#a9c8e6"
LABELS = 130
"""Room for step names beside bars: with the bars it fits a 390 px phone."""
BARS = 180
"""Width of the bars of a chart with step names beside them."""
KIND_COLOURS = {
    "complete": COLUMN_COLOURS["positive"],
    "stopped": "#7cc4a0",
    "joined_later": "#1f6fb2",
    "skipped": ACCENT,
    "other_order": COLUMN_COLOURS["barrier"],
}


def note(text: str, title: str, lang: str) -> Any:
    """A chart that only says ``text`` (for a section without data)."""
    frame = pd.DataFrame({"text": [text]})
    chart = (
        alt.Chart(frame)
        .mark_text(align="left", color=MUTED, fontSize=13)
        .encode(text="text:N", x=alt.value(0), y=alt.value(10))
    )
    return themed(chart.properties(title=title, width=NARROW, height=24), lang)


STEP_LINES = 4
"""Lines a step's name may take beside its bar (a long name is wrapped, not cut off)."""
STEP_ROW = 13 * STEP_LINES + 14
"""Height of one step's row: room for its name's lines."""


def _with_step_names(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each step's name wrapped to the room beside the bars."""
    per_line = int(LABELS / 5.8)  # characters of the axis font that fit the label column
    names = [wrap_label(str(label), per_line, STEP_LINES) for label in frame["label"]]
    return frame.assign(step_name=names)


def _steps_axis() -> alt.Y:
    """The ideal journey's steps down the side, in their order (one sort for every layer),
    each name on as many lines as it needs (see :func:`_with_step_names`)."""
    order = alt.EncodingSortField("step", op="min")
    axis = alt.Axis(labelLimit=LABELS, labelExpr="split(datum.label, '\\n')", labelLineHeight=13)
    return alt.Y("step_name:N", sort=order, title=None, axis=axis)


def funnel_chart(data: JourneyData) -> Any:
    """Customers per ideal-journey step: the closed funnel (in order from step 1) as solid bars
    over the open funnel (reached the step at all) as light bars."""
    lang = data.language
    title = t("chart.funnel.title", lang)
    if data.funnel.empty or not data.source:
        return note(t("chart.no_data", lang), title, lang)
    frame = _with_step_names(data.funnel)
    frame["open_label"] = t("chart.funnel.open", lang)
    frame["closed_label"] = t("chart.funnel.closed", lang)
    typed = data.source == "typed"
    # Both counts beside the bars, not only in a tooltip: "1.931 (open 2.284)".
    frame["counts"] = [
        number(closed, lang)
        if typed or closed == opened
        else t("chart.funnel.counts", lang, closed=number(closed, lang), open=number(opened, lang))
        for closed, opened in zip(frame["closed"], frame["open"], strict=True)
    ]
    rises = not typed and bool((frame["open"].diff().fillna(0) > 0).any())
    y = _steps_axis()
    tooltip = [
        alt.Tooltip("label:N", title=t("chart.step", lang)),
        alt.Tooltip("phase:N", title=t("field.phase", lang)),
        alt.Tooltip("open:Q", title=t("chart.funnel.open", lang), format=","),
        alt.Tooltip("closed:Q", title=t("chart.funnel.closed", lang), format=","),
    ]
    scale = alt.Scale(
        domain=[t("chart.funnel.open", lang), t("chart.funnel.closed", lang)],
        range=[OPEN, CLOSED],
    )
    base = alt.Chart(frame).encode(y=y, tooltip=tooltip)
    # Below the step names as well as the bars (their whole width), so the long names of the
    # two funnels fit on a phone; the axis gets room for the count beside the longest bar.
    legend = alt.Legend(
        orient="none",
        direction="vertical",
        legendX=-LABELS,
        legendY=STEP_ROW * len(frame) + 44,
        labelLimit=LABELS + BARS,
    )
    top = float(frame["closed" if typed else "open"].max()) or 1.0
    axis = alt.Axis(tickCount=3)
    room = alt.Scale(domain=[0, top * (1.25 if typed else 1.9)], nice=False)
    open_bars = base.mark_bar(height={"band": 0.6}).encode(
        x=alt.X("open:Q", title=t("chart.customers", lang), axis=axis, scale=room),
        color=alt.Color("open_label:N", scale=scale, title=None, legend=legend),
    )
    closed_bars = base.mark_bar(height={"band": 0.34}).encode(
        x=alt.X("closed:Q", title=t("chart.customers", lang), axis=axis, scale=room),
        color=alt.Color("closed_label:N", scale=scale, title=None, legend=legend),
    )
    labels = base.mark_text(align="left", dx=4, color=INK).encode(
        x="closed:Q" if typed else "open:Q", text="counts:N"
    )
    layers = [closed_bars, labels] if typed else [open_bars, closed_bars, labels]
    # Where more people reach a step than the one before, say why (they joined later).
    heading = alt.TitleParams(
        title, subtitle=_lines(t("chart.funnel.rises", lang) if rises else "")
    )
    chart = alt.layer(*layers).properties(title=heading, width=BARS, height=alt.Step(STEP_ROW))
    return themed(chart, lang)


def dropoff_chart(data: JourneyData) -> Any:
    """Share of the closed funnel lost after each step, with the median time to the next."""
    lang = data.language
    title = t("chart.dropoff.title", lang)
    if data.funnel.empty or not data.source or len(data.funnel) < 2:
        return note(t("chart.no_data", lang), title, lang)
    frame = _with_step_names(data.funnel.iloc[:-1])
    times = {}
    if not data.timing.empty:
        times = dict(zip(data.timing["step"] - 1, data.timing["median_text"], strict=True))
    frame["next_time"] = [times.get(int(s), "–") for s in frame["step"]]
    y = _steps_axis()
    base = alt.Chart(frame).encode(
        y=y,
        tooltip=[
            alt.Tooltip("label:N", title=t("chart.step", lang)),
            alt.Tooltip("lost:Q", title=t("chart.dropoff.lost", lang), format=","),
            alt.Tooltip("drop_rate:Q", title=t("chart.dropoff.rate", lang), format=".0%"),
            alt.Tooltip("next_time:N", title=t("chart.dropoff.time", lang)),
        ],
    )
    bars = base.mark_bar(color=COLUMN_COLOURS["barrier"], height={"band": 0.4}).encode(
        x=alt.X(
            "drop_rate:Q",
            title=t("chart.dropoff.rate", lang),
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%", values=[0, 0.5, 1]),
        )
    )
    text = base.mark_text(align="left", dx=4, color=INK).encode(
        x="drop_rate:Q", text=alt.Text("drop_rate:Q", format=".0%")
    )
    return themed(
        alt.layer(bars, text).properties(title=title, width=BARS, height=alt.Step(STEP_ROW)), lang
    )


def paths_chart(data: JourneyData) -> Any:
    """The most common observed paths as rows of numbered steps (a step-flow chart), coloured
    by how each compares with the ideal order, with the customers taking it."""
    lang = data.language
    title = t("chart.paths.title", lang)
    if data.paths.empty:
        return note(t("chart.no_data", lang), title, lang)
    rows = []
    for _, path in data.paths.iterrows():
        numbers, cut = path_steps(str(path["path"]))
        shown: list[int | None] = [*numbers, *([None] if cut else [])]  # None: "…", it goes on
        for position, step in enumerate(shown, start=1):
            rows.append(
                {
                    "rank": int(path["rank"]),
                    "position": position,
                    "step": step,
                    "step_text": str(step) if step is not None else MORE,
                    "kind_label": path["kind_label"],
                    "labels": path["labels"],
                    "customers": int(path["customers"]),
                    "share": float(path["share"]),
                }
            )
    frame = pd.DataFrame(rows)
    longest = int(frame["position"].max())
    kinds = [k for k in KIND_COLOURS if k in set(data.paths["kind"])]
    colour = alt.Color(
        "kind_label:N",
        scale=alt.Scale(
            domain=[t(f"data.path.{k}", lang) for k in kinds],
            range=[KIND_COLOURS[k] for k in kinds],
        ),
        title=None,
    )
    y = alt.Y("rank:O", title=None, axis=alt.Axis(labelExpr="'#' + datum.value"))
    tooltip = [
        alt.Tooltip("labels:N", title=t("chart.paths.path", lang)),
        alt.Tooltip("kind_label:N", title=t("chart.paths.kind", lang)),
        alt.Tooltip("customers:Q", title=t("chart.customers", lang), format=","),
        alt.Tooltip("share:Q", title=t("chart.paths.share", lang), format=".1%"),
    ]
    x = alt.X(
        "position:Q",
        title=t("chart.paths.position", lang),
        scale=alt.Scale(domain=[0.5, longest + 0.5], nice=False, zero=False),
        axis=alt.Axis(values=list(range(1, longest + 1)), format="d", grid=False),
    )
    base = alt.Chart(frame).encode(x=x, y=y, tooltip=tooltip)
    links = base.mark_line(color=GRID, strokeWidth=3).encode(detail="rank:O")
    stepped = base.transform_filter("isValid(datum.step)")
    boxes = stepped.mark_square(size=330, opacity=1).encode(color=colour)
    numbers = stepped.mark_text(color="white", fontWeight=700).encode(text="step_text:N")
    more = base.transform_filter("!isValid(datum.step)").mark_text(color=INK, fontSize=16)
    more = more.encode(text="step_text:N")
    width = max(120, 27 * longest)
    flow = alt.layer(links, boxes, numbers, more).properties(width=width, height=alt.Step(30))
    totals = (
        alt.Chart(frame[frame["position"] == 1])
        .mark_text(align="left", color=INK)
        .encode(
            y=alt.Y("rank:O", axis=None),
            text=alt.Text("customers:Q", format=","),
            tooltip=tooltip,
        )
        .properties(width=60, height=alt.Step(30), title=t("chart.customers", lang))
    )
    return themed(alt.hconcat(flow, totals, spacing=8).properties(title=title), lang)


def channel_mix_chart(data: JourneyData) -> Any:
    """Per phase, the share of each channel (from the event log, else from traffic mapped to
    touchpoints); unmapped traffic keeps its own colour."""
    lang = data.language
    title = t("chart.channel_mix.title", lang)
    if data.mix.empty:
        return note(t("chart.no_data", lang), title, lang)
    frame = data.mix.copy()
    y = alt.Y(
        "phase:N", sort=alt.SortField("phase_order"), title=None, axis=alt.Axis(labelLimit=LABELS)
    )
    chart = (
        alt.Chart(frame)
        .mark_bar(height={"band": 0.7})
        .encode(
            y=y,
            x=alt.X(
                "count:Q",
                stack="normalize",
                title=t("chart.channel_mix.share", lang),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color("channel:N", title=None, legend=alt.Legend(columns=2, labelLimit=140)),
            order=alt.Order("count:Q", sort="descending"),
            tooltip=[
                alt.Tooltip("phase:N", title=t("field.phase", lang)),
                alt.Tooltip("channel:N", title=t("field.channel", lang)),
                alt.Tooltip("count:Q", title=_mix_count_title(data), format=","),
            ],
        )
    )
    heading = alt.TitleParams(title, subtitle=_lines(_unplaced_note(data)))
    return themed(chart.properties(title=heading, width=BARS + 40, height=alt.Step(30)), lang)


def _mix_count_title(data: JourneyData) -> str:
    """What the channel mix counts: customers (an event log) or sessions (traffic)."""
    counted = "customers" if "events" in set(data.mix["source"]) else "sessions"
    return t(f"chart.channel_mix.{counted}", data.language)


def _lines(text: str) -> list[str] | str:
    """A subtitle in lines that fit a phone beside nothing else (the charts are 310 px)."""
    return wrap_label(text, 52, 4).split("\n") if text else ""


def _unplaced_note(data: JourneyData) -> str:
    """How much of the traffic the rules give no channel or no phase ("" when all placed)."""
    lang = data.language
    if data.traffic.empty or data.mix.empty or set(data.mix["source"]) != {"traffic"}:
        return ""
    total = int(data.traffic["sessions"].sum())
    unplaced = int(data.mix.loc[data.mix["phase"] == t("data.no_phase", lang), "count"].sum())
    if not unplaced or not total:
        return ""
    share = f"{unplaced / total:.0%}"
    return t("chart.channel_mix.unplaced", lang, count=number(unplaced, lang), share=share)


def channel_funnel_chart(data: JourneyData) -> Any:
    """Per arrival channel (the channel a customer first came through), the share of its
    customers who reached each step in order from step 1: one row per channel, one column per
    step, each cell the share as a number and as a shade."""
    lang = data.language
    title = t("chart.channel_funnel.title", lang)
    if data.channel_funnel.empty:
        key = "chart.no_data" if data.source != "events" else "chart.channel_funnel.no_channels"
        return note(t(key, lang), title, lang)
    frame = data.channel_funnel.copy()
    # The channel's name, wrapped to the room beside the cells, and on the last line how many
    # customers it brought: a long name never hides the count.
    per_line = int(LABELS / 5.8)
    frame["row"] = [
        wrap_label(str(channel), per_line, 2) + f"\n({number(customers, lang)})"
        for channel, customers in zip(frame["channel"], frame["customers"], strict=True)
    ]
    frame["percent"] = [percent(share, lang, decimals=0) for share in frame["share"]]
    frame["dark"] = frame["share"] > 0.55
    steps = int(frame["step"].max())
    cell = max(24, min(36, BARS // steps))
    y = alt.Y(
        "row:N",
        sort=alt.EncodingSortField("customers", op="max", order="descending"),
        title=None,
        axis=alt.Axis(labelLimit=LABELS, labelExpr="split(datum.label, '\\n')", labelLineHeight=12),
    )
    x = alt.X(
        "step:O",
        title=t("chart.channel_funnel.step", lang),
        axis=alt.Axis(labelAngle=0, orient="top"),
    )
    tooltip = [
        alt.Tooltip("channel:N", title=t("field.channel", lang)),
        alt.Tooltip("label:N", title=t("chart.step", lang)),
        alt.Tooltip("closed:Q", title=t("chart.channel_funnel.reached", lang), format=","),
        alt.Tooltip("customers:Q", title=t("chart.channel_funnel.customers", lang), format=","),
        alt.Tooltip("share:Q", title=t("chart.channel_funnel.share", lang), format=".0%"),
    ]
    base = alt.Chart(frame).encode(x=x, y=y, tooltip=tooltip)
    # fill, not color: a scale of its own, never merged with another chart's colours
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        fill=alt.Fill(
            "share:Q",
            scale=alt.Scale(domain=[0, 1], range=["#f3f7fb", CLOSED]),
            legend=None,
        )
    )
    text = base.mark_text(fontSize=10).encode(
        text="percent:N",
        color=alt.condition("datum.dark", alt.value("white"), alt.value(INK)),
    )
    heading = alt.TitleParams(title, subtitle=_lines(t("chart.channel_funnel.subtitle", lang)))
    chart = alt.layer(cells, text).properties(
        title=heading, width=alt.Step(cell), height=alt.Step(34)
    )
    return themed(chart, lang)


def evidence_chart(data: JourneyData) -> Any:
    """How many cards and measures rest on data, and how many on assumption."""
    lang = data.language
    title = t("chart.evidence.title", lang)
    if data.evidence.empty:
        return note(t("chart.no_data", lang), title, lang)
    frame = (
        data.evidence.groupby(["kind_label", "basis", "basis_label"], as_index=False)
        .size()
        .rename(columns={"size": "count"})
    )
    chart = (
        alt.Chart(frame)
        .mark_bar(height={"band": 0.6})
        .encode(
            y=alt.Y("kind_label:N", title=None),
            x=alt.X("count:Q", title=t("chart.evidence.count", lang)),
            color=alt.Color(
                "basis_label:N",
                scale=alt.Scale(
                    domain=[t("basis.data", lang), t("basis.assumption", lang)],
                    range=[COLUMN_COLOURS["positive"], MUTED],
                ),
                title=None,
            ),
            tooltip=[
                alt.Tooltip("kind_label:N", title=t("chart.evidence.kind", lang)),
                alt.Tooltip("basis_label:N", title=t("chart.evidence.basis", lang)),
                alt.Tooltip("count:Q", title=t("chart.evidence.count", lang)),
            ],
        )
    )
    return themed(chart.properties(title=title, width=BARS + 60, height=alt.Step(34)), lang)


DATA_CHARTS: dict[str, Callable[[JourneyData], Any]] = {
    "funnel": funnel_chart,
    "dropoff": dropoff_chart,
    "paths": paths_chart,
    "channel_mix": channel_mix_chart,
    "channel_funnel": channel_funnel_chart,
    "evidence": evidence_chart,
}
"""Every data chart by name."""


__all__ = [
    "DATA_CHARTS",
    "channel_funnel_chart",
    "channel_mix_chart",
    "dropoff_chart",
    "evidence_chart",
    "funnel_chart",
    "note",
    "paths_chart",
]
