"""Commands that start servers: ``serve`` (the live room), ``lab`` (JupyterLab with the guided
notebooks) and ``dashboard`` (the read-only Voila dashboard)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import click

from klantreis.cli.group import LANG, db_option, help_text, main, open_service
from klantreis.i18n import Language, t
from klantreis.settings import database_env


@main.command("lab", help=help_text("cli.lab.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--port", type=int, default=8888, show_default=True, help=help_text("cli.option.port")
)
@click.option("--no-browser", is_flag=True, default=False, help=help_text("cli.option.no_browser"))
@db_option
@click.pass_context
def lab_command(
    ctx: click.Context, directory: Path, port: int, no_browser: bool, db_url: str | None
) -> None:
    from klantreis.charts.bundles import ensure_bundles
    from klantreis.guide.notebooks import copy_notebooks
    from klantreis.serve.commands import jupyter_env, lab_argv
    from klantreis.serve.processes import run_until_stopped, start_server, stop_requests

    language = open_service(ctx, directory, db_url).language
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


@main.command("serve", help=help_text("cli.serve.help"))
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help=help_text("cli.option.host"))
@click.option(
    "--port", type=int, default=8866, show_default=True, help=help_text("cli.option.port")
)
@click.option(
    "--drop-after",
    type=click.IntRange(1, 24 * 60),
    default=10,
    show_default=True,
    help=help_text("cli.option.drop_after"),
)
@click.option("--public-url", default=None, help=help_text("cli.option.public_url"))
@db_option
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
    language = open_service(ctx, folder, db_url).language
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


@main.command("dashboard", help=help_text("cli.dashboard.help"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help=help_text("cli.option.host"))
@click.option(
    "--port", type=int, default=8870, show_default=True, help=help_text("cli.option.port")
)
@db_option
@click.pass_context
def dashboard_command(
    ctx: click.Context, directory: Path, host: str, port: int, db_url: str | None
) -> None:
    from klantreis.charts.bundles import ensure_bundles
    from klantreis.serve.commands import app_notebook, jupyter_env, voila_argv
    from klantreis.serve.network import room_address
    from klantreis.serve.processes import run_until_stopped, start_server, stop_requests

    language = open_service(ctx, directory, db_url).language
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
