"""The exchange format: lossless round trips, shipped templates, and refusing bad files safely."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pytest

from klantreis.domain import ImportFailed, MethodStep
from klantreis.exchange.document import (
    MAX_IMPORT_BYTES,
    WorkshopDocument,
    document_from_snapshot,
    json_schema,
    load_document,
)
from klantreis.exchange.importer import import_document
from klantreis.exchange.tabular import export_csv
from klantreis.exchange.templates import load_template, template_languages, template_names
from klantreis.service import Service
from klantreis.store.store import Store

CASES = ["orchestra", "b2b_service", "webshop", "telecom"]


def shape(document: WorkshopDocument) -> dict[str, Any]:
    """The structure of a document without its texts and ids: counts and enum values."""
    return {
        "phases": document.workshop.phase_keys,
        "segments": [(s.relevance, s.is_focus) for s in document.segments],
        "cards": [(c.kind, c.polarity, len(c.alternatives), c.basis) for c in document.cards],
        "goals": [g.kind for g in document.goals],
        "measures": [
            (m.goal_kind, m.phase_key, len(m.card_ids), m.impact, m.effort)
            for m in document.measures
        ],
        "touchpoints": [(t.channel, t.phase_keys) for t in document.touchpoints],
        "steps": [(s.position, s.phase_key, s.feeling) for s in document.steps],
        "end_goal": (document.workshop.end_goal.threshold, document.workshop.challenge_kind),
    }


def comparable(document: WorkshopDocument) -> dict[str, Any]:
    """A document's content with ids replaced by what they point at, for round-trip checks."""
    data = document.model_dump(mode="json", exclude={"exported_at", "generator"})
    for key in ("id", "created_at", "version"):  # an import is a new workshop at version 1
        data["workshop"].pop(key)
    for name, items in data.items():
        if isinstance(items, list):
            for item in items:
                for key in (
                    "id",
                    "workshop_id",
                    "segment_id",
                    "journey_id",
                    "touchpoint_id",
                    "card_ids",
                    "author_id",
                    "participant_id",
                    "card_id",
                ):
                    item.pop(key, None)
            data[name] = sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return data


def test_all_seed_cases_and_the_empty_workshop_ship_in_both_languages() -> None:
    assert template_names() == ["empty", *sorted(CASES)]
    for name in template_names():
        assert template_languages(name) == ["nl", "en"]


@pytest.mark.parametrize("name", ["empty", *CASES])
def test_dutch_and_english_templates_have_the_same_structure(name: str) -> None:
    nl, en = load_template(name, "nl"), load_template(name, "en")
    assert shape(nl) == shape(en)
    assert (nl.workshop.language, en.workshop.language) == ("nl", "en")
    assert nl.workshop.title != en.workshop.title


def test_the_b2b_case_has_thirteen_steps_ending_in_a_score_of_eight() -> None:
    document = load_template("b2b_service", "en")
    assert len(document.steps) == 13
    assert document.workshop.end_goal.threshold == 8
    assert "8" in document.steps[-1].action


def test_the_orchestra_has_two_segments_the_music_barrier_and_the_podcast() -> None:
    document = load_template("orchestra", "en")
    assert len(document.segments) == 2
    barrier = next(c for c in document.cards if "know the music" in c.text)
    podcast = next(m for m in document.measures if "podcast" in m.title)
    assert barrier.id in podcast.card_ids
    alternatives = {a for c in document.cards for a in c.alternatives}
    assert {"Cinema", "The couch at home with a series"} <= alternatives


def test_the_webshop_story_crosses_four_departments() -> None:
    document = load_template("webshop", "en")
    assert {s.department for s in document.steps} == {
        "Marketing",
        "Website",
        "Customer service",
        "Fulfilment",
    }


@pytest.mark.parametrize("name", CASES)
def test_export_then_import_loses_nothing(memory_store: Store, name: str) -> None:
    original = import_document(memory_store, load_template(name, "nl"))
    original.open_method_step(MethodStep.MAPPING)
    anna = original.join("Anna")
    card = original.snapshot().active_cards()[0]
    original.vote(card.id, anna.id)
    exported = document_from_snapshot(original.snapshot())
    text = exported.to_json()
    copy = import_document(memory_store, load_document(text.encode()))
    again = document_from_snapshot(copy.snapshot())
    assert copy.workshop_id != original.workshop_id
    assert comparable(again) == comparable(exported)
    assert again.votes[0].card_id == next(c.id for c in again.cards if c.text == card.text)
    assert linked_texts(again) == linked_texts(exported)


def linked_texts(document: WorkshopDocument) -> set[tuple[str, ...]]:
    """What each measure and step points at, by text instead of id."""
    cards = {c.id: c.text for c in document.cards}
    touchpoints = {t.id: t.name for t in document.touchpoints}
    journeys = {j.id: j.name for j in document.journeys}
    segments = {s.id: s.name for s in document.segments}
    links = {
        (
            m.title,
            segments[m.segment_id],
            touchpoints.get(m.touchpoint_id or "", ""),
            *sorted(cards[c] for c in m.card_ids),
        )
        for m in document.measures
    }
    links |= {
        (s.action, journeys[s.journey_id], touchpoints.get(s.touchpoint_id or "", ""))
        for s in document.steps
    }
    links |= {(p.name, segments[p.segment_id]) for p in document.personas}
    return links


def shipped_schema() -> dict[str, Any]:
    """The schema file that ships with the package."""
    text = resources.files("klantreis.exchange").joinpath("workshop.schema.json")
    return dict(json.loads(text.read_text(encoding="utf-8")))


def test_the_shipped_schema_is_generated_from_the_model() -> None:
    assert shipped_schema() == json.loads(json.dumps(json_schema()))


@pytest.mark.parametrize("name", CASES)
def test_templates_validate_against_the_json_schema(name: str) -> None:
    data = json.loads(load_template(name, "en").to_json())
    jsonschema.validate(data, shipped_schema())


def workshop_count(store: Store) -> int:
    with store.read() as tx:
        return len(tx.workshops())


def valid_document() -> dict[str, Any]:
    return json.loads(load_template("orchestra", "en").to_json())


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty file": (b"", "not a valid JSON file (error at line 1, column 1)"),
    "not json": (b"hello, workshop", "not a valid JSON file"),
    "binary": (bytes(range(256)) * 10, "not a text file"),
    "a list": (b"[1, 2, 3]", "not a klantreis workshop"),
    "other json": (b'{"name": "something else"}', "not a klantreis workshop"),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "not a valid JSON file"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_with_a_clear_message(memory_store: Store, case: str) -> None:
    content, expected = BAD_FILES[case]
    before = workshop_count(memory_store)
    with pytest.raises(ImportFailed) as info:
        load_document(content)
    assert expected in info.value.message("en")
    assert "Er is niets veranderd" in info.value.message("nl")
    assert workshop_count(memory_store) == before


def test_a_newer_format_version_is_named(memory_store: Store) -> None:
    data = valid_document() | {"version": 7}
    with pytest.raises(ImportFailed) as info:
        load_document(json.dumps(data))
    assert info.value.message("en").startswith(
        "This file has format version 7; this version of klantreis reads version 1."
    )


def test_missing_and_wrong_fields_are_listed(memory_store: Store) -> None:
    data = valid_document()
    del data["workshop"]["title"]
    data["cards"][0]["kind"] = "wish"
    data["steps"][0]["feeling"] = 11
    with pytest.raises(ImportFailed) as info:
        load_document(json.dumps(data))
    message = info.value.message("en")
    assert message.startswith("The file contains 3 errors and was not imported")
    assert "Workshop, Title: is required" in message
    assert "Cards 1, Kind: is not one of the available choices" in message
    assert "Steps 1, How the customer feels: must be at most 2" in message


def test_dangling_references_are_refused(memory_store: Store) -> None:
    data = valid_document()
    data["measures"][0]["card_ids"] = ["ghost"]
    data["steps"][0]["phase_key"] = "nirvana"
    with pytest.raises(ImportFailed) as info:
        load_document(json.dumps(data))
    assert "a linked card does not exist" in info.value.message("en")
    assert 'the phase "nirvana" does not exist' in info.value.message("en")


@pytest.mark.parametrize("twin", ["{name} ", "{upper}", "\u200b{name}"])
def test_an_import_refuses_segment_names_that_typing_refuses(twin: str) -> None:
    """Two segments whose names differ only in case, spaces or an invisible mark are one
    segment when typed in; an import says the same."""
    data = valid_document()
    name = data["segments"][0]["name"]
    twin_name = twin.format(name=name, upper=name.upper())
    second = dict(data["segments"][0], id="segment-twin", name=twin_name, is_focus=False)
    data["segments"].append(second)
    with pytest.raises(ImportFailed) as info:
        load_document(json.dumps(data))
    assert f'there is already a segment called "{name}"' in info.value.message("en")


def test_fifty_megabytes_of_junk_is_refused_before_parsing(
    tmp_path: Path, memory_store: Store
) -> None:
    junk = tmp_path / "junk.json"
    junk.write_bytes(b'{"format": "klantreis-workshop", "x": "' + b"a" * (50 * 1024 * 1024) + b'"}')
    with pytest.raises(ImportFailed) as info:
        load_document(junk)
    assert info.value.message("en") == (
        f"The file is too large (50.0 MB; at most {MAX_IMPORT_BYTES // 2**20} MB)."
        " Nothing was changed."
    )
    assert workshop_count(memory_store) == 0


def test_a_failing_import_writes_nothing(memory_store: Store, orchestra: Service) -> None:
    document = load_template("telecom", "en")
    broken = document.model_copy(update={"votes": document.votes})
    # A participant id that breaks the database's foreign key halfway through the import.
    from klantreis.domain import Vote

    broken.votes.append(
        Vote(workshop_id="x", participant_id="p", card_id=document.cards[0].id, dot=0)
    )
    before = workshop_count(memory_store)
    with pytest.raises(ImportFailed):
        import_document(memory_store, broken)
    assert workshop_count(memory_store) == before


def test_csv_export_writes_one_readable_file_per_part(tmp_path: Path, orchestra: Service) -> None:
    orchestra.open_method_step(MethodStep.MAPPING)
    mallory = orchestra.join('=HYPERLINK("http://evil")')
    segment = orchestra.snapshot().segments[0]
    from klantreis.domain import Card

    orchestra.add_card(
        Card(
            workshop_id=orchestra.workshop_id,
            segment_id=segment.id,
            kind="need",
            text="=1+1 <b>x</b>",
        ),
        mallory.id,
    )
    paths = export_csv(orchestra.snapshot(), tmp_path)
    names = {p.name for p in paths}
    assert {"workshop.csv", "cards.csv", "measures.csv", "steps.csv", "segments.csv"} <= names
    cards = pd.read_csv(tmp_path / "cards.csv", encoding="utf-8-sig")
    assert len(cards) == 8
    assert "'=1+1 <b>x</b>" in set(cards["text"])
    assert set(cards["segment"]) <= {"Young city dwellers", "Loyal subscribers"}
    people = pd.read_csv(tmp_path / "participants.csv", encoding="utf-8-sig")
    assert people["name"].tolist() == ['\'=HYPERLINK("http://evil")']
    steps = pd.read_csv(tmp_path / "steps.csv", encoding="utf-8-sig")
    assert steps["phase"].tolist()[:2] == ["Awareness", "Consideration"]
