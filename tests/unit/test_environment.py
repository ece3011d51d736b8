"""environment.yml asks for the same packages, with the same bounds, as pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*(.*)$", requirement.strip())
    assert match, requirement
    return match.group(1).lower(), match.group(3).replace(" ", "")


def test_conda_environment_matches_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = dict(_split(r) for r in pyproject["project"]["dependencies"])
    section = (ROOT / "environment.yml").read_text().split("dependencies:", 1)[1]
    listed = [
        line.strip()[2:]
        for line in section.splitlines()
        if line.startswith("  - ") and not line.strip().endswith(":")
    ]
    conda = dict(_split(item) for item in listed if not item.startswith(("python", "pip")))
    assert conda == wanted
