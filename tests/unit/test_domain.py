"""The domain model: cleaned text, rules per kind of card, messages in both languages."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from klantreis.domain import (
    SHORT_TEXT_MAX,
    Card,
    CardKind,
    EndGoal,
    GoalKind,
    Measure,
    Persona,
    Phase,
    Polarity,
    Quote,
    Workshop,
    WorkshopSnapshot,
    clean_text,
    phases_for,
    validation_failed,
    written_by,
)
from klantreis.domain.phases import BUILTIN_PHASE_MODELS


def card(**values: object) -> Card:
    base: dict[str, object] = {"workshop_id": "w", "segment_id": "s", "kind": "need", "text": "x"}
    return Card(**{**base, **values})


def problems(exc: ValidationError, language: str = "en") -> list[str]:
    return [p.full_message(language) for p in validation_failed(exc).problems]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Concert  ", "Concert"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ('<img src=x onerror="alert(1)">', '<img src=x onerror="alert(1)">'),
        ("a\u0000b\u0007c", "abc"),
        ("evil\u202etxt.exe", "eviltxt.exe"),
        ("zero\u200bwidth", "zerowidth"),
        ("👩\u200d👩\u200d👧 family", "👩\u200d👩\u200d👧 family"),
        ("e\u0301", "é"),
        ("two\nlines", "two lines"),
    ],
)
def test_typed_text_is_cleaned_but_kept_as_text(typed: str, stored: str) -> None:
    assert card(text=typed).text == stored


def test_paragraphs_keep_their_line_breaks() -> None:
    assert clean_text(" one\n\ntwo \x00") == "one\n\ntwo"
    assert card(detail="one\ntwo").detail == "one\ntwo"


@pytest.mark.parametrize("typed", ["", "   ", "\u200b\u200b", "\x00"])
def test_empty_text_is_refused_with_a_message_per_language(typed: str) -> None:
    with pytest.raises(ValidationError) as info:
        card(text=typed)
    assert problems(info.value, "en") == ["Text: must not be empty"]
    assert problems(info.value, "nl") == ["Tekst: mag niet leeg zijn"]


def test_huge_text_is_refused_with_the_limit() -> None:
    with pytest.raises(ValidationError) as info:
        card(text="x" * 1_000_000)
    assert problems(info.value) == [f"Text: is too long (at most {SHORT_TEXT_MAX} characters)"]


def test_association_needs_a_polarity_and_only_it_has_one() -> None:
    with pytest.raises(ValidationError) as info:
        card(kind="association")
    assert problems(info.value, "nl") == ["kies of de associatie positief of negatief is"]
    with pytest.raises(ValidationError):
        card(kind="barrier", polarity="negative")
    assert card(kind="association", polarity="negative").goal_kind is GoalKind.OVERWRITE_NEGATIVE


def test_only_needs_list_alternatives() -> None:
    assert card(alternatives=["Cinema", "The couch"]).alternatives == ["Cinema", "The couch"]
    with pytest.raises(ValidationError) as info:
        card(kind="barrier", alternatives=["Cinema"])
    assert problems(info.value) == ["alternatives belong to a need"]


@pytest.mark.parametrize(
    ("kind", "polarity", "goal"),
    [
        ("need", None, GoalKind.ADDRESS_NEEDS),
        ("barrier", None, GoalKind.REMOVE_BARRIERS),
        ("association", "positive", GoalKind.STRENGTHEN_POSITIVE),
        ("association", "negative", GoalKind.OVERWRITE_NEGATIVE),
    ],
)
def test_each_card_feeds_one_of_the_four_goals(
    kind: str, polarity: str | None, goal: GoalKind
) -> None:
    assert card(kind=kind, polarity=polarity).goal_kind is goal


def test_numbers_out_of_range_name_their_limit() -> None:
    with pytest.raises(ValidationError) as info:
        Measure(
            workshop_id="w",
            segment_id="s",
            goal_kind="address_needs",
            title="t",
            impact=9,
            effort="lots",
        )
    assert problems(info.value) == ["Impact: must be at most 5", "Effort: must be a whole number"]


def test_nested_fields_are_named_with_their_position() -> None:
    with pytest.raises(ValidationError) as info:
        Workshop(title="x", phases=[Phase(key="a", name="A"), {"key": "b", "name": ""}])
    assert problems(info.value, "nl") == ["Fasen 2, Naam: mag niet leeg zijn"]


def test_phase_keys_must_be_unique_and_well_formed() -> None:
    with pytest.raises(ValidationError) as info:
        Workshop(title="x", phases=[Phase(key="a", name="A"), Phase(key="a", name="B")])
    assert problems(info.value) == ["two phases have the same key"]
    with pytest.raises(ValidationError):
        Phase(key="Bad Key!", name="x")


def test_a_phase_is_looked_up_once_by_position_and_name() -> None:
    workshop = Workshop(
        title="x",
        phases=[
            Phase(key="a", name="Aware"),
            Phase(key="b", name="Buy"),
            Phase(key="c", name="Use"),
        ],
    )
    assert workshop.phase_place("b") == (1, "Buy")
    assert workshop.phase_place("gone", "no phase") == (3, "no phase")  # after every phase
    assert workshop.phase_place(None) == (3, "")
    assert workshop.phase_name("c") == "Use" and workshop.phase_name("gone") == ""
    assert workshop.phase_names(["c", "gone", "a"]) == ["Aware", "Use"]  # the journey's order


@pytest.mark.parametrize("model", list(BUILTIN_PHASE_MODELS))
@pytest.mark.parametrize("language", ["nl", "en"])
def test_builtin_phase_models_are_named_in_each_language(model: str, language: str) -> None:
    phases = phases_for(model, language)  # type: ignore[arg-type]
    assert [p.key for p in phases] == list(BUILTIN_PHASE_MODELS[model])
    assert all(p.name and p.description for p in phases)


def test_default_phase_model_runs_from_latent_need_to_loyalty() -> None:
    names = [p.name for p in phases_for("default", "nl")]
    assert names == [
        "Latente behoefte",
        "Bewustwording",
        "Overweging",
        "Aankoop",
        "Service",
        "Loyaliteit",
    ]


def test_end_goal_is_measurable_with_metric_and_threshold() -> None:
    assert EndGoal(metric="Score", threshold=8).is_measurable
    assert not EndGoal(metric="Score").is_measurable


@pytest.mark.parametrize("typed", [float("nan"), float("inf"), float("-inf"), "nan", "Infinity"])
def test_a_threshold_of_nan_or_infinity_is_no_number(typed: object) -> None:
    """Once stored on SQLite and shown as "nan %" in the report; refused on PostgreSQL with a
    misleading "try again shortly". Now refused before either sees it, in both languages."""
    with pytest.raises(ValidationError) as info:
        EndGoal(metric="Score", threshold=typed)
    assert problems(info.value) == ["Threshold: must be a number"]
    assert problems(info.value, "nl") == ["Drempelwaarde: moet een getal zijn"]


def test_persona_without_research_rests_on_assumptions() -> None:
    persona = Persona(workshop_id="w", segment_id="s", name="Sanne")
    assert persona.rests_on_assumptions_only
    persona.quotes = [Quote(text="I wouldn't know when to clap.")]
    assert not persona.rests_on_assumptions_only


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        card(colour="red")
    assert problems(info.value) == ["colour: is an unknown field"]


def test_snapshot_points_at_top_voted_barriers_without_a_measure() -> None:
    from klantreis.domain import Vote

    workshop = Workshop(id="w", title="x", phases=phases_for("default", "en"))
    fear = card(id="fear", kind="barrier", text="Fear")
    price = card(id="price", kind="barrier", text="Price")
    covered = card(id="covered", kind="barrier", text="Covered")
    measure = Measure(
        workshop_id="w",
        segment_id="s",
        goal_kind="remove_barriers",
        title="m",
        card_ids=["covered"],
    )
    votes = [Vote(workshop_id="w", participant_id="p", card_id="price", dot=i) for i in range(2)]
    snap = WorkshopSnapshot(
        workshop=workshop, cards=[fear, price, covered], measures=[measure], votes=votes
    )
    assert snap.vote_counts()["price"] == 2
    assert [c.id for c in snap.active_cards(kind=CardKind.BARRIER)] == ["fear", "price", "covered"]
    assert snap.active_cards(kind=CardKind.ASSOCIATION, polarity=Polarity.NEGATIVE) == []


def test_custom_phases_get_ascii_keys_made_from_their_names() -> None:
    from klantreis.domain import phases_from_names

    phases = phases_from_names(["Oriëntatie", "Keuze & koop", "Oriëntatie"])
    assert [p.key for p in phases] == ["orientatie", "keuze___koop", "orientatie_2"]
    assert [p.name for p in phases] == ["Oriëntatie", "Keuze & koop", "Oriëntatie"]


def test_every_field_that_points_at_another_record_is_in_the_one_reference_table() -> None:
    """A new ``..._id`` or ``..._ids`` field is checked on import, renumbered by the importer
    and checked by the service only when the reference table knows it."""
    from klantreis.domain.references import COLLECTIONS, ID_FIELDS, PHASE_FIELDS

    for name, model in COLLECTIONS.items():
        for field in model.model_fields:
            if field in ("id", "workshop_id", "target_id"):  # a rating's target: by its kind
                continue
            if field.endswith(("_id", "_ids")):
                assert field in ID_FIELDS, f"{name}.{field}"
            if "phase_key" in field:
                assert field in PHASE_FIELDS, f"{name}.{field}"


def test_references_lists_each_id_and_a_ratings_target() -> None:
    from klantreis.domain import Measure, Rating
    from klantreis.domain.references import Reference, references, unknown_references

    measure = Measure(
        workshop_id="w",
        segment_id="s",
        goal_kind="remove_barriers",
        title="Podcast",
        phase_key="awareness",
        card_ids=["c1", "c2"],
    )
    assert sorted(references(measure), key=str) == sorted(
        [
            Reference("segment_id", "segments", "s"),
            Reference("phase_key", "phases", "awareness"),
            Reference("card_ids", "cards", "c1"),
            Reference("card_ids", "cards", "c2"),
        ],
        key=str,
    )
    found = {("segments", "s"), ("phases", "awareness")}
    problems = unknown_references(measure, lambda target, value: (target, value) in found)
    assert [(p.field, p.key) for p in problems] == [("card_ids", "rule.unknown_card")]  # once
    rating = Rating(
        workshop_id="w", participant_id="p", kind="segment_score", target_id="s", value=3
    )
    assert Reference("target_id", "segments", "s", "rule.unknown_rating_target") in list(
        references(rating)
    )


def test_an_entry_is_its_authors_own_and_an_entry_without_author_is_nobodys() -> None:
    mine = card(author_id="anna")
    assert written_by(mine, "anna") and not written_by(mine, "ben")
    assert not written_by(card(), "anna") and not written_by(card(), None)
    assert not written_by(mine, None)


def test_the_workshop_parts_are_the_collections_the_references_know() -> None:
    from klantreis.domain import WorkshopParts
    from klantreis.domain.references import COLLECTIONS

    lists = [name for name in WorkshopParts.model_fields if name != "workshop"]
    assert lists == list(COLLECTIONS)
    for name, record in COLLECTIONS.items():
        assert WorkshopParts.model_fields[name].annotation == list[record]  # type: ignore[valid-type]
