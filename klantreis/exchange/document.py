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
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from klantreis import __version__
from klantreis.domain import (
    DomainModel,
    ImportFailed,
    Problem,
    WorkshopParts,
    WorkshopSnapshot,
    name_key,
    utc_now,
)
from klantreis.domain.errors import problems_from
from klantreis.domain.references import COLLECTIONS, PHASES, unknown_references

FORMAT: Literal["klantreis-workshop"] = "klantreis-workshop"
FORMAT_VERSION: Literal[1] = 1
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class DocumentHeader(DomainModel):
    """What a document says about itself; it comes first in the file."""

    format: Literal["klantreis-workshop"] = FORMAT
    version: Literal[1] = FORMAT_VERSION
    generator: str = Field(default=f"klantreis {__version__}", max_length=100)
    exported_at: datetime = Field(default_factory=utc_now)


class WorkshopDocument(WorkshopParts, DocumentHeader):
    """A whole workshop as one JSON document (format ``klantreis-workshop``, version 1)."""

    def to_json(self) -> str:
        """The document as indented JSON text."""
        return self.model_dump_json(indent=2)


def document_from_snapshot(snapshot: WorkshopSnapshot) -> WorkshopDocument:
    """The exchange document of a stored workshop."""
    lists = {name: getattr(snapshot, name) for name in COLLECTIONS}
    return WorkshopDocument(workshop=snapshot.workshop, **lists)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the exchange format, generated from the model."""
    schema = WorkshopDocument.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:klantreis:{FORMAT}:v{FORMAT_VERSION}"
    return schema


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
    known: dict[str, set[str]] = {PHASES: set(document.workshop.phase_keys)}
    for name in COLLECTIONS:
        seen = known.setdefault(name, set())
        for index, item in enumerate(getattr(document, name)):
            if item.id in seen:
                problems.append(Problem(f"{name}.{index}.id", "rule.duplicate_id", {"id": item.id}))
            seen.add(item.id)
    for name in COLLECTIONS:
        for index, item in enumerate(getattr(document, name)):
            problems += unknown_references(
                item, lambda target, value: value in known[target], prefix=f"{name}.{index}."
            )
    # Rules that only hold for the whole: one focus segment, one persona per segment.
    if sum(1 for s in document.segments if s.is_focus) > 1:
        problems.append(Problem("segments", "rule.one_focus"))
    named: dict[str, int] = {}  # as typing one in: "Students" and "students " are one segment
    for index, segment in enumerate(document.segments):
        first = named.setdefault(name_key(segment.name), index)
        if first != index:
            name = document.segments[first].name
            problems.append(
                Problem(f"segments.{index}.name", "rule.segment_exists", {"name": name})
            )
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
