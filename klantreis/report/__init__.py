"""Exports for readers: summaries, static HTML of notebooks, the report."""
