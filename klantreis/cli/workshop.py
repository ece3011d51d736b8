"""Commands that make, read and write a workshop: ``init``, ``templates``, ``import``,
``export``, ``info``, ``compare`` and ``schema``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from klantreis.cli.group import (
    LANG,
    db_option,
    fail,
    format_option,
    help_text,
    lang_option,
    main,
    open_service,
    out_file_option,
    to_stdout,
)
from klantreis.exchange.templates import (
    DEFAULT_TEMPLATE,
    template_languages,
    template_names,
    template_title,
)
from klantreis.i18n import Language, t


@main.command("init", help=help_text("cli.init.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--template",
    "template",
    default=DEFAULT_TEMPLATE,
    show_default=True,
    help=help_text("cli.option.template"),
)
@lang_option
@click.option("--title", default=None, help=help_text("cli.option.title"))
@db_option
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


@main.command("templates", help=help_text("cli.templates.help"))
def templates_command() -> None:
    for name in template_names():
        languages = template_languages(name)
        title = template_title(name, LANG if LANG in languages else languages[0])
        click.echo(f"{name:<12} {'/'.join(languages):<6} {title}")


@main.command("import", help=help_text("cli.import.help"))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=None, help=help_text("cli.option.title"))
@db_option
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


@main.command("export", help=help_text("cli.export.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@format_option(["json", "csv"], "cli.option.format")
@out_file_option
@db_option
@click.pass_context
def export_command(
    ctx: click.Context, directory: Path, fmt: str, out: Path | None, db_url: str | None
) -> None:
    from klantreis.exchange.document import document_from_snapshot
    from klantreis.exchange.tabular import export_csv

    snapshot = open_service(ctx, directory, db_url).snapshot()
    language = snapshot.workshop.language
    if fmt == "json":
        if to_stdout(out):
            click.echo(document_from_snapshot(snapshot).to_json())
            return
        target = out or directory / "exports" / "workshop.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(document_from_snapshot(snapshot).to_json(), encoding="utf-8")
        click.echo(t("cli.export.done", language, path=str(target)))
    else:
        if to_stdout(out):
            fail(t("cli.out.not_stdout", language, format="csv"), language)
        folder = out or directory / "exports" / "csv"
        for path in export_csv(snapshot, folder):
            click.echo(t("cli.export.done", language, path=str(path)))


@main.command("info", help=help_text("cli.info.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@db_option
@click.pass_context
def info_command(ctx: click.Context, directory: Path, db_url: str | None) -> None:
    from klantreis.folder import WorkshopFolder
    from klantreis.overview import overview
    from klantreis.store.connection import masked

    folder = WorkshopFolder.load(directory)
    snap = open_service(ctx, directory, db_url).snapshot()
    lines = overview(snap, masked(folder.database_url(db_url)))
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        click.echo(f"{label:<{width}}  {value}")


@main.command("compare", help=help_text("cli.compare.help"))
@click.argument("before", type=click.Path(file_okay=False, path_type=Path))
@click.argument("after", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def compare_command(ctx: click.Context, before: Path, after: Path) -> None:
    from klantreis.report.compare import compare_folders, comparison_lines

    differences, language = compare_folders(before, after)
    ctx.meta["klantreis.lang"] = language
    for line in comparison_lines(differences, before.name, after.name, language):
        click.echo(line)


@main.command("schema", help=help_text("cli.schema.help"))
def schema_command() -> None:
    from klantreis.exchange.document import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
