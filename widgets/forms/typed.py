"""Text inputs whose value is what their browser shows: the room never sends it back.

ipywidgets answers every value a browser sends with an "echo" of it, for other views of the
same input; a page of the room is the only view of its inputs, so the echo only doubled the
messages of every typed field. And when a form takes the texts its browser showed at a press
(:meth:`~klantreis.widgets.forms.base.Form.start_over`), a message sent back would arrive after
what the person typed next and wipe it: the browser test of a hurried participant lost its
cards that way. These inputs opt out with ipywidgets' public ``echo_update`` trait metadata,
and :func:`take_from_browser` sets their value with the public ``Widget.set_state``, which
changes the value (observers fire) without sending it.
"""

from __future__ import annotations

import ipywidgets as w
from traitlets import Unicode


class TypedText(w.Text):  # type: ignore[misc]  # ipywidgets has no type hints
    """A one-line text input whose value is not echoed back to its browser."""

    value = Unicode(help="String value").tag(sync=True, echo_update=False)


class TypedTextarea(w.Textarea):  # type: ignore[misc]
    """A text area whose value is not echoed back to its browser."""

    value = Unicode(help="String value").tag(sync=True, echo_update=False)


def take_from_browser(widget: TypedText | TypedTextarea, value: str) -> None:
    """Set ``widget.value`` to what its browser shows already, without a message back."""
    if widget.trait_metadata("value", "echo_update", True):
        raise TypeError(f"{type(widget).__name__} echoes its value: use TypedText")
    widget.set_state({"value": value})


__all__ = ["TypedText", "TypedTextarea", "take_from_browser"]
