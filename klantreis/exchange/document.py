"""The versioned JSON exchange format of a whole workshop.

A document holds a workshop and everything in it, with ids that only need to be unique inside
the document (templates use readable ones such as ``"seg-young"``). Importing gives every
entity a fresh id, so one document can be imported many times into the same database.
The JSON Schema of this format is generated from :class:`WorkshopDocument` into
``workshop.schema.json`` beside this module (``klantreis schema`` prints it).
"""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from klantreis import __version__
from klantreis.domain import (
    RATING_TARGET,
    Card,
    DomainModel,
    Goal,
    Idea,
    ImportFailed,
    Journey,
    JourneyStep,
    Measure,
    Participant,
    Persona,
    Problem,
    Rating,
    Segment,
    Touchpoint,
    Vote,
    Workshop,
    WorkshopSnapshot,
    utc_now,
)
from klantreis.domain.errors import problems_from

FORMAT: Literal["klantreis-workshop"] = "klantreis-workshop"
FORMAT_VERSION: Literal[1] = 1
MAX_IMPORT_BYTES = 20 * 1024 * 1024

COLLECTIONS = (
    "segments",
    "personas",
    "cards",
    "goals",
    "measures",
    "touchpoints",
    "journeys",
    "steps",
    "participants",
    "votes",
    "ideas",
    "ratings",
)
"""The lists of a workshop, in an order in which each refers only to earlier ones."""


class WorkshopDocument(DomainModel):
    """A whole workshop as one JSON document (format ``klantreis-workshop``, version 1)."""

    format: Literal["klantreis-workshop"] = FORMAT
    version: Literal[1] = FORMAT_VERSION
    generator: str = Field(default=f"klantreis {__version__}", max_length=100)
    exported_at: datetime = Field(default_factory=utc_now)
    workshop: Workshop
    segments: list[Segment] = Field(default_factory=list)
    personas: list[Persona] = Field(default_factory=list)
    cards: list[Card] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    touchpoints: list[Touchpoint] = Field(default_factory=list)
    journeys: list[Journey] = Field(default_factory=list)
    steps: list[JourneyStep] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list)
    votes: list[Vote] = Field(default_factory=list)
    ideas: list[Idea] = Field(default_factory=list)
    ratings: list[Rating] = Field(default_factory=list)

    def to_json(self) -> str:
        """The document as indented JSON text."""
        return self.model_dump_json(indent=2)


def document_from_snapshot(snapshot: WorkshopSnapshot) -> WorkshopDocument:
    """The exchange document of a stored workshop."""
    return WorkshopDocument(
        workshop=snapshot.workshop,
        segments=snapshot.segments,
        personas=snapshot.personas,
        cards=snapshot.cards,
        goals=snapshot.goals,
        measures=snapshot.measures,
        touchpoints=snapshot.touchpoints,
        journeys=snapshot.journeys,
        steps=snapshot.steps,
        participants=snapshot.participants,
        votes=snapshot.votes,
        ideas=snapshot.ideas,
        ratings=snapshot.ratings,
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the exchange format, generated from the model."""
    schema = WorkshopDocument.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:klantreis:{FORMAT}:v{FORMAT_VERSION}"
    return schema


def shipped_schema() -> dict[str, Any]:
    """The schema file that ships with the package (a test keeps it equal to the model)."""
    text = resources.files(__name__.rsplit(".", 1)[0]).joinpath("workshop.schema.json")
    return dict(json.loads(text.read_text(encoding="utf-8")))


def load_document(source: bytes | str | Path) -> WorkshopDocument:
    """Read and check an exchange document; :class:`ImportFailed` says what is wrong with it.

    ``source`` is a path, or the file's bytes or text. Nothing is stored here.
    """
    data = parse_json(_read(source), MAX_IMPORT_BYTES)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportFailed("error.import_not_klantreis")
    if data.get("version") != FORMAT_VERSION:
        raise ImportFailed(
            "error.import_version", found=str(data.get("version")), supported=FORMAT_VERSION
        )
    try:
        document = WorkshopDocument.model_validate(data)
    except ValidationError as exc:
        raise InvalidDocument(problems_from(exc)) from exc
    problems = reference_problems(document)
    if problems:
        raise InvalidDocument(problems)
    return document


def parse_json(raw: bytes, limit: int) -> Any:
    """JSON from a file's bytes, or :class:`ImportFailed` saying why not: larger than ``limit``
    bytes, not UTF-8, not JSON (with line and column), or nested too deeply."""
    if len(raw) > limit:
        raise ImportFailed(
            "error.import_too_large",
            size_mb=round(len(raw) / 1024 / 1024, 1),
            limit_mb=limit // 1024 // 1024,
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed("error.import_not_text") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed("error.import_not_json", line=exc.lineno, column=exc.colno) from exc
    except RecursionError as exc:
        raise ImportFailed("error.import_not_json", line=1, column=1) from exc


class InvalidDocument(ImportFailed):
    """The file is a klantreis document, but parts of it break the rules."""

    key = "error.import_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(count=len(problems))

    def message(self, language: Literal["nl", "en"] = "nl") -> str:
        from klantreis.i18n import t

        head = t(self.key, language, count=len(self.problems))
        details = "; ".join(p.full_message(language) for p in self.problems[:5])
        more = len(self.problems) - 5
        tail = " " + t("error.more_problems", language, count=more) if more > 0 else ""
        return f"{head} {details}{tail}"


def reference_problems(document: WorkshopDocument) -> list[Problem]:
    """Dangling or duplicate ids inside a document, as problems with a path to each."""
    problems: list[Problem] = []
    phase_keys = set(document.workshop.phase_keys)

    def ids(name: str, items: list[Any]) -> set[str]:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                problems.append(Problem(f"{name}.{index}.id", "rule.duplicate_id", {"id": item.id}))
            seen.add(item.id)
        return seen

    segments = ids("segments", document.segments)
    ids("personas", document.personas)
    cards = ids("cards", document.cards)
    ids("goals", document.goals)
    ids("measures", document.measures)
    touchpoints = ids("touchpoints", document.touchpoints)
    journeys = ids("journeys", document.journeys)
    steps = ids("steps", document.steps)
    people = ids("participants", document.participants)
    ids("votes", document.votes)
    ideas = ids("ideas", document.ideas)
    ids("ratings", document.ratings)
    targets = {"ideas": ideas, "segments": segments, "steps": steps}

    def must(path: str, value: str | None, known: set[str], rule: str) -> None:
        if value is not None and value not in known:
            problems.append(Problem(path, rule, {"id": value, "phase": value}))

    for i, persona in enumerate(document.personas):
        must(f"personas.{i}.segment_id", persona.segment_id, segments, "rule.unknown_segment")
    for i, card in enumerate(document.cards):
        must(f"cards.{i}.segment_id", card.segment_id, segments, "rule.unknown_segment")
        must(f"cards.{i}.author_id", card.author_id, people, "rule.unknown_participant")
    for i, goal in enumerate(document.goals):
        must(f"goals.{i}.segment_id", goal.segment_id, segments, "rule.unknown_segment")
        must(f"goals.{i}.author_id", goal.author_id, people, "rule.unknown_participant")
    for i, measure in enumerate(document.measures):
        must(f"measures.{i}.segment_id", measure.segment_id, segments, "rule.unknown_segment")
        must(
            f"measures.{i}.touchpoint_id",
            measure.touchpoint_id,
            touchpoints,
            "rule.unknown_touchpoint",
        )
        must(f"measures.{i}.author_id", measure.author_id, people, "rule.unknown_participant")
        must(f"measures.{i}.phase_key", measure.phase_key, phase_keys, "rule.unknown_phase")
        for key in measure.more_phase_keys:
            must(f"measures.{i}.more_phase_keys", key, phase_keys, "rule.unknown_phase")
        for card_id in measure.card_ids:
            must(f"measures.{i}.card_ids", card_id, cards, "rule.unknown_card")
    for i, touchpoint in enumerate(document.touchpoints):
        for key in touchpoint.phase_keys:
            must(f"touchpoints.{i}.phase_keys", key, phase_keys, "rule.unknown_phase")
    for i, journey in enumerate(document.journeys):
        must(f"journeys.{i}.segment_id", journey.segment_id, segments, "rule.unknown_segment")
    for i, step in enumerate(document.steps):
        must(f"steps.{i}.journey_id", step.journey_id, journeys, "rule.unknown_journey")
        must(f"steps.{i}.touchpoint_id", step.touchpoint_id, touchpoints, "rule.unknown_touchpoint")
        must(f"steps.{i}.phase_key", step.phase_key, phase_keys, "rule.unknown_phase")
    for i, vote in enumerate(document.votes):
        must(f"votes.{i}.participant_id", vote.participant_id, people, "rule.unknown_participant")
        must(f"votes.{i}.card_id", vote.card_id, cards, "rule.unknown_card")
    for i, idea in enumerate(document.ideas):
        must(f"ideas.{i}.segment_id", idea.segment_id, segments, "rule.unknown_segment")
        must(f"ideas.{i}.author_id", idea.author_id, people, "rule.unknown_participant")
    for i, touchpoint in enumerate(document.touchpoints):
        must(f"touchpoints.{i}.author_id", touchpoint.author_id, people, "rule.unknown_participant")
    for i, step in enumerate(document.steps):
        must(f"steps.{i}.author_id", step.author_id, people, "rule.unknown_participant")
    for i, rating in enumerate(document.ratings):
        path = f"ratings.{i}"
        must(f"{path}.participant_id", rating.participant_id, people, "rule.unknown_participant")
        known = targets[RATING_TARGET[rating.kind]]
        must(f"{path}.target_id", rating.target_id, known, "rule.unknown_rating_target")
    # Rules that only hold for the whole: one focus segment, one persona per segment.
    if sum(1 for s in document.segments if s.is_focus) > 1:
        problems.append(Problem("segments", "rule.one_focus"))
    persona_segments = [p.segment_id for p in document.personas]
    if len(persona_segments) != len(set(persona_segments)):
        problems.append(Problem("personas", "rule.one_persona_per_segment"))
    return problems


def _read(source: bytes | str | Path) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, Path):
        try:
            size = source.stat().st_size
            if size > MAX_IMPORT_BYTES:
                raise ImportFailed(
                    "error.import_too_large",
                    size_mb=round(size / 1024 / 1024, 1),
                    limit_mb=MAX_IMPORT_BYTES // 1024 // 1024,
                )
            return source.read_bytes()
        except OSError as exc:
            raise ImportFailed("error.import_unreadable", path=str(source)) from exc
    return source.encode("utf-8")
