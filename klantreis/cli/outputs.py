"""Commands that write what others read: ``report``, ``publish`` and ``materials``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from klantreis.cli.group import (
    db_option,
    format_option,
    help_text,
    lang_option,
    main,
    open_service,
    out_file_option,
    to_stdout,
)
from klantreis.i18n import Language, t


@main.command("materials", help=help_text("cli.materials.help"))
@lang_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("workshop-materials"),
    show_default=True,
    help=help_text("cli.option.out"),
)
@click.option("--pdf", is_flag=True, default=False, help=help_text("cli.option.pdf"))
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


@main.command("publish", help=help_text("cli.publish.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help=help_text("cli.option.out"),
)
@db_option
@click.pass_context
def publish_command(ctx: click.Context, directory: Path, out: Path, db_url: str | None) -> None:
    from klantreis.exchange.document import document_from_snapshot
    from klantreis.exchange.tabular import export_csv
    from klantreis.report.export import export_report_html

    service = open_service(ctx, directory, db_url)
    snapshot = service.snapshot()
    language = snapshot.workshop.language
    out.mkdir(parents=True, exist_ok=True)
    written = [export_report_html(snapshot, service.data_folder, out / "index.html")]
    data = out / "workshop.json"
    data.write_text(document_from_snapshot(snapshot).to_json(), encoding="utf-8")
    written += [data, *export_csv(snapshot, out / "csv")]
    for path in written:
        click.echo(t("cli.export.done", language, path=str(path)))


@main.command("report", help=help_text("cli.report.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@format_option(["html", "pdf"], "cli.option.report_format")
@out_file_option
@db_option
@click.pass_context
def report_command(
    ctx: click.Context, directory: Path, fmt: str, out: Path | None, db_url: str | None
) -> None:
    from klantreis.report.export import export_report_html
    from klantreis.report.pdf import print_pdf

    service = open_service(ctx, directory, db_url)
    snapshot = service.snapshot()
    data = service.data_folder
    if to_stdout(out):  # made in a scratch folder, then written out whole
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
