"""Solara's entry point for the room: the package whose folder's sibling ``templates/`` holds
the room's page template (Solara looks for templates beside the app's folder)."""

from typing import Any

import solara
from klantreis.widgets.room.pages import Page


@solara.component  # type: ignore[untyped-decorator]
def Layout(children: list[Any] = []) -> Any:  # noqa: B006 (Solara passes the list)
    """Each page of the room is the whole page: without Solara's default app layout (an app
    bar, a sidebar and navigation tabs, none of which the room shows) every arrival makes
    fewer widgets."""
    return children[0]


title = "klantreis"
"""The title of every page in the browser's tab. Solara names the page after this (else after
the package: "App"); the room sets it to the workshop's title before its first page."""

__all__ = ["Layout", "Page", "title"]
