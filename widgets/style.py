"""The look of klantreis widgets: one stylesheet, laid out for phones first.

Labels sit above their inputs (ipywidgets' side labels squeeze inputs on a 390 px screen),
inputs take the full width up to a comfortable reading width, and charts scroll sideways
instead of overflowing the page.
"""

from __future__ import annotations

import ipywidgets as w

CSS = """
.klantreis { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
  color: #1f2933; max-width: 980px; }
.klantreis * { box-sizing: border-box; }
.klantreis .kr-form { max-width: 640px; width: 100%; gap: 2px; }
.klantreis .kr-label { font-weight: 600; font-size: 14px; margin: 8px 0 2px 0; }
.klantreis .kr-hint { color: #616e7c; font-size: 12px; margin: 0 0 2px 0; }
.klantreis .kr-problem { color: #b3261e; font-size: 13px; min-height: 0; }
.klantreis .kr-problem:empty { display: none; }
.klantreis .kr-status { font-size: 13px; color: #616e7c; }
.klantreis .kr-status-dirty { color: #9a5b00; font-weight: 600; }
.klantreis .kr-status-saved { color: #1e7d4f; }
.klantreis .kr-status-error { color: #b3261e; font-weight: 600; }
.klantreis .kr-buttons { flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.klantreis .kr-buttons button { min-height: 40px; }
.klantreis .kr-row { flex-wrap: wrap; gap: 6px; align-items: center;
  border-bottom: 1px solid #e4e7eb; padding: 6px 0; }
.klantreis .kr-item { flex: 1 1 220px; min-width: 0; overflow-wrap: anywhere; }
.klantreis .kr-meta { color: #616e7c; font-size: 12px; }
.klantreis dl, .klantreis dt, .klantreis dd { float: none !important; width: auto !important;
  text-align: left !important; padding: 0 !important; }
.klantreis dt { font-weight: 600; }
.klantreis dd { margin: 0 0 8px 0 !important; }
.klantreis .kr-chart { overflow-x: auto; max-width: 100%; }
.klantreis .kr-chart svg, .klantreis .kr-chart canvas { max-width: none !important; }
.klantreis .kr-section { font-size: 18px; font-weight: 650; margin: 18px 0 6px 0; }
.klantreis .kr-card { border: 1px solid #e4e7eb; border-radius: 8px; padding: 12px; margin: 6px 0; }
.klantreis .kr-empty { color: #616e7c; font-style: italic; }
.klantreis .widget-text input, .klantreis .widget-textarea textarea, .klantreis select {
  font-size: 16px; }
.klantreis .widget-textarea textarea { min-height: 72px; }
.klantreis .kr-tabs { flex-wrap: wrap; }
@media (max-width: 480px) {
  .klantreis .kr-buttons button { flex: 1 1 auto; }
  .klantreis .kr-section { font-size: 16px; }
}
"""


def full() -> w.Layout:
    """A new full-width layout. Each widget needs its own: a layout is shared state, and hiding
    one widget by its layout would hide every widget that shares it."""
    return w.Layout(width="100%")


def stylesheet() -> w.HTML:
    """The stylesheet as a widget; panels include it once so every page is styled."""
    return w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))


def styled(box: w.Box, *classes: str) -> w.Box:
    """Add CSS classes to a box and return it."""
    for name in classes:
        box.add_class(name)
    return box
