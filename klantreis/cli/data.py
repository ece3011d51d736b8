"""``klantreis data``: the analytics data of a workshop (traffic, events, rules, counts), shown
and imported through the service."""

from __future__ import annotations

import json
from pathlib import Path

import click

from klantreis.cli.group import KlantreisGroup, db_option, help_text, main, open_service, read_file
from klantreis.i18n import number, t


@main.group("data", cls=KlantreisGroup, help=help_text("cli.data.help"))
def data_group() -> None:
    """Analytics data of a workshop: ``klantreis data traffic|events|rules|counts|show|sample``."""


@data_group.command("traffic", help=help_text("cli.data.traffic.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.pass_context
def data_traffic_command(
    ctx: click.Context, directory: Path, file: Path, db_url: str | None
) -> None:
    service = open_service(ctx, directory, db_url)
    frame = service.import_traffic(read_file(file))
    click.echo(
        t(
            "cli.data.traffic.done",
            service.language,
            sources=number(len(frame), service.language),
            sessions=number(int(frame["sessions"].sum()), service.language),
        )
    )


@data_group.command("events", help=help_text("cli.data.events.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--customer", metavar="COLUMN", help=help_text("cli.option.column.customer"))
@click.option("--time", "time_column", metavar="COLUMN", help=help_text("cli.option.column.time"))
@click.option("--event", metavar="COLUMN", help=help_text("cli.option.column.event"))
@click.option("--channel", metavar="COLUMN", help=help_text("cli.option.column.channel"))
@db_option
@click.pass_context
def data_events_command(
    ctx: click.Context,
    directory: Path,
    file: Path,
    customer: str | None,
    time_column: str | None,
    event: str | None,
    channel: str | None,
    db_url: str | None,
) -> None:
    service = open_service(ctx, directory, db_url)
    chosen = {"customer": customer, "time": time_column, "event": event, "channel": channel}
    columns = {role: name for role, name in chosen.items() if name}
    info = service.import_events(file, columns)
    lang = service.language
    events = t("count.events", lang, count=number(info.events, lang))
    customers = t("count.customers", lang, count=number(info.customers, lang))
    click.echo(
        t(
            "cli.data.events.done",
            lang,
            events=events,
            customers=customers,
            first=info.first,
            last=info.last,
        )
    )
    for line in info.column_lines(lang):
        click.echo(line)


@data_group.command("rules", help=help_text("cli.data.rules.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.pass_context
def data_rules_command(
    ctx: click.Context, directory: Path, file: Path | None, db_url: str | None
) -> None:
    service = open_service(ctx, directory, db_url)
    if file is not None:
        rules = service.import_rules(read_file(file))
        click.echo(
            t(
                "cli.data.rules.done",
                service.language,
                channels=len(rules.channels),
                steps=len(rules.steps),
            )
        )
        return
    rules = service.analytics_data().rules(service.language)
    click.echo(json.dumps(rules.model_dump(mode="json"), indent=2, ensure_ascii=False))


@data_group.command("counts", help=help_text("cli.data.counts.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("counts", nargs=-1)
@db_option
@click.pass_context
def data_counts_command(
    ctx: click.Context, directory: Path, counts: tuple[str, ...], db_url: str | None
) -> None:
    from klantreis.domain import ImportFailed

    service = open_service(ctx, directory, db_url)
    changes: dict[int, int | None] = {}
    for item in counts:
        step, equals, count = (part.strip() for part in item.partition("="))
        if not equals or not step.isdecimal() or not (count.isdecimal() or count == ""):
            raise ImportFailed("error.counts_invalid")
        changes[int(step)] = int(count) if count else None  # "3=" clears step 3
    now = service.set_counts(changes)
    lang = service.language
    click.echo(t("cli.data.counts.done", lang, steps=len(changes)))
    listed = ", ".join(f"{step}: {number(count, lang)}" for step, count in sorted(now.items()))
    click.echo(t("cli.data.counts.now", lang, counts=listed or "-"))


@data_group.command("show", help=help_text("cli.data.show.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--engine",
    "engine_name",
    type=click.Choice(["duckdb", "pandas"]),
    default="duckdb",
    show_default=True,
    help=help_text("cli.option.engine"),
)
@db_option
@click.pass_context
def data_show_command(
    ctx: click.Context, directory: Path, engine_name: str, db_url: str | None
) -> None:
    from klantreis.analytics.results import journey_data
    from klantreis.report.data import data_lines

    service = open_service(ctx, directory, db_url)
    data = service.analytics_data()
    result = journey_data(service.snapshot(), data, engine_name)  # type: ignore[arg-type]
    for line in data_lines(result, service.language):
        click.echo(line)


@data_group.command("sample", help=help_text("cli.data.sample.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--events", type=int, default=20_000, show_default=True, help=help_text("cli.option.events")
)
@click.option("--seed", type=int, default=7, show_default=True, help=help_text("cli.option.seed"))
@db_option
@click.pass_context
def data_sample_command(
    ctx: click.Context, directory: Path, events: int, seed: int, db_url: str | None
) -> None:
    from klantreis.analytics.sample import import_sample

    service = open_service(ctx, directory, db_url)
    target = directory / "exports" / "sample"
    written = import_sample(service, target, events, seed)
    lang = service.language
    click.echo(t("cli.data.sample.done", lang, events=number(written, lang), path=str(target)))
