"""The catalogue is complete in both languages and covers every key the code asks for."""

from __future__ import annotations

import re
import string
from enum import StrEnum
from pathlib import Path

import pytest
from pydantic import BaseModel

import klantreis.domain as domain
from klantreis.domain.phases import BUILTIN_PHASE_MODELS, CUSTOM_PHASE_MODEL
from klantreis.exchange.document import WorkshopDocument
from klantreis.i18n import (
    LANGUAGES,
    Language,
    catalogue,
    language_or_default,
    number,
    percent,
    t,
)

ROOT = Path(__file__).resolve().parents[2]
CODE_FOLDERS = [ROOT / "klantreis", ROOT / "widgets"]
KEY_PREFIXES = (
    "error",
    "rule",
    "cli",
    "field",
    "phase",
    "participant",
    "method_step",
    "form",
    "hint",
    "placeholder",
    "list",
    "pitfall",
    "summary",
    "language",
    "chart",
)
LITERAL_KEY = re.compile(r"[\"']((?:{})\.[a-z0-9_.]+)[\"']".format("|".join(KEY_PREFIXES)))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys() -> None:
    nl, en = set(catalogue("nl")), set(catalogue("en"))
    assert sorted(nl - en) == [], "keys missing in English"
    assert sorted(en - nl) == [], "keys missing in Dutch"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_is_empty(language: Language) -> None:
    empty = [key for key, text in catalogue(language).items() if not text.strip()]
    assert empty == []


def test_placeholders_agree_between_languages() -> None:
    nl, en = catalogue("nl"), catalogue("en")
    differ = {k: (placeholders(nl[k]), placeholders(en[k])) for k in nl if k in en}
    assert {k: v for k, v in differ.items() if v[0] != v[1]} == {}


def test_dutch_and_english_texts_are_really_translated() -> None:
    nl, en = catalogue("nl"), catalogue("en")
    same = [k for k in nl if len(nl[k]) > 25 and nl[k] == en.get(k)]
    assert same == [], "long texts identical in both languages: not translated"


def test_every_key_the_code_uses_exists() -> None:
    known = set(catalogue("nl"))
    used: set[str] = set()
    for folder in CODE_FOLDERS:
        for path in folder.rglob("*.py"):
            used |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    missing = sorted(key for key in used if key not in known and not key.endswith("."))
    assert missing == []


def _domain_models() -> list[type[BaseModel]]:
    models = [
        obj
        for obj in vars(domain).values()
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel
    ]
    return [*models, WorkshopDocument]


def test_every_field_has_a_label() -> None:
    known = set(catalogue("nl"))
    missing = sorted(
        {
            f"field.{name}"
            for model in _domain_models()
            for name in model.model_fields
            if f"field.{name}" not in known
        }
    )
    assert missing == []


ENUM_PREFIX = {
    domain.MethodStep: "method_step",
    domain.ChallengeKind: "challenge_kind",
    domain.Situation: "situation",
    domain.CardKind: "card_kind",
    domain.Polarity: "polarity",
    domain.NeedType: "need_type",
    domain.Basis: "basis",
    domain.GoalKind: "goal_kind",
    domain.EntryState: "entry_state",
    domain.MeasureStatus: "measure_status",
    domain.ChannelKind: "channel_kind",
    domain.Role: "role",
    domain.IdeaTopic: "idea_topic",
    domain.RatingKind: "rating_kind",
}


@pytest.mark.parametrize("enum", list(ENUM_PREFIX), ids=lambda e: e.__name__)
def test_every_choice_has_a_label(enum: type[StrEnum]) -> None:
    known = set(catalogue("en"))
    missing = [
        f"{ENUM_PREFIX[enum]}.{v.value}"
        for v in enum
        if f"{ENUM_PREFIX[enum]}.{v.value}" not in known
    ]
    assert missing == []


def test_every_phase_and_phase_model_has_a_name_and_a_hint() -> None:
    known = set(catalogue("en"))
    keys = {key for phases in BUILTIN_PHASE_MODELS.values() for key in phases}
    missing = [k for k in keys if f"phase.{k}" not in known or f"phase.{k}.hint" not in known]
    models = [*BUILTIN_PHASE_MODELS, CUSTOM_PHASE_MODEL]
    missing += [m for m in models if f"phase_model.{m}" not in known]
    assert missing == []


def test_lookup_fills_parameters_and_falls_back() -> None:
    assert t("error.too_long", "en", limit=200) == "is too long (at most 200 characters)"
    assert t("error.too_long", "nl", limit=200) == "is te lang (maximaal 200 tekens)"
    assert t("no.such.key", "en") == "no.such.key"
    assert (t("list.votes", "en", count=1), t("list.votes", "en", count=2)) == ("1 dot", "2 dots")
    assert (t("list.votes", "nl", count=1), t("list.votes", "nl", count=0)) == (
        "1 stip",
        "0 stippen",
    )
    assert language_or_default("EN-gb") == "en"
    assert language_or_default("fr") == "nl"
    assert language_or_default(None) == "nl"


def test_the_overview_counts_each_thing_in_its_own_number() -> None:
    """'1 stippen, 1 deelnemers' was shown on the dashboard: each count is a counted phrase."""
    from klantreis.domain import Card, MethodStep, Segment
    from klantreis.exchange.importer import import_document
    from klantreis.exchange.templates import load_template
    from klantreis.outcomes import overview_html
    from klantreis.store.store import Store

    expectations: tuple[tuple[Language, str], ...] = (
        ("nl", "1 kaartje, 1 stip, 0 maatregelen, 0 stappen en 1 deelnemer."),
        ("en", "1 card, 1 dot, 0 measures, 0 steps and 1 participant."),
    )
    for language, expected in expectations:
        service = import_document(Store("sqlite:///:memory:"), load_template("empty", language))
        segment = service.save_segment(Segment(workshop_id=service.workshop_id, name="Starters"))
        service.open_method_step(MethodStep.MAPPING)
        person = service.join("Ann")
        card = service.add_card(
            Card(workshop_id=service.workshop_id, segment_id=segment.id, kind="need", text="x"),
            person.id,
        )
        service.vote(card.id, person.id)
        assert expected in overview_html(service.snapshot())


def test_numbers_are_written_the_way_each_language_writes_them() -> None:
    assert number(16487, "nl") == "16.487" and number(16487, "en") == "16,487"
    assert number(1234.5678, "nl", 2) == "1.234,57" and number(1234.5678, "en", 2) == "1,234.57"
    assert percent(0.073, "nl") == "7,3%" and percent(0.073, "en") == "7.3%"
    assert percent(0.5, "nl") == "50%"  # a whole number without ",0"
