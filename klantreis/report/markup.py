"""The HTML building blocks of the report and of the panels' summaries: every text escaped."""

from __future__ import annotations

from html import escape
from typing import Any


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A table with a header row; every cell shown as text."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        '<div class="kr-table-wrap"><table class="kr-table">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def section(title: str, *parts: str) -> str:
    """A report section: a heading and its parts (already HTML)."""
    return f'<section class="kr-report-section"><h2>{escape(title)}</h2>{"".join(parts)}</section>'


__all__ = ["section", "table"]
