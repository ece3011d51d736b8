"""Generate the guided notebooks (one per step, Dutch and English) from the catalogue.

The notebooks in ``notebooks/<language>/`` are written by this module; a test fails when they
differ from what it would write. Regenerate with ``python -m klantreis.guide``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from klantreis.guide.agenda import minutes
from klantreis.guide.steps import STEPS, GuideStep
from klantreis.i18n import LANGUAGES, Language, t

KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def guide_markdown(step: GuideStep, language: Language) -> str:
    """The narrative of a step: why, how, timing, prompts and pitfalls."""
    parts = [f"# {t(f'guide.{step.key}.title', language)}", t(f"guide.{step.key}.why", language)]
    if step.has_method:
        times = minutes(step.key)
        timing = [f"*{t('guide.timing', language, **times)}*"] if step.in_agenda else []
        parts += [
            f"## {t('guide.heading.how', language)}",
            t(f"guide.{step.key}.how", language),
            *timing,
            f"### {t('guide.heading.prompts', language)}",
            t(f"guide.{step.key}.prompts", language),
            f"### {t('guide.heading.pitfalls', language)}",
            t(f"guide.{step.key}.pitfalls", language),
        ]
    return "\n\n".join(parts)


def build_notebook(step: GuideStep, language: Language) -> NotebookNode:
    """The guided notebook of one step in one language."""
    cells = [
        new_markdown_cell(guide_markdown(step, language)),
        new_markdown_cell(t("guide.connect", language)),
        new_code_cell("import klantreis.widgets as kw\n\nservice = kw.connect()"),
    ]
    if step.key == "start":
        cells.append(new_markdown_cell(t("guide.start.create", language)))
    else:
        cells.append(
            new_markdown_cell(
                f"## {t('guide.heading.form', language)}\n\n{t(f'guide.{step.key}.form', language)}"
            )
        )
    cells.append(new_code_cell(f"kw.{step.panel}(service)"))
    notebook = new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": KERNEL,
        "language_info": {"name": "python"},
        "title": t(f"guide.{step.key}.title", language),
        "klantreis": {"step": step.key, "language": language},
    }
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"{step.key}-{index}"
    return notebook


APPS: dict[str, str] = {
    "dashboard": "import klantreis.widgets as kw\n\nkw.dashboard()",
}
"""The notebooks Voila serves (the dashboard; the room's own pages come from the room process,
see klantreis.widgets.room.server): one cell each; they follow the workshop's language, so
there is one of each."""


def build_app(name: str) -> NotebookNode:
    """The notebook of one app."""
    notebook = new_notebook(cells=[new_code_cell(APPS[name])])
    notebook.cells[0]["id"] = f"{name}-0"
    notebook.metadata = {
        "kernelspec": KERNEL,
        "language_info": {"name": "python"},
        "title": "klantreis",
        "klantreis": {"app": name},
    }
    return notebook


def notebook_text(notebook: NotebookNode) -> str:
    """A notebook as the text that is committed (stable key order, no outputs)."""
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def write_notebooks(folder: Path) -> list[Path]:
    """Write every guided notebook in every language into ``folder/<language>/``."""
    written = []
    for language in LANGUAGES:
        target = folder / language
        target.mkdir(parents=True, exist_ok=True)
        for step in STEPS:
            path = target / step.filename
            path.write_text(notebook_text(build_notebook(step, language)), encoding="utf-8")
            written.append(path)
    apps = folder / "apps"
    apps.mkdir(parents=True, exist_ok=True)
    for name in APPS:
        path = apps / f"{name}.ipynb"
        path.write_text(notebook_text(build_app(name)), encoding="utf-8")
        written.append(path)
    return written


def read(path: Path) -> Any:
    """Read a notebook file."""
    return nbformat.read(path, as_version=4)


def shipped_notebooks(language: Language) -> list[Path]:
    """The guided notebooks that ship with the package, for one language, in order."""
    from importlib import resources

    folder = Path(str(resources.files("klantreis.notebooks").joinpath(language)))
    return [folder / step.filename for step in STEPS]


def copy_notebooks(workshop_folder: Path, language: Language) -> list[Path]:
    """Put the guided notebooks into ``workshop_folder/notebooks`` (existing ones are kept, so
    an analyst's own edits survive)."""
    target = workshop_folder / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for source in shipped_notebooks(language):
        destination = target / source.name
        if not destination.exists():
            destination.write_bytes(source.read_bytes())
        copied.append(destination)
    return copied
