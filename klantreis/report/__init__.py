"""Exports for readers: the workshop report, the data tables, static HTML of notebooks, PDF."""
