"""Solara's entry point for the room: the package whose folder's sibling ``templates/`` holds
the room's page template (Solara looks for templates beside the app's folder)."""

from klantreis.widgets.room.pages import Page

__all__ = ["Page"]
