"""CSV export: one UTF-8 file per entity, readable in Excel and pandas alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from klantreis.domain import WorkshopSnapshot
from klantreis.domain.references import COLLECTIONS

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def frames(snapshot: WorkshopSnapshot) -> dict[str, pd.DataFrame]:
    """One DataFrame per entity, with readable extras: segment names, vote counts, phase names."""
    segment_names = {s.id: s.name for s in snapshot.segments}
    votes = snapshot.vote_counts()
    result: dict[str, pd.DataFrame] = {}
    for name in COLLECTIONS:
        rows = [item.model_dump(mode="json") for item in getattr(snapshot, name)]
        for row in rows:
            if "segment_id" in row:
                row["segment"] = segment_names.get(row["segment_id"], "")
            if "phase_key" in row:
                row["phase"] = snapshot.workshop.phase_name(row["phase_key"])
            if name == "cards":
                row["votes"] = votes.get(row["id"], 0)
        frame = pd.DataFrame(rows)
        result[name] = frame.apply(lambda column: column.map(_cell)) if not frame.empty else frame
    workshop = snapshot.workshop.model_dump(mode="json")
    workshop["phases"] = [p["name"] for p in workshop["phases"]]
    result["workshop"] = pd.DataFrame([{k: _cell(v) for k, v in workshop.items()}])
    return result


def export_csv(snapshot: WorkshopSnapshot, folder: Path) -> list[Path]:
    """Write ``<entity>.csv`` files into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames(snapshot).items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        written.append(path)
    return written


def _cell(value: Any) -> Any:
    """Flatten lists and objects, and defuse text that a spreadsheet would run as a formula."""
    if isinstance(value, list):
        value = "; ".join(_flat(v) for v in value)
    elif isinstance(value, dict):
        value = "; ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, "", []))
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return " / ".join(str(v) for v in value.values() if v not in (None, ""))
    return str(value)
