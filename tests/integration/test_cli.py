"""The klantreis command: each command works, errors are one translated line, all is documented."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from klantreis.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner() -> CliRunner:
    """A click test runner."""
    return CliRunner()


@pytest.fixture
def orchestra_folder(tmp_path: Path, runner: CliRunner) -> Path:
    """A workshop folder made by ``klantreis init`` from the English orchestra template."""
    folder = tmp_path / "orchestra"
    result = runner.invoke(main, ["init", str(folder), "--template", "orchestra", "--lang", "en"])
    assert result.exit_code == 0, result.output
    return folder


def test_init_creates_a_folder_with_a_sqlite_database(orchestra_folder: Path) -> None:
    assert (orchestra_folder / "workshop.sqlite").is_file()
    config = json.loads((orchestra_folder / "klantreis.json").read_text())
    assert set(config) == {"workshop_id"}


def test_info_summarises_the_workshop(runner: CliRunner, orchestra_folder: Path) -> None:
    result = runner.invoke(main, ["info", str(orchestra_folder)])
    assert result.exit_code == 0
    assert "The orchestra: young city dwellers in the concert hall" in result.output
    assert "2 (focus: Young city dwellers)" in result.output
    assert "Association 2, Barrier 2, Need 3" in result.output
    assert "Latent need → Awareness → Consideration → Purchase → Service → Loyalty" in result.output


def test_export_json_then_import_gives_the_same_workshop(
    runner: CliRunner, orchestra_folder: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.json"
    assert (
        runner.invoke(main, ["export", str(orchestra_folder), "--out", str(target)]).exit_code == 0
    )
    copy = tmp_path / "copy"
    result = runner.invoke(main, ["import", str(target), str(copy), "--title", "A copy"])
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip()
        == f'Workshop "A copy" imported into {copy}: 7 cards, 4 measures and 8 steps.'
    )


def test_export_csv_writes_into_the_folder(runner: CliRunner, orchestra_folder: Path) -> None:
    result = runner.invoke(main, ["export", str(orchestra_folder), "--format", "csv"])
    assert result.exit_code == 0
    assert (orchestra_folder / "exports" / "csv" / "cards.csv").is_file()
    assert result.output.count("Written: ") == 13  # one per collection, and the workshop


def test_out_dash_writes_to_standard_output(
    runner: CliRunner, orchestra_folder: Path, tmp_path: Path
) -> None:
    """``--out -`` is standard output, as command-line users expect; no file named "-"."""
    result = runner.invoke(main, ["export", str(orchestra_folder), "--out", "-"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["workshop"]["title"].startswith("The orchestra")
    report = runner.invoke(main, ["report", str(orchestra_folder), "--out", "-"])
    assert report.exit_code == 0, report.output
    assert report.output.lstrip().lower().startswith("<!doctype html")
    assert "The orchestra" in report.output and "Written:" not in report.output
    csv = runner.invoke(main, ["export", str(orchestra_folder), "--format", "csv", "--out", "-"])
    assert csv.exit_code == 1 and "is a folder of files" in csv.output
    for place in (Path.cwd(), orchestra_folder, tmp_path):
        assert not (place / "-").exists()


HEAVY = ("alembic", "sqlalchemy", "pydantic", "pandas", "duckdb", "ipywidgets", "altair")
"""Libraries that take most of a second to load: the quick commands load none of them."""


@pytest.mark.parametrize("args", [["--help"], ["templates"], ["data", "--help"], ["--version"]])
def test_the_quick_commands_load_no_heavy_library(args: list[str]) -> None:
    """``klantreis --help`` and ``klantreis templates`` answer at once (the figures are in
    benchmarks/cli_startup.py): they load none of the heavy libraries."""
    code = (
        "import sys\n"
        "from klantreis.cli import main\n"
        "try:\n"
        f"    main({args!r}, standalone_mode=False)\n"
        "finally:\n"
        f"    print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_templates_lists_every_template(runner: CliRunner) -> None:
    result = runner.invoke(main, ["templates"])
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names == ["empty", "b2b_service", "orchestra", "telecom", "webshop"]


def test_schema_prints_the_json_schema(runner: CliRunner) -> None:
    schema = json.loads(runner.invoke(main, ["schema"]).output)
    assert schema["properties"]["version"]["const"] == 1


def run_cli(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {"KLANTREIS_LANG": lang, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "klantreis", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "lang", "expected"),
    [
        (
            ["info", "/nonexistent/folder"],
            "en",
            "klantreis: error: /nonexistent/folder is not a workshop folder",
        ),
        (
            ["info", "/nonexistent/folder"],
            "nl",
            "klantreis: fout: /nonexistent/folder is geen workshopmap",
        ),
        (
            ["init", "{tmp}/x", "--template", "circus"],
            "en",
            'klantreis: error: There is no template "circus". Available: empty, b2b_service',
        ),
        (
            ["import", "{tmp}/missing.json", "{tmp}/y"],
            "en",
            "klantreis: error: The file {tmp}/missing.json cannot be read.",
        ),
        (
            ["import", "{tmp}/junk.json", "{tmp}/y"],
            "en",
            "klantreis: error: This is not a valid JSON file",
        ),
        (
            ["info", "{tmp}/broken"],
            "en",
            "is not a workshop folder (klantreis.json is missing or damaged)",
        ),
    ],
)
def test_errors_are_one_line_without_a_traceback(
    tmp_path: Path, args: list[str], lang: str, expected: str
) -> None:
    (tmp_path / "junk.json").write_text("{not json")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "klantreis.json").write_text("][")
    result = run_cli(*[a.replace("{tmp}", str(tmp_path)) for a in args], lang=lang)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected.replace("{tmp}", str(tmp_path)) in lines[0]
    assert "Traceback" not in result.stderr


def test_init_refuses_an_existing_workshop_folder(
    runner: CliRunner, orchestra_folder: Path
) -> None:
    result = runner.invoke(main, ["init", str(orchestra_folder)])
    assert result.exit_code == 1
    assert "already holds a workshop" in result.output or "staat al een workshop" in result.output


def test_an_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "pg"), "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "klantreis: error: The database postgresql+psycopg://nobody@127.0.0.1:1/none"
        " cannot be reached."
    )


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:5000])


def _random_bytes(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 12)


def _newer_schema(path: Path) -> None:
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
        connection.commit()


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (_truncate, "is damaged or is not a klantreis database (database disk image is malformed)"),
        (_random_bytes, "is damaged or is not a klantreis database (file is not a database)"),
        (_newer_schema, "was last opened by a newer version of klantreis (its schema is 0099"),
    ],
    ids=["truncated", "not-a-database", "newer-schema"],
)
def test_a_damaged_or_newer_database_is_named_and_left_as_it_is(
    tmp_path: Path, damage: Callable[[Path], None], expected: str
) -> None:
    folder = tmp_path / "orchestra"  # made in a process of its own: closed, all in one file
    assert run_cli("init", str(folder), "--template", "orchestra").returncode == 0
    database = folder / "workshop.sqlite"
    assert not Path(f"{database}-wal").exists()
    damage(database)
    before = database.read_bytes()
    result = run_cli("info", str(folder))
    assert result.returncode == 1, result.stderr
    assert expected in result.stderr and "Nothing was changed" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert database.read_bytes() == before


def test_every_command_has_help_in_both_languages() -> None:
    for lang in ("nl", "en"):
        for command in [*main.commands, None]:
            args = [command, "--help"] if command else ["--help"]
            result = run_cli(*args, lang=lang)
            assert result.returncode == 0
            assert "Usage:" in result.stdout


def documented(text: str) -> set[str]:
    return set(re.findall(r"klantreis ([a-z]+)", text))


def test_every_command_and_option_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert set(main.commands) <= documented(readme), "a command is missing from the README"
    commands = dict(main.commands)
    for name, command in main.commands.items():
        if isinstance(command, click.Group):
            for sub, subcommand in command.commands.items():
                assert f"klantreis {name} {sub}" in readme, f"{name} {sub} is not in the README"
                commands[f"{name} {sub}"] = subcommand
    for name, command in commands.items():
        for param in command.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    assert opt in readme, f"option {opt} of {name} is not in the README"
    from klantreis.settings import INTERNAL, SETTINGS

    for setting in SETTINGS:
        if setting not in INTERNAL:
            assert f"`{setting.name}`" in readme, f"setting {setting.name} is not in the README"


def test_the_readme_layout_lists_every_package_folder() -> None:
    """The layout tree under "Developing" names every folder of the package and every
    top-level folder (analytics/ was missing once)."""
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    tree = readme.split("## Developing", 1)[1].split("```", 2)[1]
    package = sorted(
        p.name
        for p in (root / "klantreis").iterdir()
        if p.is_dir() and (p / "__init__.py").is_file()
    )
    top = ["widgets", "notebooks", "templates", "workshop_materials", "tests", "tools"]
    top.append("benchmarks")
    missing = [name for name in package + top if f"{name}/" not in tree]
    assert missing == []


def test_data_commands_import_map_and_show_the_funnel(
    runner: CliRunner, orchestra_folder: Path
) -> None:
    from klantreis.analytics.sample import traffic_export

    folder = str(orchestra_folder)
    result = runner.invoke(main, ["data", "sample", folder, "--events", "4000", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "sample events" in result.output
    shown = runner.invoke(main, ["data", "show", folder])
    plain = runner.invoke(main, ["data", "show", folder, "--engine", "pandas"])
    assert shown.exit_code == 0 and shown.output == plain.output  # both engines agree
    assert "1. Sees a video of the orchestra on Instagram" in shown.output
    assert "ideal order, all the way" in shown.output

    export = orchestra_folder / "ga4-nl.csv"
    export.write_bytes(traffic_export(1234, "nl"))
    result = runner.invoke(main, ["data", "traffic", folder, str(export)])
    assert result.exit_code == 0 and "1,234 sessions" in result.output

    rules = runner.invoke(main, ["data", "rules", folder])
    assert json.loads(rules.output)["steps"][0]["step"] == 1
    edited = orchestra_folder / "rules.json"
    edited.write_text(rules.output, encoding="utf-8")
    result = runner.invoke(main, ["data", "rules", folder, str(edited)])
    assert result.exit_code == 0, result.output

    result = runner.invoke(main, ["data", "counts", folder, "1=500", "2=300"])
    assert result.exit_code == 0 and "2 steps" in result.output
    result = runner.invoke(main, ["data", "counts", folder, "3=2000"])  # the others stay
    assert result.output.endswith("Counts per step now: 1: 500, 2: 300, 3: 2,000\n")
    result = runner.invoke(main, ["data", "counts", folder, "2=", "9=20"])
    assert result.exit_code == 1, result.output
    assert "The journey has no step 9: it has 8 steps. Nothing was changed." in result.output
    result = runner.invoke(main, ["data", "counts", folder, "2="])  # clears step 2
    assert result.output.endswith("Counts per step now: 1: 500, 3: 2,000\n")

    events = orchestra_folder / "exports" / "sample" / "events.parquet"
    result = runner.invoke(main, ["data", "events", folder, str(events)])
    assert result.exit_code == 0 and "customers" in result.output


@pytest.mark.parametrize(
    ("args", "lang", "expected"),
    [
        (["data", "traffic", "{folder}", "{bad}"], "en", "has no 'Session source / medium'"),
        (["data", "traffic", "{folder}", "{bad}"], "nl", "heeft geen kolom 'Bron/medium"),
        (["data", "events", "{folder}", "{bad}"], "en", "No column with a customer"),
        (["data", "events", "{folder}", "{bad}"], "nl", "Geen kolom met een klant"),
        (["data", "rules", "{folder}", "{bad}"], "en", "not a valid JSON file"),
        (["data", "counts", "{folder}", "1=many"], "nl", "hele getallen"),
        (["data", "traffic", "{folder}", "/nonexistent.csv"], "en", "cannot be read"),
    ],
)
def test_a_wrong_data_file_is_one_line_in_the_workshops_language(
    tmp_path: Path, runner: CliRunner, args: list[str], lang: str, expected: str
) -> None:
    folder = tmp_path / "workshop"
    made = runner.invoke(main, ["init", str(folder), "--template", "webshop", "--lang", lang])
    assert made.exit_code == 0, made.output
    bad = tmp_path / "bad.csv"
    bad.write_text("Page,Views\n/home,3\n", encoding="utf-8")
    filled = [a.format(folder=folder, bad=bad) for a in args]
    result = run_cli(*filled, lang=lang)
    assert result.returncode == 1
    assert expected in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_data_show_prints_aligned_tables_in_the_workshops_language(
    tmp_path: Path, runner: CliRunner
) -> None:
    folder = str(tmp_path / "orkest")
    runner.invoke(main, ["init", folder, "--template", "orchestra", "--lang", "nl"])
    assert runner.invoke(main, ["data", "sample", folder, "--events", "20000"]).exit_code == 0
    shown = runner.invoke(main, ["data", "show", folder])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    traffic = lines.index("Sessies per bron / medium:")
    header, first = lines[traffic + 1], lines[traffic + 2]
    assert header.split() == ["Bron", "/", "medium", "Kanaal", "Contactmoment", "Sessies"]
    assert header.endswith("Sessies") and len(first) == len(header)  # numbers to the right
    assert re.search(r"\d\.\d{3}$", first)  # 2.178: a Dutch thousands separator
    funnel = lines[lines.index("Funnel over de ideale klantreis:") + 2]
    assert "1. Ziet een video van het orkest op Instagram" in funnel  # not cut off
    assert re.search(r"\d,\d%", shown.output)  # 23,7%
    assert re.search(
        r"^[\d.]+ events of pagina's \(\d+ verschillende\) horen bij geen stap", shown.output, re.M
    )


def test_an_error_line_is_in_one_language(tmp_path: Path, runner: CliRunner) -> None:
    """A Dutch command line and an English workshop: the message is the workshop's, and so is
    its prefix (it once read "klantreis: fout: The journey has no step 9...")."""
    folder = tmp_path / "workshop"
    runner.invoke(main, ["init", str(folder), "--template", "orchestra", "--lang", "en"])
    result = run_cli("data", "counts", str(folder), "9=20", lang="nl")
    assert result.returncode == 1
    assert result.stderr.startswith("klantreis: error: The journey has no step 9"), result.stderr


def test_serve_on_a_port_in_use_says_which_and_starts_nothing(
    runner: CliRunner, orchestra_folder: Path
) -> None:
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = int(holder.getsockname()[1])
        result = runner.invoke(main, ["serve", str(orchestra_folder), "--port", str(taken - 1)])
    assert result.exit_code == 1
    assert f"Port {taken} is already in use" in result.output
    assert f"ports {taken - 1} to {taken + 1}" in result.output
    assert not (orchestra_folder / "logs").exists()


def test_the_published_site_shows_the_data_behind_the_journey(
    runner: CliRunner, orchestra_folder: Path, tmp_path: Path
) -> None:
    folder = str(orchestra_folder)
    sampled = runner.invoke(main, ["data", "sample", folder, "--events", "3000", "--seed", "4"])
    assert sampled.exit_code == 0, sampled.output
    site = tmp_path / "site"
    result = runner.invoke(main, ["publish", folder, "--out", str(site)])
    assert result.exit_code == 0, result.output
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "What the data says" in page
    for title in ("Funnel over the ideal journey", "Drop-off after each step", "Most common paths"):
        assert title in page
    assert "ideal order, all the way" in page


def test_compare_shows_what_changed_between_two_workshops(
    runner: CliRunner, orchestra_folder: Path, tmp_path: Path
) -> None:
    """The team repeats the workshop: a segment became the focus, a card got dots, a measure
    was done, a journey step moved and feels better, and both have counts for the funnel."""
    from klantreis.domain import MeasureStatus, MethodStep
    from klantreis.folder import open_folder

    later = tmp_path / "later"
    made = runner.invoke(main, ["init", str(later), "--template", "orchestra", "--lang", "en"])
    assert made.exit_code == 0
    same = runner.invoke(main, ["compare", str(orchestra_folder), str(later)])
    assert same.exit_code == 0 and same.output.strip() == "No differences found."
    service = open_folder(later)
    snap = service.snapshot()
    other = next(s for s in snap.segments if not s.is_focus)
    service.choose_focus(other.id)
    card = snap.active_cards()[0]
    person = service.join("Anna")
    service.open_method_step(MethodStep.MAPPING)
    service.vote(card.id, person.id)
    measure = snap.active_measures()[0]
    service.edit_measure(measure.model_copy(update={"status": MeasureStatus.DONE}))
    step = snap.ideal_steps[-1]
    service.move_journey_step(step.id, 0)
    for folder, counts in ((orchestra_folder, "1=1000"), (later, "1=1600")):
        assert runner.invoke(main, ["data", "counts", str(folder), counts]).exit_code == 0
    result = runner.invoke(main, ["compare", str(orchestra_folder), str(later)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Segments (orchestra → later)" in out
    assert f"{other.name}" in out and "· Focus segment" in out
    assert f"{card.text}" in out and "0 dots → 1 dot" in out
    assert f"{measure.title}" in out and "→ Done" in out
    assert f"{step.action}" in out and f"step {step.position + 1}," in out and "→ step 1," in out
    assert "Funnel (customers per step)" in out and "1,000 → 1,600" in out
