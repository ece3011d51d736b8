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


__all__ = ["Layout", "Page"]
