"""Hostile and odd input in every field of every form, saved through the real service.

One table: each form of the kit (the participant app, the console and the notebooks all use
these), each of its fields a person types into, each hostile value. Every case ends in one of
two ways, with no exception escaping the form:

- **stored, as text**: the form says it saved, and what the database holds is the typed text
  (cleaned only of invisible control characters, which the form says it left out);
- **refused, with a message** in the user's language (Dutch here) next to the field or above
  the buttons; the typed text stays in the form and the stored value is unchanged.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from klantreis.widgets.forms import (
    CardForm,
    challenge_form,
    counts_form,
    goal_form,
    journey_form,
    measure_form,
    persona_form,
    rules_form,
    scope_form,
    segment_form,
    settings_form,
    step_form,
    touchpoint_form,
)
from klantreis.widgets.forms.base import TEXT_KINDS, Form
from klantreis.widgets.forms.fields import FieldWidget, RowsEditor

from klantreis.analytics.storage import DataFolder
from klantreis.domain import CardKind, clean_text
from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder, open_folder
from klantreis.service import Service

TEXTS = {
    "empty": "",
    "whitespace": "  \t  ",
    "10k": "lang " * 2_000,
    "1M": "x" * 1_000_000,
    "markup": '<img src=x onerror="window.__xss=1"><script>alert(2)</script>',
    "template": "{{ 7*7 }} ${7*7} {% if %} <%= 1 %>",
    "sql": "'); DROP TABLE cards; --",
    "format": "%s %d %(name)s {0} {name} {{",
    "nul": "voor\x00na",
    "bidi": "abc\u202edcba\u202c",
    "zero-width": "zero\u200bwidth\u200d",
    "emoji": "👩\u200d🎤 🇳🇱 🎻",
    "decomposed": "Cafe\u0301 cre\u0300me",
    "number": "12345",
    "trailing-space": "Naam ",
}
NUMBERS = {
    "dutch-comma": "3,5",
    "dutch-thousands": "1.000,5",
    "negative": "-5",
    "out-of-range": "1e309",
    "nan": "NaN",
    "infinity": "inf",
    "minus-infinity": "-Infinity",
    "text": "veel",
    "empty": "",
}
ENGLISH = re.compile(r"\b(should|must|valid|Input|value is not|field required)\b")


@dataclass
class Case:
    """One form of the kit: how to build it around the stored value, and read that back."""

    name: str
    build: Callable[[Service, Path], Form[Any]]
    stored: Callable[[Service, Path], Any]


def _first(items: list[Any]) -> Any:
    """The same item every time (lists are ordered by name, which the table changes)."""
    return min(items, key=lambda item: item.id)


def _segment(s: Service) -> Any:
    return _first(s.snapshot().segments)


def _card(s: Service) -> Any:
    """A need: the kind of card that shows every typed field (alternatives too)."""
    return _first([c for c in s.snapshot().active_cards() if c.kind is CardKind.NEED])


def _snap(s: Service) -> Callable[[], Any]:
    return s.snapshot


def _stored(
    name: str, collection: str, form: Any, save: str, *, with_snapshot: bool = False
) -> Case:
    """The form of the first stored item of ``collection``, saved with ``Service.<save>``."""

    def item(s: Service, _f: Path) -> Any:
        return _first(getattr(s.snapshot(), collection))

    def build(s: Service, f: Path) -> Form[Any]:
        extra = (_snap(s),) if with_snapshot else ()
        return form(item(s, f), getattr(s, save), "nl", *extra)

    return Case(name, build, item)


CASES = [
    Case(
        "challenge",
        lambda s, _f: challenge_form(s.workshop(), s.update_workshop, "nl"),
        lambda s, _f: s.workshop(),
    ),
    Case(
        "scope",
        lambda s, _f: scope_form(s.workshop(), s.update_workshop, "nl"),
        lambda s, _f: s.workshop(),
    ),
    Case(
        "settings",
        lambda s, _f: settings_form(s.workshop(), s.update_workshop, "nl"),
        lambda s, _f: s.workshop(),
    ),
    Case(
        "segment",
        lambda s, _f: segment_form(_segment(s), s.save_segment, "nl"),
        lambda s, _f: _segment(s),
    ),
    _stored("persona", "personas", persona_form, "save_persona"),
    Case("card", lambda s, _f: CardForm(_card(s), s.edit_card, "nl"), lambda s, _f: _card(s)),
    _stored("goal", "goals", goal_form, "save_goal"),
    _stored("measure", "measures", measure_form, "edit_measure", with_snapshot=True),
    _stored("touchpoint", "touchpoints", touchpoint_form, "save_touchpoint", with_snapshot=True),
    _stored("journey", "journeys", journey_form, "save_journey", with_snapshot=True),
    _stored("journey step", "steps", step_form, "save_journey_step", with_snapshot=True),
    Case(
        "mapping rules",
        lambda s, f: rules_form(DataFolder(f).rules("nl"), s.save_rules, "nl"),
        lambda s, f: DataFolder(f).rules("nl"),
    ),
    Case(
        "step counts",
        lambda s, f: counts_form(
            [(1, "Zien"), (2, "Kopen")],
            DataFolder(f).counts(),
            s.save_counts,
            "nl",
        ),
        lambda s, f: DataFolder(f).counts(),
    ),
]


def _typed_fields(case: Case, service: Service, folder: Path) -> list[tuple[str, str, str]]:
    """(field, column, kind) of every input a person types into ("" column: not a table)."""
    form = case.build(service, folder)
    typed = []
    for name, field in form.fields.items():
        if isinstance(field.input, RowsEditor):
            typed += [(name, column, kind) for column, kind in field.input.columns]
        elif field.spec.kind in TEXT_KINDS:
            typed.append((name, "", "text"))
        elif field.spec.kind in ("float", "optional_float"):
            typed.append((name, "", "number"))
    return typed


@pytest.fixture(scope="module")
def dutch_workshop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Path]]:
    """The orchestra workshop in Dutch, in a SQLite file: its service and its folder."""
    folder = tmp_path_factory.mktemp("hostile") / "orkest"
    create_folder(folder, load_template("orchestra", "nl"))
    service = open_folder(folder)
    yield service, folder
    service.store.close()


def _table() -> list[Any]:
    """Every (form, field, column, value) of the table, as pytest parameters."""
    import tempfile

    folder = Path(tempfile.mkdtemp()) / "orkest"
    create_folder(folder, load_template("orchestra", "nl"))
    service = open_folder(folder)
    rows = []
    for case in CASES:
        for name, column, kind in _typed_fields(case, service, folder):
            values = TEXTS if kind == "text" else NUMBERS
            for label, value in values.items():
                where = f"{name}.{column}" if column else name
                rows.append(
                    pytest.param(case, name, column, kind, value, id=f"{case.name}-{where}-{label}")
                )
    service.store.close()
    shutil.rmtree(folder.parent, ignore_errors=True)
    return rows


def _type(field: FieldWidget, column: str, kind: str, value: str) -> None:
    """Type ``value`` into the field (a table's first row when ``column`` is given; its other
    columns get ordinary values, so the row is about this one input)."""
    if isinstance(field.input, RowsEditor):
        field.input.set([])
        field.input.add_row({})
        for other, other_kind in field.input.columns:
            ordinary = "3" if other_kind == "number" else "Gewoon"
            field.input.rows[0][other].value = value if other == column else ordinary
    else:
        field.input.value = value


def _shown(field: FieldWidget, column: str) -> str:
    if isinstance(field.input, RowsEditor):
        return str(field.input.rows[0][column].value) if field.input.rows else ""
    return str(field.input.value)


@pytest.mark.parametrize(("case", "name", "column", "kind", "value"), _table())
def test_hostile_input_is_stored_as_text_or_refused_with_a_message(
    dutch_workshop: tuple[Service, Path],
    case: Case,
    name: str,
    column: str,
    kind: str,
    value: str,
) -> None:
    service, folder = dutch_workshop
    before = case.stored(service, folder)
    form = case.build(service, folder)
    field = form.fields[name]
    _type(field, column, kind, value)
    saved = form.save()  # raises nothing, whatever was typed
    after = case.stored(service, folder)
    messages = [f.problem for f in form.fields.values() if f.problem]
    status = form.status.value
    if not saved:
        assert messages or "kr-status-error" in form.status._dom_classes, status
        for message in [*messages, re.sub("<[^>]+>", "", status)]:
            assert "Traceback" not in message and not ENGLISH.search(message), message
        assert _shown(field, column) == value  # the typed text stays in the form
        assert after == before  # nothing saved was lost or changed
        return
    if kind != "text" or not value.strip():
        return  # a number read as a number, or an emptied optional field
    data = after.model_dump() if hasattr(after, "model_dump") else after
    stored = [" ".join(text.split()) for text in _strings(data)]
    kept = " ".join(unicodedata.normalize("NFC", str(clean_text(value))).split())
    assert any(kept[:200] in text for text in stored), (kept[:80], stored)


def _strings(value: Any) -> Iterator[str]:
    """Every text inside a dumped model (lists of lines joined, as the form shows them)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        if value and all(isinstance(item, str) for item in value):
            yield "\n".join(value)
        for item in value:
            yield from _strings(item)


def _cli_table() -> list[Any]:
    """(command, where the hostile text goes) for every free-text input of the command line."""
    uses = {
        "init --title": lambda folder, v: ["init", str(folder / "new"), "--title", v],
        "import --title": lambda folder, v: [
            "import",
            str(folder / "orkest.json"),
            str(folder / "imported"),
            "--title",
            v,
        ],
        "data counts STEP=N": lambda folder, v: [
            "data",
            "counts",
            str(folder / "orkest"),
            f"1={v}",
        ],
        "data counts N=COUNT": lambda folder, v: [
            "data",
            "counts",
            str(folder / "orkest"),
            f"{v}=5",
        ],
        "data events --customer": lambda folder, v: [
            "data",
            "events",
            str(folder / "orkest"),
            str(folder / "events.csv"),
            "--customer",
            v,
        ],
        "data events --event": lambda folder, v: [
            "data",
            "events",
            str(folder / "orkest"),
            str(folder / "events.csv"),
            "--event",
            v,
        ],
    }
    odd = {**TEXTS, "superscript-digit": "²", "full-width-digit": "３", "huge-number": "9" * 400}
    odd.pop("1M")  # an argument list that long is refused by the system before klantreis runs
    return [
        pytest.param(args, value, id=f"{use}-{label}")
        for use, args in uses.items()
        for label, value in odd.items()
    ]


@pytest.fixture(scope="module")
def cli_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the orchestra workshop (``orkest/``), its export (``orkest.json``) and
    a small event log (``events.csv``), for the command-line table."""
    from click.testing import CliRunner

    from klantreis.cli import main

    root = tmp_path_factory.mktemp("cli")
    runner = CliRunner()
    assert (
        runner.invoke(main, ["init", str(root / "orkest"), "--template", "orchestra"]).exit_code
        == 0
    )
    exported = runner.invoke(
        main, ["export", str(root / "orkest"), "--out", str(root / "orkest.json")]
    )
    assert exported.exit_code == 0, exported.output
    (root / "events.csv").write_text(
        "user_id,timestamp,event_name\nu1,2026-01-01T10:00:00,page_view\n"
        "u1,2026-01-01T10:05:00,purchase\n",
        encoding="utf-8",
    )
    return root


def _kept(folder: Path) -> str:
    """Everything the workshop in ``folder`` holds, as text (what a refused command must leave
    as it was; the database file's bytes also change when SQLite moves its log into it)."""
    service = open_folder(folder)
    try:
        return service.snapshot().model_dump_json()
    finally:
        service.store.close()


@pytest.mark.parametrize(("args", "value"), _cli_table())
def test_hostile_command_line_input_gets_a_message_not_a_traceback(
    cli_folder: Path, args: Callable[[Path, str], list[str]], value: str
) -> None:
    from click.testing import CliRunner

    from klantreis.cli import main
    from klantreis.i18n import t

    shutil.rmtree(cli_folder / "new", ignore_errors=True)
    shutil.rmtree(cli_folder / "imported", ignore_errors=True)
    before = _kept(cli_folder / "orkest")
    result = CliRunner().invoke(main, args(cli_folder, value), env={"KLANTREIS_LANG": "nl"})
    assert "Traceback" not in result.output
    assert t("error.unexpected_cli", "nl", kind="")[:30] not in result.output, result.output
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code:
        assert result.output.strip(), "refused without a word"
        assert _kept(cli_folder / "orkest") == before
        assert not (cli_folder / "new").exists()  # a refused init leaves no folder behind


@pytest.mark.parametrize("label", list(TEXTS))
def test_hostile_text_in_an_imported_file_is_stored_as_text_or_named(
    cli_folder: Path, tmp_path: Path, label: str
) -> None:
    """An export whose card, segment and persona texts were edited by hand: imported with the
    texts cleaned like typed ones, or refused with a line naming the field."""
    import json

    from click.testing import CliRunner

    from klantreis.cli import main

    value = TEXTS[label]
    document = json.loads((cli_folder / "orkest.json").read_text(encoding="utf-8"))
    document["cards"][0]["text"] = value
    document["segments"][0]["description"] = value
    document["personas"][0]["quotes"] = [{"text": value, "source": value}]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["import", str(edited), str(tmp_path / "in")], env={"KLANTREIS_LANG": "nl"}
    )
    assert "Traceback" not in result.output and result.exit_code in (0, 1), result.output
    if result.exit_code:
        assert "cards" in result.output or "Tekst" in result.output or "tekst" in result.output
        assert not (tmp_path / "in" / "klantreis.json").exists()
        return
    texts = [c.text for c in open_folder(tmp_path / "in").snapshot().cards]
    assert " ".join(str(clean_text(value)).split()) in [" ".join(t.split()) for t in texts]
