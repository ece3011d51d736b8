"""Regenerate the guided notebooks and the workshop materials: ``python -m klantreis.guide``."""

from __future__ import annotations

from pathlib import Path

from klantreis.guide.materials import write_materials
from klantreis.guide.notebooks import write_notebooks

ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    for path in [
        *write_notebooks(ROOT / "notebooks"),
        *write_materials(ROOT / "workshop_materials"),
    ]:
        print(path.relative_to(ROOT))
