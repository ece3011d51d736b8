"""Workshop templates: exchange documents shipped in ``klantreis.templates.workshops``.

A template is stored once per language as ``<name>.<language>.json``.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from klantreis.i18n import LANGUAGES, Language

if TYPE_CHECKING:
    from klantreis.exchange.document import WorkshopDocument

# Listing the templates loads nothing but the standard library: ``klantreis templates`` and
# ``klantreis --help`` answer at once; loading one checks it with the exchange models.

TEMPLATE_PACKAGE = "klantreis.templates.workshops"
DEFAULT_TEMPLATE = "empty"


def _files() -> list[Traversable]:
    folder = resources.files(TEMPLATE_PACKAGE)
    return sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)


def template_names() -> list[str]:
    """The names of the shipped templates, 'empty' first."""
    names = {f.name.split(".")[0] for f in _files()}
    return sorted(names, key=lambda n: (n != DEFAULT_TEMPLATE, n))


def template_languages(name: str) -> list[Language]:
    """The languages a template is available in."""
    return [
        lang
        for lang in LANGUAGES
        if resources.files(TEMPLATE_PACKAGE).joinpath(f"{name}.{lang}.json").is_file()
    ]


def template_title(name: str, language: Language) -> str:
    """The workshop title of template ``name`` in ``language`` (read, not checked)."""
    file = resources.files(TEMPLATE_PACKAGE).joinpath(f"{name}.{language}.json")
    return str(json.loads(file.read_bytes())["workshop"]["title"])


def load_template(name: str, language: Language) -> WorkshopDocument:
    """The template ``name`` in ``language``; :class:`NotFound` when it does not exist."""
    from klantreis.domain import NotFound
    from klantreis.exchange.document import load_document

    file = resources.files(TEMPLATE_PACKAGE).joinpath(f"{name}.{language}.json")
    if not file.is_file():
        raise NotFound("error.unknown_template", name=name, names=", ".join(template_names()))
    return load_document(file.read_bytes())
