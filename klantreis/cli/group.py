"""The ``klantreis`` command group and what its commands share: the language of messages,
one translated line per error, the common options, opening a workshop folder."""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from klantreis import __version__
from klantreis.i18n import LANGUAGES, Language, t
from klantreis.settings import cli_language, debug

if TYPE_CHECKING:
    from klantreis.service import Service

LANG: Language = cli_language()


def help_text(key: str) -> str:
    """A help text of the command line, in the language of messages."""
    return t(key, LANG)


class KlantreisGroup(click.Group):
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
                fail(exc.message(language), language)
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                if exc.filename:
                    fail(t("error.disk_full_folder", language, path=exc.filename), language)
                fail(t("error.disk_full_somewhere", language), language)
            if isinstance(exc, OSError):
                detail, path = exc.strerror or str(exc), exc.filename or ""
                fail(t("error.os", language, detail=detail, path=path), language)
            if debug():
                raise
            fail(t("error.unexpected_cli", language, kind=type(exc).__name__), language, code=2)


def fail(message: str, language: Language, code: int = 1) -> NoReturn:
    """One line on standard error, its prefix in the language of its message."""
    click.echo(t("cli.error_prefix", language) + message, err=True)
    sys.exit(code)


db_option = click.option(
    "--db",
    "db_url",
    metavar="URL",
    default=None,
    help=help_text("cli.option.db"),
)

out_file_option = click.option(
    "--out", type=click.Path(path_type=Path), default=None, help=help_text("cli.option.out_file")
)
"""``--out PATH`` of a command that writes one file (``-``: standard output)."""


def format_option(
    choices: list[str], help_key: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format`` with its choices, the first the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help_text(help_key),
    )


lang_option = click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGES),
    default=LANG,
    show_default=True,
    help=help_text("cli.option.lang"),
)


@click.group(cls=KlantreisGroup, help=help_text("cli.help"))
@click.version_option(__version__, prog_name="klantreis")
def main() -> None:
    """Entry point of the ``klantreis`` command."""


def to_stdout(out: Path | None) -> bool:
    """``--out -``: standard output, as command-line tools take it."""
    return out is not None and str(out) == "-"


def open_service(ctx: click.Context, directory: Path, db_url: str | None) -> Service:
    """Open the workshop in ``directory``; from then on errors are in its language."""
    from klantreis.folder import open_folder

    service = open_folder(directory, db_url)
    ctx.meta["klantreis.lang"] = service.language
    return service


def read_file(path: Path) -> bytes:
    from klantreis.domain import ImportFailed

    if not path.is_file():
        raise ImportFailed("error.import_unreadable", path=str(path))
    return path.read_bytes()
