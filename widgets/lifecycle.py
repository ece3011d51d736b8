"""Widgets that leave a page are closed: a room process lives for a whole workshop."""

from __future__ import annotations

import ipywidgets as w
from klantreis.widgets.looks import kept_open


def close_tree(widget: w.Widget) -> None:
    """Close a widget, every widget inside it, and their layouts and styles (ipywidgets'
    ``close`` leaves those open: each is a widget of its own). A layout or style shared by
    widgets of the tree (see :class:`~klantreis.widgets.looks.Looks`) is closed with it, so
    sharing stays within what is closed together: a form, a list, a panel. Looks made to be
    kept (``Looks(keep=True)``) stay open; their owner closes them (:meth:`Looks.close`)."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    for part in ("layout", "style"):
        owned = getattr(widget, part, None)
        if isinstance(owned, w.Widget) and not kept_open(owned):
            owned.close()
    widget.close()
