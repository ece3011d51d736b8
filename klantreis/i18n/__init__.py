"""The one catalogue of user-facing text, Dutch by default and complete in English.

Texts are looked up by key: ``t("error.empty", "en")``. Parameters use ``str.format`` syntax
(``{limit}``). A text with a ``count`` has its singular under ``<key>.one``, used when the count
is 1 ("1 dot", not "1 dots"). Catalogue files are ``nl.json`` and ``en.json`` beside this
module; a test fails when a key is missing in either or when their placeholders differ.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Literal, cast, get_args

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "nl"


@cache
def catalogue(language: Language) -> dict[str, str]:
    """All texts of one language, by key."""
    raw = resources.files(__name__).joinpath(f"{language}.json").read_text(encoding="utf-8")
    return cast(dict[str, str], json.loads(raw))


def language_or_default(value: object) -> Language:
    """``value`` when it names a supported language, else the default (Dutch)."""
    if isinstance(value, str) and value.lower()[:2] in LANGUAGES:
        return cast(Language, value.lower()[:2])
    return DEFAULT_LANGUAGE


def has_key(key: str) -> bool:
    """True when the default catalogue has this key."""
    return key in catalogue(DEFAULT_LANGUAGE)


def t(key: str, language: Language = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The text for ``key`` in ``language`` with ``params`` filled in.

    A ``count`` of 1 (or "1", a number already formatted) picks the key's ``.one`` form.
    A key missing in ``language`` falls back to Dutch, then to the key itself, so a person never
    sees a traceback for a missing text; the catalogue test makes sure that does not happen.
    """
    if params.get("count") in (1, "1") and f"{key}.one" in catalogue(language):
        key = f"{key}.one"
    text = catalogue(language).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE).get(key, key)
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


NUMBER_MARKS: dict[str, tuple[str, str]] = {"nl": (",", "."), "en": (".", ",")}
"""Per language, the decimal mark and the thousands separator: 16.487,5 in Dutch, 16,487.5 in
English. The CLI, the report, the sample exports and the charts' number locale all use these."""


def number(value: float, language: Language, decimals: int = 0) -> str:
    """A number as people of ``language`` write it: 16.487 in Dutch, 16,487 in English (with
    ``decimals``: 0,25 and 0.25)."""
    decimal, thousands = NUMBER_MARKS[language]
    return f"{value:,.{decimals}f}".translate(str.maketrans(",.", thousands + decimal))


def percent(share: float, language: Language, decimals: int = 1) -> str:
    """A share (0.073) as a percentage as people of ``language`` write it: 7,3% in Dutch,
    7.3% in English; a whole number without ".0"."""
    text = f"{share * 100:.{decimals}f}".removesuffix(".0")
    return text.replace(".", NUMBER_MARKS[language][0]) + "%"


def choices(prefix: str, values: list[str], language: Language) -> list[tuple[str, str]]:
    """(label, value) pairs for a dropdown, with labels from ``<prefix>.<value>``."""
    return [(t(f"{prefix}.{value}", language), value) for value in values]
