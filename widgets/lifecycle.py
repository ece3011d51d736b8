"""Widgets that leave a page are closed: a room process lives for a whole workshop."""

from __future__ import annotations

import ipywidgets as w


def close_tree(widget: w.Widget) -> None:
    """Close a widget, every widget inside it, and their layouts and styles (ipywidgets'
    ``close`` leaves those open: each is a widget of its own). A layout or style shared by
    widgets of the tree (see :class:`~klantreis.widgets.looks.Looks`) is closed with it, so
    sharing stays within what is closed together: a form, a list, a panel."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    for part in ("layout", "style"):
        owned = getattr(widget, part, None)
        if isinstance(owned, w.Widget):
            owned.close()
    widget.close()
