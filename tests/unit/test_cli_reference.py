"""docs/cli.md is every command's own --help: it fails here when a command or option changed
and the reference was not regenerated (``make docs``)."""

from __future__ import annotations

from pathlib import Path

from cogapp import Cog

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "cli.md"


def test_the_cli_reference_is_generated_from_the_current_help(capsys) -> None:
    status = Cog().main(["cog", "-I", str(ROOT), "--check", str(REFERENCE)])
    assert status == 0, f"docs/cli.md is out of date: run `make docs`\n{capsys.readouterr().out}"


def test_the_cli_reference_covers_every_command() -> None:
    from tools.cli_reference import commands

    text = REFERENCE.read_text(encoding="utf-8")
    for arguments in commands():
        assert f"Usage: {' '.join(['klantreis', *arguments])} " in text
