"""The workshop materials: facilitator guide, participant handout and one canvas per step,
rendered from Jinja2 templates in ``klantreis.templates/materials`` with the catalogue's texts
and the agenda, so they say exactly what the notebooks say.

The committed copies in ``workshop_materials/<language>/`` are written by this module (a test
keeps them equal); ``klantreis materials`` writes them anywhere, optionally as PDF.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from klantreis.domain import GoalKind, Situation, phases_for
from klantreis.guide.agenda import FORMATS, minutes, schedule
from klantreis.guide.steps import STEPS
from klantreis.i18n import LANGUAGES, Language, t
from klantreis.templates import materials_dir

A4 = "A4 portrait"
A3 = "A3 landscape"
CANVASES = ("challenge", "scope", "persona", "mapping", "goals", "journey")


@dataclass(frozen=True)
class Material:
    """One printable document: its file name, template, page size and (for canvases) step."""

    name: str
    template: str
    page_size: str
    canvas: str | None = None


MATERIALS: tuple[Material, ...] = (
    Material("facilitator-guide", "facilitator-guide.html.j2", A4),
    Material("participant-handout", "participant-handout.html.j2", A4),
    *(Material(f"canvas-{step}", "canvas.html.j2", A3, step) for step in CANVASES),
)


def markdown_html(text: str) -> Markup:
    """The small markdown subset of the guide texts (paragraphs, '- ' lists, `code`, *em*) as
    HTML; everything else is escaped."""
    blocks = []
    for block in text.split("\n\n"):
        lines = block.splitlines()
        if lines and all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append(f"<p>{_inline(block)}</p>")
    return Markup("".join(blocks))


def _inline(text: str) -> str:
    escaped = html.escape(text)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"\*([^*]+)\*", r"<em>\1</em>", escaped)


def _environment() -> Environment:
    folder = materials_dir()
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(material: Material, language: Language) -> str:
    """One material as an HTML document in ``language``."""

    def text(key: str, **params: Any) -> str:
        return t(key, language, **params)

    context = {
        "language": language,
        "name": material.name,
        "page_size": material.page_size,
        "page_margin": "10mm" if material.page_size == A3 else "16mm 18mm",
        "canvas_height": "238mm",
        "canvas": material.canvas,
        "t": text,
        "md": markdown_html,
        "steps": STEPS,
        "formats": FORMATS,
        "schedule": schedule,
        "minutes": minutes,
        "phases": phases_for("default", language),
        "goals": [goal.value for goal in GoalKind],
        "situations": [situation.value for situation in Situation],
    }
    return _environment().get_template(material.template).render(**context)


def write_materials(folder: Path, languages: tuple[Language, ...] = LANGUAGES) -> list[Path]:
    """Write every material as ``folder/<language>/<name>.html``."""
    written = []
    for language in languages:
        target = folder / language
        target.mkdir(parents=True, exist_ok=True)
        for material in MATERIALS:
            path = target / f"{material.name}.html"
            path.write_text(render(material, language), encoding="utf-8")
            written.append(path)
    return written
