"""The look of klantreis widgets: one stylesheet, laid out for phones first.

Labels sit above their inputs (ipywidgets' side labels squeeze inputs on a 390 px screen),
inputs take the full width up to a comfortable reading width, and charts scroll sideways
instead of overflowing the page.
"""

from __future__ import annotations

import ipywidgets as w

CSS = """
.klantreis { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
  color: #1f2933; max-width: 980px;
  /* Jupyter's green, light blue and orange buttons carry white text below the 4.5:1 contrast
     that small text needs (4.1, 3.9, 2.7); these shades reach 5.1, 4.8 and 5.0. */
  --jp-success-color1: #2e7d32; --jp-success-color0: #1b5e20;
  --jp-info-color1: #0277bd; --jp-info-color0: #01579b;
  --jp-warning-color1: #b45309; --jp-warning-color0: #92400e; }
.klantreis * { box-sizing: border-box; }
.klantreis .kr-form { max-width: 640px; width: 100%; gap: 2px; }
.klantreis .kr-label { font-weight: 600; font-size: 14px; line-height: 1.35; margin: 8px 0 2px 0; }
.klantreis .kr-hint { color: #616e7c; font-size: 12px; line-height: 1.35; margin: 0 0 4px 0; }
.klantreis .kr-problem { color: #b3261e; font-size: 13px; min-height: 0; }
.klantreis .kr-problem:empty, .klantreis .kr-caption:empty { display: none; }
.klantreis .kr-hidden { display: none !important; }
/* An input's own label (its description) names it for screen readers; the caption above it
   shows the same words, so the label itself takes no room. */
.klantreis .kr-named > .widget-label { position: absolute !important; width: 1px; height: 1px;
  margin: -1px; padding: 0; border: 0; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
.klantreis .kr-decisions { display: grid; gap: 12px;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 280px), 1fr)); }
.klantreis .kr-decisions .kr-card { margin: 0; }
.klantreis .kr-lead { font-size: 1.8em; line-height: 1.35; }
.klantreis .kr-lead h2 { font-size: 1.4em; margin: 0.2em 0 0.4em; }
.klantreis .kr-lead .kr-section { font-size: 1em; }
.klantreis .kr-lead .kr-meta { font-size: 0.75em; }
.klantreis .kr-lead .kr-table { font-size: inherit; width: auto; }
.klantreis .kr-lead-charts { flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.klantreis .kr-lead-side { flex-direction: row !important; flex-wrap: wrap; gap: 24px;
  align-items: flex-start; }
.klantreis .kr-lead-side > .kr-lead-text { flex: 1 1 560px; min-width: 0; }
.klantreis .kr-lead-side > .kr-lead-charts { flex: 0 1 auto; width: auto !important; }
.klantreis .kr-lead-side .kr-lead { font-size: 1.35em; }
.klantreis .kr-lead-chart { zoom: 1.25; width: auto !important; }
.klantreis .kr-lead ol { margin: 0.2em 0; padding-left: 1.4em; }
.klantreis .kr-lead .kr-table td, .klantreis .kr-lead .kr-table th { padding: 4px 12px; }
.klantreis .kr-status { font-size: 13px; color: #616e7c; min-height: 28px; }
.klantreis .kr-status-dirty { color: #9a5b00; font-weight: 600; }
.klantreis .kr-status-saved { color: #1e7d4f; }
.klantreis .kr-status-error { color: #b3261e; font-weight: 600; }
.klantreis .kr-buttons { flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.klantreis .kr-buttons button { min-height: 40px; }
.klantreis .kr-row { flex-wrap: wrap; gap: 6px; align-items: center;
  border-bottom: 1px solid #e4e7eb; padding: 6px 0; }
.klantreis .kr-item { flex: 1 1 220px; min-width: 0; overflow-wrap: anywhere; }
.klantreis .kr-rows { padding: 0 var(--jp-widgets-margin, 2px); }
.klantreis .kr-rows .kr-row { display: flex; }
.klantreis .kr-actions { display: flex; flex-wrap: wrap; gap: 6px; }
.klantreis .kr-rows .kr-item { font-size: 14px; line-height: 1.4; padding: 4px 0; }
.klantreis .kr-rows button { width: auto; flex: 0 0 auto; padding: 0 14px; margin: 0; }
.klantreis .kr-rows .kr-more { padding: 6px 0; }
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
.klantreis .widget-inline-hbox { max-width: calc(100% - 2 * var(--jp-widgets-margin, 2px)); }
.klantreis .kr-tabs { flex-wrap: wrap; }
.klantreis.kr-app { margin: 0 auto; padding: 8px 4px 48px 4px; }
.klantreis.kr-wide { max-width: 1840px; }
/* The room's pages (Solara): the page never grows wider than the screen; a wide chart scrolls
   inside its own box instead. */
.solara-autorouter-content, .solara-autorouter-content > .v-sheet { min-width: 0;
  max-width: 100%; width: 100%; }
.v-main.solara-content-main { max-width: 100vw; }
.klantreis .kr-title { font-size: 22px; line-height: 1.25; margin: 4px 0 8px 0; }
.klantreis .kr-statusbar { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center;
  background: #f5f7fa; border-radius: 8px; padding: 8px 12px; margin: 4px 0 10px 0;
  font-size: 14px; }
.klantreis .kr-step { font-weight: 700; }
.klantreis .kr-timer { font-weight: 700; font-variant-numeric: tabular-nums; color: #9a5b00; }
.klantreis .kr-locked { color: #b3261e; font-weight: 600; }
.klantreis .kr-projector { display: flex; flex-wrap: wrap; gap: 24px; align-items: center;
  border: 1px solid #e4e7eb; border-radius: 12px; padding: 16px; margin: 8px 0; }
.klantreis .kr-qr svg { width: 220px; height: 220px; }
.klantreis .kr-join-url { font-size: 26px; font-weight: 700; overflow-wrap: anywhere;
  margin: 0 0 8px 0; }
.klantreis .kr-join-code { font-size: 56px; font-weight: 800; letter-spacing: 0.12em;
  margin: 0 0 8px 0; line-height: 1.15; font-variant-numeric: tabular-nums; }
.klantreis .kr-table-wrap { overflow-x: auto; max-width: 100%; }
.klantreis .kr-table { border-collapse: collapse; width: 100%; max-width: 640px; font-size: 14px; }
.klantreis .kr-table:has(th:nth-child(5)) { max-width: 980px; }
.klantreis .kr-table th, .klantreis .kr-table td { text-align: left; padding: 4px 8px;
  border-bottom: 1px solid #e4e7eb; }
@media (max-width: 480px) {
  .klantreis .kr-buttons > * { flex: 1 1 0; width: auto; min-width: max-content; }
  .klantreis .kr-buttons > div { display: flex; }  /* the submit button's box */
  .klantreis .kr-buttons > div > button { flex: 1 1 auto; width: auto; }
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
