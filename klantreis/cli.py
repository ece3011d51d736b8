"""The ``klantreis`` command. Each command is a thin call into the folder, exchange or service API.

Errors are printed as one line in the user's language with a non-zero exit code; set
``KLANTREIS_DEBUG=1`` to see the traceback of an unexpected error.

Only the standard library, click and the catalogue load at start-up: ``klantreis --help`` and
``klantreis templates`` answer at once, and each command loads what it uses (the models, the
database, pandas, DuckDB, the widgets) when it runs (``benchmarks/cli_startup.py`` measures it).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from klantreis import __version__
from klantreis.exchange.templates import (
    DEFAULT_TEMPLATE,
    template_languages,
    template_names,
    template_title,
)
from klantreis.i18n import LANGUAGES, Language, number, t
from klantreis.settings import cli_language, database_env, debug

if TYPE_CHECKING:
    from klantreis.service import Service

LANG: Language = cli_language()


def _help(key: str) -> str:
    return t(key, LANG)


class _Group(click.Group):
    """Turns every known error into one translated line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The reader (e.g. `| head`) stopped reading: not an error worth a message.
            sys.stderr.close()
            sys.exit(0)
        except Exception as exc:
            from klantreis.domain import KlantreisError  # loaded by then: the command used it

            language = ctx.meta.get("klantreis.lang", LANG)
            if isinstance(exc, KlantreisError):
                _fail(exc.message(language), language)
            if isinstance(exc, OSError):
                detail, path = exc.strerror or str(exc), exc.filename or ""
                _fail(t("error.os", language, detail=detail, path=path), language)
            if debug():
                raise
            _fail(t("error.unexpected_cli", language, kind=type(exc).__name__), language, code=2)


def _fail(message: str, language: Language, code: int = 1) -> NoReturn:
    """One line on standard error, its prefix in the language of its message."""
    click.echo(t("cli.error_prefix", language) + message, err=True)
    sys.exit(code)


_db_option = click.option(
    "--db",
    "db_url",
    metavar="URL",
    default=None,
    help=_help("cli.option.db"),
)

_out_file_option = click.option(
    "--out", type=click.Path(path_type=Path), default=None, help=_help("cli.option.out_file")
)
"""``--out PATH`` of a command that writes one file (``-``: standard output)."""


def _format_option(
    choices: list[str], help_key: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format`` with its choices, the first the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=_help(help_key),
    )


_lang_option = click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGES),
    default=LANG,
    show_default=True,
    help=_help("cli.option.lang"),
)


@click.group(cls=_Group, help=_help("cli.help"))
@click.version_option(__version__, prog_name="klantreis")
def main() -> None:
    """Entry point of the ``klantreis`` command."""


@main.command("init", help=_help("cli.init.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--template",
    "template",
    default=DEFAULT_TEMPLATE,
    show_default=True,
    help=_help("cli.option.template"),
)
@_lang_option
@click.option("--title", default=None, help=_help("cli.option.title"))
@_db_option
@click.pass_context
def init_command(
    ctx: click.Context,
    directory: Path,
    template: str,
    language: Language,
    title: str | None,
    db_url: str | None,
) -> None:
    from klantreis.exchange.templates import load_template
    from klantreis.folder import create_folder

    ctx.meta["klantreis.lang"] = language
    document = load_template(template, language)
    changes = {"title": title} if title else {}
    service = create_folder(directory, document, db_url, **changes)
    workshop = service.workshop()
    click.echo(
        t(
            "cli.init.done",
            language,
            title=workshop.title,
            path=str(directory),
            template=template,
            language=language,
        )
    )


@main.command("templates", help=_help("cli.templates.help"))
def templates_command() -> None:
    for name in template_names():
        languages = template_languages(name)
        title = template_title(name, LANG if LANG in languages else languages[0])
        click.echo(f"{name:<12} {'/'.join(languages):<6} {title}")


@main.command("import", help=_help("cli.import.help"))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=None, help=_help("cli.option.title"))
@_db_option
@click.pass_context
def import_command(
    ctx: click.Context, file: Path, directory: Path, title: str | None, db_url: str | None
) -> None:
    from klantreis.domain import ImportFailed
    from klantreis.exchange.document import load_document
    from klantreis.folder import create_folder

    if not file.is_file():
        raise ImportFailed("error.import_unreadable", path=str(file))
    document = load_document(file)
    ctx.meta["klantreis.lang"] = document.workshop.language
    changes = {"title": title} if title else {}
    service = create_folder(directory, document, db_url, **changes)
    snapshot = service.snapshot()
    lang = snapshot.workshop.language
    click.echo(
        t(
            "cli.import.done",
            lang,
            title=snapshot.workshop.title,
            path=str(directory),
            cards=t("count.cards", lang, count=len(snapshot.cards)),
            measures=t("count.measures", lang, count=len(snapshot.measures)),
            steps=t("count.steps", lang, count=len(snapshot.steps)),
        )
    )


@main.command("export", help=_help("cli.export.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@_format_option(["json", "csv"], "cli.option.format")
@_out_file_option
@_db_option
@click.pass_context
def export_command(
    ctx: click.Context, directory: Path, fmt: str, out: Path | None, db_url: str | None
) -> None:
    from klantreis.exchange.document import document_from_snapshot
    from klantreis.exchange.tabular import export_csv

    snapshot = _service(ctx, directory, db_url).snapshot()
    language = snapshot.workshop.language
    if fmt == "json":
        if _to_stdout(out):
            click.echo(document_from_snapshot(snapshot).to_json())
            return
        target = out or directory / "exports" / "workshop.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(document_from_snapshot(snapshot).to_json(), encoding="utf-8")
        click.echo(t("cli.export.done", language, path=str(target)))
    else:
        if _to_stdout(out):
            _fail(t("cli.out.not_stdout", language, format="csv"), language)
        folder = out or directory / "exports" / "csv"
        for path in export_csv(snapshot, folder):
            click.echo(t("cli.export.done", language, path=str(path)))


@main.command("info", help=_help("cli.info.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@_db_option
@click.pass_context
def info_command(ctx: click.Context, directory: Path, db_url: str | None) -> None:
    from klantreis.folder import WorkshopFolder
    from klantreis.overview import overview
    from klantreis.store.connection import masked

    folder = WorkshopFolder.load(directory)
    snap = _service(ctx, directory, db_url).snapshot()
    lines = overview(snap, masked(folder.database_url(db_url)))
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        click.echo(f"{label:<{width}}  {value}")


@main.command("lab", help=_help("cli.lab.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", type=int, default=8888, show_default=True, help=_help("cli.option.port"))
@click.option("--no-browser", is_flag=True, default=False, help=_help("cli.option.no_browser"))
@_db_option
@click.pass_context
def lab_command(
    ctx: click.Context, directory: Path, port: int, no_browser: bool, db_url: str | None
) -> None:
    from klantreis.charts.bundles import ensure_bundles
    from klantreis.guide.notebooks import copy_notebooks
    from klantreis.serve.commands import jupyter_env, lab_argv
    from klantreis.serve.processes import run_until_stopped, start_server, stop_requests

    language = _service(ctx, directory, db_url).language
    notebooks = copy_notebooks(directory, language)
    click.echo(t("cli.lab.preparing", language))
    ensure_bundles()
    extra = database_env(db_url)
    env = jupyter_env(directory, **extra)
    command = lab_argv(
        directory, port, open_path=f"notebooks/{notebooks[0].name}", browser=not no_browser
    )
    click.echo(t("cli.lab.starting", language, path=str(directory)))
    with stop_requests() as requested:
        run_until_stopped([start_server(command, env, Path.cwd())], requested=requested)


@main.command("materials", help=_help("cli.materials.help"))
@_lang_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("workshop-materials"),
    show_default=True,
    help=_help("cli.option.out"),
)
@click.option("--pdf", is_flag=True, default=False, help=_help("cli.option.pdf"))
@click.pass_context
def materials_command(ctx: click.Context, language: Language, out: Path, pdf: bool) -> None:
    from klantreis.guide.materials import write_materials
    from klantreis.report.pdf import print_pdf

    ctx.meta["klantreis.lang"] = language
    for path in write_materials(out, (language,)):
        click.echo(t("cli.materials.done", language, path=str(path)))
        if pdf:
            printed = print_pdf(path, path.with_suffix(".pdf"))
            click.echo(t("cli.materials.done", language, path=str(printed)))


@main.command("serve", help=_help("cli.serve.help"))
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help=_help("cli.option.host"))
@click.option("--port", type=int, default=8866, show_default=True, help=_help("cli.option.port"))
@click.option(
    "--drop-after",
    type=click.IntRange(1, 24 * 60),
    default=10,
    show_default=True,
    help=_help("cli.option.drop_after"),
)
@click.option("--public-url", default=None, help=_help("cli.option.public_url"))
@_db_option
@click.pass_context
def serve_command(
    ctx: click.Context,
    directory: Path | None,
    host: str,
    port: int,
    drop_after: int,
    public_url: str | None,
    db_url: str | None,
) -> None:
    from klantreis.exchange.templates import load_template
    from klantreis.folder import create_folder
    from klantreis.serve.allocator import restart_on_system_allocator
    from klantreis.serve.processes import stop_requests

    if sys.argv[1:2] == ["serve"]:  # the command itself, not a test calling it in-process
        restart_on_system_allocator(sys.argv[1:])
    folder = directory or Path("demo-workshop")
    if directory is None and not (folder / "klantreis.json").exists():
        create_folder(folder, load_template("orchestra", LANG), db_url)
    language = _service(ctx, folder, db_url).language
    # Stop signals are caught from before the first server starts: one that comes while the
    # room starts (or right after it said it is open) stops it cleanly too.
    with stop_requests() as requested:
        _serve_room(folder, language, requested, host, port, db_url, public_url, drop_after)
    click.echo(t("cli.serve.stopped", language, path=str(folder)))
    # Everything is saved and every server stopped; threads of pages that were cut off mid-way
    # must not keep the process (and the terminal) waiting.
    sys.stdout.flush()
    os._exit(0)


def _serve_room(
    folder: Path,
    language: Language,
    requested: threading.Event,
    host: str,
    port: int,
    db_url: str | None,
    public_url: str | None,
    drop_after: int,
) -> None:
    """Start the room, say where it is, and serve until a stop is ``requested``."""
    from klantreis.domain import KlantreisError
    from klantreis.widgets.room.server import RoomServer

    click.echo(t("cli.serve.preparing", language))
    room = RoomServer(
        folder,
        host=host,
        port=port,
        db_url=db_url,
        public_url=public_url,
        drop_after=drop_after * 60,
    )
    room.start()
    try:
        room.wait_ready()
    except RuntimeError:
        room.stop()
        raise KlantreisError("cli.serve.failed", path=str(folder / "logs")) from None
    click.echo(
        t(
            "cli.serve.ready",
            language,
            join_url=room.join_url,
            code=room.keys.join_code,
            console_url=room.console_url,
            token=room.keys.facilitator_token,
            dashboard_url=room.dashboard_url,
        )
    )
    room.run_until_stopped(requested)


@main.command("compare", help=_help("cli.compare.help"))
@click.argument("before", type=click.Path(file_okay=False, path_type=Path))
@click.argument("after", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def compare_command(ctx: click.Context, before: Path, after: Path) -> None:
    from klantreis.report.compare import compare_folders, comparison_lines

    differences, language = compare_folders(before, after)
    ctx.meta["klantreis.lang"] = language
    for line in comparison_lines(differences, before.name, after.name, language):
        click.echo(line)


@main.command("dashboard", help=_help("cli.dashboard.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help=_help("cli.option.host"))
@click.option("--port", type=int, default=8870, show_default=True, help=_help("cli.option.port"))
@_db_option
@click.pass_context
def dashboard_command(
    ctx: click.Context, directory: Path, host: str, port: int, db_url: str | None
) -> None:
    from klantreis.charts.bundles import ensure_bundles
    from klantreis.serve.commands import app_notebook, jupyter_env, voila_argv
    from klantreis.serve.network import room_address
    from klantreis.serve.processes import run_until_stopped, start_server, stop_requests

    language = _service(ctx, directory, db_url).language
    ensure_bundles()
    extra = database_env(db_url)
    with stop_requests() as requested:
        process = start_server(
            voila_argv(app_notebook("dashboard"), port, host),
            jupyter_env(directory, **extra),
            directory,
        )
        url = f"http://{room_address(host)}:{port}/"
        click.echo(t("cli.dashboard.ready", language, url=url))
        run_until_stopped([process], requested=requested)


@main.command("publish", help=_help("cli.publish.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help=_help("cli.option.out"),
)
@_db_option
@click.pass_context
def publish_command(ctx: click.Context, directory: Path, out: Path, db_url: str | None) -> None:
    from klantreis.exchange.document import document_from_snapshot
    from klantreis.exchange.tabular import export_csv
    from klantreis.folder import data_folder
    from klantreis.report.export import export_report_html

    snapshot = _service(ctx, directory, db_url).snapshot()
    language = snapshot.workshop.language
    out.mkdir(parents=True, exist_ok=True)
    written = [export_report_html(snapshot, data_folder(directory), out / "index.html")]
    data = out / "workshop.json"
    data.write_text(document_from_snapshot(snapshot).to_json(), encoding="utf-8")
    written += [data, *export_csv(snapshot, out / "csv")]
    for path in written:
        click.echo(t("cli.export.done", language, path=str(path)))


@main.command("report", help=_help("cli.report.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@_format_option(["html", "pdf"], "cli.option.report_format")
@_out_file_option
@_db_option
@click.pass_context
def report_command(
    ctx: click.Context, directory: Path, fmt: str, out: Path | None, db_url: str | None
) -> None:
    from klantreis.folder import data_folder
    from klantreis.report.export import export_report_html
    from klantreis.report.pdf import print_pdf

    snapshot = _service(ctx, directory, db_url).snapshot()
    data = data_folder(directory)
    if _to_stdout(out):  # made in a scratch folder, then written out whole
        import tempfile

        with tempfile.TemporaryDirectory(prefix="klantreis-report-") as scratch:
            html_file = export_report_html(snapshot, data, Path(scratch) / "report.html")
            made = print_pdf(html_file, html_file.with_suffix(".pdf")) if fmt == "pdf" else None
            sys.stdout.buffer.write((made or html_file).read_bytes())
            sys.stdout.flush()
        return
    target = out or directory / "exports" / f"report.{fmt}"
    html_file = export_report_html(
        snapshot, data, target if fmt == "html" else target.with_suffix(".html")
    )
    if fmt == "pdf":
        print_pdf(html_file, target)
    click.echo(t("cli.export.done", snapshot.workshop.language, path=str(target)))


@main.group("data", cls=_Group, help=_help("cli.data.help"))
def data_group() -> None:
    """Analytics data of a workshop: ``klantreis data traffic|events|rules|counts|show|sample``."""


def _to_stdout(out: Path | None) -> bool:
    """``--out -``: standard output, as command-line tools take it."""
    return out is not None and str(out) == "-"


def _service(ctx: click.Context, directory: Path, db_url: str | None) -> Service:
    """Open the workshop in ``directory``; from then on errors are in its language."""
    from klantreis.folder import open_folder

    service = open_folder(directory, db_url)
    ctx.meta["klantreis.lang"] = service.language
    return service


def _data(directory: Path, db_url: str | None, ctx: click.Context) -> tuple[Service, Any]:
    from klantreis.analytics.storage import DataFolder

    return _service(ctx, directory, db_url), DataFolder(directory)


@data_group.command("traffic", help=_help("cli.data.traffic.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_db_option
@click.pass_context
def data_traffic_command(
    ctx: click.Context, directory: Path, file: Path, db_url: str | None
) -> None:
    service, data = _data(directory, db_url, ctx)
    frame = service.import_traffic(data, _read_file(file))
    click.echo(
        t(
            "cli.data.traffic.done",
            service.language,
            sources=number(len(frame), service.language),
            sessions=number(int(frame["sessions"].sum()), service.language),
        )
    )


@data_group.command("events", help=_help("cli.data.events.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--customer", metavar="COLUMN", help=_help("cli.option.column.customer"))
@click.option("--time", "time_column", metavar="COLUMN", help=_help("cli.option.column.time"))
@click.option("--event", metavar="COLUMN", help=_help("cli.option.column.event"))
@click.option("--channel", metavar="COLUMN", help=_help("cli.option.column.channel"))
@_db_option
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
    service, data = _data(directory, db_url, ctx)
    chosen = {"customer": customer, "time": time_column, "event": event, "channel": channel}
    columns = {role: name for role, name in chosen.items() if name}
    info = service.import_events(data, file, columns)
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


@data_group.command("rules", help=_help("cli.data.rules.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_db_option
@click.pass_context
def data_rules_command(
    ctx: click.Context, directory: Path, file: Path | None, db_url: str | None
) -> None:
    service, data = _data(directory, db_url, ctx)
    if file is not None:
        rules = service.import_rules(data, _read_file(file))
        click.echo(
            t(
                "cli.data.rules.done",
                service.language,
                channels=len(rules.channels),
                steps=len(rules.steps),
            )
        )
        return
    rules = data.rules(service.language)
    click.echo(json.dumps(rules.model_dump(mode="json"), indent=2, ensure_ascii=False))


@data_group.command("counts", help=_help("cli.data.counts.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("counts", nargs=-1)
@_db_option
@click.pass_context
def data_counts_command(
    ctx: click.Context, directory: Path, counts: tuple[str, ...], db_url: str | None
) -> None:
    from klantreis.domain import ImportFailed

    service, data = _data(directory, db_url, ctx)
    changes: dict[int, int | None] = {}
    for item in counts:
        step, equals, count = (part.strip() for part in item.partition("="))
        if not equals or not step.isdecimal() or not (count.isdecimal() or count == ""):
            raise ImportFailed("error.counts_invalid")
        changes[int(step)] = int(count) if count else None  # "3=" clears step 3
    now = service.set_counts(data, changes)
    lang = service.language
    click.echo(t("cli.data.counts.done", lang, steps=len(changes)))
    listed = ", ".join(f"{step}: {number(count, lang)}" for step, count in sorted(now.items()))
    click.echo(t("cli.data.counts.now", lang, counts=listed or "-"))


@data_group.command("show", help=_help("cli.data.show.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--engine",
    "engine_name",
    type=click.Choice(["duckdb", "pandas"]),
    default="duckdb",
    show_default=True,
    help=_help("cli.option.engine"),
)
@_db_option
@click.pass_context
def data_show_command(
    ctx: click.Context, directory: Path, engine_name: str, db_url: str | None
) -> None:
    from klantreis.analytics.results import journey_data
    from klantreis.report.data import data_lines

    service, data = _data(directory, db_url, ctx)
    result = journey_data(service.snapshot(), data, engine_name)  # type: ignore[arg-type]
    for line in data_lines(result, service.language):
        click.echo(line)


@data_group.command("sample", help=_help("cli.data.sample.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--events", type=int, default=20_000, show_default=True, help=_help("cli.option.events")
)
@click.option("--seed", type=int, default=7, show_default=True, help=_help("cli.option.seed"))
@_db_option
@click.pass_context
def data_sample_command(
    ctx: click.Context, directory: Path, events: int, seed: int, db_url: str | None
) -> None:
    from klantreis.analytics.sample import import_sample

    service, data = _data(directory, db_url, ctx)
    target = directory / "exports" / "sample"
    written = import_sample(service, data, target, events, seed)
    lang = service.language
    click.echo(t("cli.data.sample.done", lang, events=number(written, lang), path=str(target)))


def _read_file(path: Path) -> bytes:
    from klantreis.domain import ImportFailed

    if not path.is_file():
        raise ImportFailed("error.import_unreadable", path=str(path))
    return path.read_bytes()


@main.command("schema", help=_help("cli.schema.help"))
def schema_command() -> None:
    from klantreis.exchange.document import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
