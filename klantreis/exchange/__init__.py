"""The versioned JSON exchange format, CSV export and workshop templates."""
