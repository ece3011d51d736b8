"""Errors that reach people: each carries an i18n key and parameters, never a finished sentence.

Callers show ``error.message(language)``. Validation errors from pydantic are turned into
:class:`ValidationFailed` with one :class:`Problem` per field, so a form can show each message
next to its field, in the user's language.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from klantreis.i18n import DEFAULT_LANGUAGE, Language, has_key, t

RULE_PREFIX = "rule."

_PYDANTIC_KEYS = {
    "missing": "error.missing",
    "string_too_short": "error.empty",
    "string_too_long": "error.too_long",
    "too_long": "error.too_many",
    "too_short": "error.too_few",
    "greater_than_equal": "error.at_least",
    "greater_than": "error.more_than",
    "less_than_equal": "error.at_most",
    "less_than": "error.less_than",
    "int_parsing": "error.whole_number",
    "int_type": "error.whole_number",
    "int_from_float": "error.whole_number",
    "float_parsing": "error.number",
    "float_type": "error.number",
    "finite_number": "error.number",
    "bool_parsing": "error.yes_no",
    "bool_type": "error.yes_no",
    "enum": "error.choice",
    "literal_error": "error.choice",
    "string_pattern_mismatch": "error.key_pattern",
    "string_type": "error.text",
    "extra_forbidden": "error.unknown_field",
    "list_type": "error.shape",
    "dict_type": "error.shape",
    "model_type": "error.shape",
    "model_attributes_type": "error.shape",
    "datetime_parsing": "error.datetime",
    "datetime_type": "error.datetime",
    "datetime_from_date_parsing": "error.datetime",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field: where (a dotted path), what (an i18n key), and details."""

    field: str
    key: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def message(self, language: Language = DEFAULT_LANGUAGE) -> str:
        """The problem as a sentence, without the field's name."""
        return t(self.key, language, **self.params)

    def field_label(self, language: Language = DEFAULT_LANGUAGE) -> str:
        """The field's name as a person reads it; '' for a problem with the whole form."""
        return field_label(self.field, language)

    def full_message(self, language: Language = DEFAULT_LANGUAGE) -> str:
        """'Field: problem', or just the problem when it concerns the whole form."""
        label = self.field_label(language)
        return f"{label}: {self.message(language)}" if label else self.message(language)


def field_label(path: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """Translate a dotted field path such as ``phases.2.name`` into 'Phases 3, name'."""
    if not path:
        return ""
    parts: list[str] = []
    for part in path.split("."):
        if part.isdigit():
            if parts:
                parts[-1] = f"{parts[-1]} {int(part) + 1}"
            continue
        key = f"field.{part}"
        parts.append(t(key, language) if has_key(key) else part)
    return ", ".join(parts)


class KlantreisError(Exception):
    """Base of every error meant for a person: an i18n key with parameters."""

    key = "error.unexpected"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or type(self).key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, language: Language = DEFAULT_LANGUAGE) -> str:
        """The error as one sentence in ``language``."""
        return t(self.key, language, **self.params)


class ValidationFailed(KlantreisError):
    """Input broke one or more rules; ``problems`` says which, field by field."""

    key = "error.validation"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(count=len(problems))

    def message(self, language: Language = DEFAULT_LANGUAGE) -> str:
        lines = [problem.full_message(language) for problem in self.problems[:10]]
        if len(self.problems) > 10:
            lines.append(t("error.more_problems", language, count=len(self.problems) - 10))
        return "; ".join(lines)


class NotFound(KlantreisError):
    """The thing asked for does not exist (any more)."""

    key = "error.not_found"


class Conflict(KlantreisError):
    """Someone else changed the same thing in the meantime."""

    key = "error.conflict"


class NotAllowed(KlantreisError):
    """The actor may not do this (someone else's card, a closed step, locked input)."""

    key = "error.not_allowed"


class VoteLimitReached(KlantreisError):
    """The participant has no dots left."""

    key = "error.no_dots_left"


class ImportFailed(KlantreisError):
    """An import file was refused; nothing was changed."""

    key = "error.import_failed"


class StorageError(KlantreisError):
    """The database could not be reached or refused the change; nothing was saved."""

    key = "error.storage"


def rule_error(rule: str, **params: Any) -> PydanticCustomError:
    """An error for a domain rule, to raise inside a pydantic validator.

    The catalogue holds the message under ``rule.<rule>``.
    """
    return PydanticCustomError(RULE_PREFIX + rule, rule, params)


def problems_from(exc: ValidationError, prefix: str = "") -> list[Problem]:
    """Translate a pydantic ValidationError into problems with i18n keys."""
    problems = []
    for error in exc.errors(include_url=False):
        kind = error["type"]
        ctx = dict(error.get("ctx") or {})
        key = kind if kind.startswith(RULE_PREFIX) else _PYDANTIC_KEYS.get(kind, "error.invalid")
        params = {name: _plain(value) for name, value in ctx.items() if name != "error"}
        if "max_length" in params:
            params["limit"] = params["max_length"]
        if "min_length" in params:
            params["limit"] = params["min_length"]
        for bound in ("ge", "gt", "le", "lt"):
            if bound in params:
                params["limit"] = params[bound]
        path = ".".join(str(part) for part in error["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        problems.append(Problem(field=path, key=key, params=params))
    return problems


def validation_failed(exc: ValidationError, prefix: str = "") -> ValidationFailed:
    """A :class:`ValidationFailed` for a pydantic ValidationError."""
    return ValidationFailed(problems_from(exc, prefix))


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str | int | float):
        return value
    return str(value)
