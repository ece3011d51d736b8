"""The data behind the journey in HTML: what was imported, what stays unmapped, the funnel and
paths as tables, and which cards and measures rest on data. Every text is escaped."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from klantreis.analytics.results import JourneyData
from klantreis.charts.data import DATA_CHARTS
from klantreis.charts.static import StaticCharts
from klantreis.i18n import Language, number, percent, t
from klantreis.report.markup import section, table, text_table


def data_summary_html(data: JourneyData, lang: Language) -> str:
    """One line per kind of data: what is there."""
    lines = []
    if not data.traffic.empty:
        lines.append(
            t(
                "data.loaded.traffic",
                lang,
                sources=len(data.traffic),
                sessions=number(float(data.traffic["sessions"].sum()), lang),
                unmapped=int((~data.traffic["mapped"].astype(bool)).sum()),
            )
        )
    if data.source == "events":
        lines.append(
            t(
                "data.loaded.events",
                lang,
                customers=number(data.customers, lang),
                mapped=number(data.mapped_customers, lang),
            )
        )
    elif data.source == "typed":
        lines.append(t("data.loaded.typed", lang))
    if not lines:
        lines.append(t("data.loaded.none", lang))
    return "".join(f"<div>{escape(line)}</div>" for line in lines)


Table = tuple[list[str], list[list[Any]]]
"""Headers and rows: shown as HTML in the report, as text by ``klantreis data show``."""


def unmapped_tables(data: JourneyData, lang: Language) -> list[tuple[str, Table]]:
    """The events, channel values and sources no rule maps, most frequent first (they are never
    dropped), each with its title."""
    found = []
    if not data.unmapped_events.empty:
        table_ = _counted(data.unmapped_events, "event", "events", lang)
        found.append(("data.unmapped_events", table_))
    if not data.unmapped_channels.empty:
        table_ = _counted(data.unmapped_channels, "channel", "events", lang)
        found.append(("data.unmapped_channels", table_))
    if not data.traffic.empty:
        unmapped = data.traffic[~data.traffic["mapped"].astype(bool)]
        if not unmapped.empty:
            table_ = _counted(unmapped, "source_medium", "sessions", lang)
            found.append(("data.unmapped_traffic", table_))
    return found


def _counted(frame: Any, name: str, count: str, lang: Language) -> Table:
    """Two columns of ``frame``, a name and its count, headed by their catalogue labels."""
    rows = [[value, number(n, lang)] for value, n in zip(frame[name], frame[count], strict=True)]
    return [t(f"data.column.{name}", lang), t(f"data.column.{count}", lang)], rows


def unmapped_html(data: JourneyData, lang: Language) -> str:
    """The events, channel values and sources no rule maps (see :func:`unmapped_tables`)."""
    return "".join(_titled(key, lang, table(*found)) for key, found in unmapped_tables(data, lang))


Column = tuple[str, Callable[[Any], Any]]
"""A table's column: the catalogue key of its header ("#" stays as it is) and a row's cell."""


def _frame_table(frame: Any, columns: list[Column], lang: Language) -> Table | None:
    """The rows of ``frame`` as a table of ``columns``; None when the frame is empty."""
    if frame.empty:
        return None
    headers = [key if key == "#" else t(key, lang) for key, _ in columns]
    return headers, [[cell(row) for _, cell in columns] for row in frame.itertuples()]


def _count(name: str, lang: Language) -> Callable[[Any], str]:
    """A cell with the row's whole number ``name``, written the language's way."""
    return lambda row: number(float(getattr(row, name)), lang)


def _share(name: str, lang: Language) -> Callable[[Any], str]:
    """A cell with the row's share ``name`` as a percentage."""
    return lambda row: percent(float(getattr(row, name)), lang)


def funnel_table(data: JourneyData, lang: Language) -> Table | None:
    """The funnel: open and closed counts, drop-off and median time per step."""
    times = {}
    if not data.timing.empty:
        times = dict(zip(data.timing["step"], data.timing["median_text"], strict=True))
    timed = data.source == "events"
    columns: list[Column] = [
        ("chart.step", lambda row: row.label),
        ("field.phase", lambda row: row.phase),
        ("chart.funnel.open", _count("open", lang)),
        ("chart.funnel.closed", _count("closed", lang)),
        ("chart.dropoff.rate", _share("drop_rate", lang)),
        ("data.column.time_from_previous", lambda row: times.get(row.step, "–") if timed else "–"),
    ]
    return _frame_table(data.funnel, columns, lang)


def funnel_html(data: JourneyData, lang: Language) -> str:
    """The funnel as a table (see :func:`funnel_table`)."""
    return _titled_table("chart.funnel.title", funnel_table(data, lang), lang)


def paths_table(data: JourneyData, lang: Language) -> Table | None:
    """The most common paths with their customers and how they compare with the ideal order."""
    columns: list[Column] = [
        ("#", lambda row: row.rank),
        ("chart.paths.path", lambda row: str(row.path).replace(">", " → ")),
        ("chart.customers", _count("customers", lang)),
        ("chart.paths.share", _share("share", lang)),
        ("chart.paths.kind", lambda row: row.kind_label),
    ]
    return _frame_table(data.paths, columns, lang)


def paths_html(data: JourneyData, lang: Language) -> str:
    """The most common paths as a table (see :func:`paths_table`)."""
    return _titled_table("chart.paths.title", paths_table(data, lang), lang)


def channels_table(data: JourneyData, lang: Language) -> Table | None:
    """Customers per arrival channel: how many each brought, their share, and how many of
    them went through the whole journey in order."""
    columns: list[Column] = [
        ("data.column.arrival_channel", lambda row: row.channel),
        ("data.column.customers", _count("customers", lang)),
        ("data.column.customer_share", _share("share", lang)),
        ("data.column.completed", _count("completed", lang)),
        ("data.column.conversion", _share("conversion", lang)),
    ]
    return _frame_table(data.arrivals, columns, lang)


def channels_html(data: JourneyData, lang: Language) -> str:
    """Customers per arrival channel as a table (see :func:`channels_table`)."""
    return _titled_table("data.channels.title", channels_table(data, lang), lang)


def traffic_table(data: JourneyData, lang: Language) -> Table | None:
    """Sessions per source / medium, with the channel and touchpoint the rules give it."""
    if data.traffic.empty:  # it may have no columns to sort by
        return None
    ordered = data.traffic.sort_values("sessions", ascending=False, kind="mergesort")
    columns: list[Column] = [
        ("data.column.source_medium", lambda row: row.source_medium),
        ("data.column.channel", lambda row: row.channel),
        ("field.touchpoint_id", lambda row: row.touchpoint or "–"),
        ("data.column.sessions", _count("sessions", lang)),
    ]
    return _frame_table(ordered, columns, lang)


def data_lines(data: JourneyData, lang: Language) -> list[str]:
    """What ``klantreis data show`` prints: the funnel, the paths, the traffic and what no rule
    maps, as aligned text in the workshop's language."""
    if not data.has_data:
        return [t("chart.no_data", lang)]
    lines: list[str] = []
    for key, found in (
        ("chart.funnel.title", funnel_table(data, lang)),
        ("chart.paths.title", paths_table(data, lang)),
        ("data.channels.title", channels_table(data, lang)),
        ("data.traffic.title", traffic_table(data, lang)),
    ):
        if found:
            lines += [f"{t(key, lang)}:", *text_table(*found), ""]
    if data.unmapped_event_count:
        events = number(data.unmapped_event_count, lang)
        lines.append(
            t("cli.data.show.unmapped", lang, count=events, names=data.unmapped_event_names)
        )
    if data.unmapped_channel_count:
        events = number(data.unmapped_channel_count, lang)
        lines.append(t("cli.data.show.unmapped_channels", lang, count=events))
    for key, found in unmapped_tables(data, lang):
        lines += [f"{t(key, lang)}:", *text_table(*found)]
    return lines


def evidence_html(data: JourneyData, lang: Language) -> str:
    """Each measure and card: data or assumption, and why."""
    if data.evidence.empty:
        return ""
    rows = [
        [row.kind_label, row.text, row.basis_label, row.reason]
        for row in data.evidence.sort_values(["kind", "basis"], kind="mergesort").itertuples()
    ]
    headers = [
        t("chart.evidence.kind", lang),
        t("field.text", lang),
        t("chart.evidence.basis", lang),
        t("data.column.why", lang),
    ]
    return _titled("chart.evidence.title", lang, table(headers, rows))


def _titled(key: str, lang: Language, html: str) -> str:
    return f"<h4>{escape(t(key, lang))}</h4>{html}"


def _titled_table(key: str, found: Table | None, lang: Language) -> str:
    """A table under its title, or nothing when there is no table."""
    return _titled(key, lang, table(*found)) if found else ""


def data_section_html(data: JourneyData, charts: StaticCharts) -> str:
    """The report's section about the data: explanation, charts and tables."""
    lang = data.language
    if not data.has_data:
        return section(t("data.results.title", lang), f"<p>{escape(t('chart.no_data', lang))}</p>")
    explain = "".join(f"<p>{escape(p)}</p>" for p in t("data.explain", lang).split("\n\n"))
    parts = [explain]
    for name, build in DATA_CHARTS.items():
        parts.append(charts.fragment(build(data), t(f"chart.{name}.title", lang)))
        if name == "dropoff":
            parts.append(funnel_html(data, lang))
        if name == "paths":
            parts.append(paths_html(data, lang))
        if name == "channel_funnel":
            parts.append(channels_html(data, lang))
    parts.append(evidence_html(data, lang))
    parts.append(unmapped_html(data, lang))
    return section(t("data.results.title", lang), *parts)


__all__ = [
    "Table",
    "channels_html",
    "channels_table",
    "data_lines",
    "data_section_html",
    "data_summary_html",
    "evidence_html",
    "funnel_html",
    "funnel_table",
    "paths_html",
    "paths_table",
    "traffic_table",
    "unmapped_html",
    "unmapped_tables",
]
