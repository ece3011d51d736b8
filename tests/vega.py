"""Reading compiled Vega specs in tests."""

from __future__ import annotations

from typing import Any


def legend_titles(vega: Any) -> list[str]:
    """The titles of every legend in a compiled Vega spec, at any depth."""
    found: list[str] = []
    if isinstance(vega, dict):
        found += [str(legend.get("title")) for legend in vega.get("legends", [])]
        for value in vega.values():
            found += legend_titles(value)
    elif isinstance(vega, list):
        for value in vega:
            found += legend_titles(value)
    return found
