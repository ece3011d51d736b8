"""The CLI reference (docs/cli.md) as every command's own ``--help``, so it cannot drift.

docs/cli.md holds a cog block that calls :func:`reference`; ``make docs`` rewrites the file
(``cog -r``) and ``tests/unit/test_cli_reference.py`` fails when it is out of date
(``cog --check``), the way datasette keeps its CLI reference.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDTH = "88"
"""Columns click wraps the help at (fixed, so the text does not depend on the terminal)."""


RUN = "from klantreis.cli import main; main(prog_name='klantreis')"
"""The command as installed (``python -m klantreis`` would call itself that in the usage)."""


def commands() -> list[list[str]]:
    """Every command of ``klantreis`` as its argument list, groups before their commands."""
    from klantreis.cli import main

    found: list[list[str]] = [[]]

    def walk(group: object, path: list[str]) -> None:
        for name in sorted(getattr(group, "commands", {})):
            command = group.commands[name]  # type: ignore[attr-defined]
            found.append([*path, name])
            walk(command, [*path, name])

    walk(main, [])
    return found


def help_text(arguments: list[str], language: str = "en") -> str:
    """What ``klantreis ARGUMENTS --help`` prints in ``language``."""
    env = dict(os.environ, KLANTREIS_LANG=language, COLUMNS=WIDTH)
    done = subprocess.run(
        [sys.executable, "-c", RUN, *arguments, "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT.parent,  # not the source tree's folder: the installed klantreis answers
    )
    return done.stdout.rstrip() + "\n"


def reference(language: str = "en") -> str:
    """The reference as Markdown: a heading and the ``--help`` text of each command."""
    parts = []
    for arguments in commands():
        title = " ".join(["klantreis", *arguments])
        parts.append(f"## `{title}`\n\n```\n{help_text(arguments, language)}```\n")
    return "\n".join(parts)
