"""The building blocks of the report and of the panels' summaries: HTML tables (every text
escaped) and the same tables as plain text for the command line."""

from __future__ import annotations

import re
from html import escape
from typing import Any

_NUMERIC = re.compile(r"^[−\-+]?[\d.,\s]+%?$")


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


def text_table(headers: list[str], rows: list[list[Any]], indent: str = "  ") -> list[str]:
    """The table as lines of text, each column as wide as its widest cell (nothing cut off),
    numbers aligned on the right."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [
        bool(rows) and all(_NUMERIC.match(str(row[i])) for row in rows) for i in range(len(headers))
    ]
    lines = []
    for row in cells:
        padded = [
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(row, widths, numeric, strict=True)
        ]
        lines.append(indent + "  ".join(padded).rstrip())
    return lines


def section(title: str, *parts: str) -> str:
    """A report section: a heading and its parts (already HTML)."""
    return f'<section class="kr-report-section"><h2>{escape(title)}</h2>{"".join(parts)}</section>'


__all__ = ["section", "table", "text_table"]
