"""The form's text inputs: what their browser sent or shows is never sent back to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ipywidgets as w
import pytest
from klantreis.widgets.forms.typed import TypedText, TypedTextarea, take_from_browser


class Browser:
    """A connection to a browser that keeps what it was sent."""

    kernel = True
    comm_id = "a-browser"

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, data: Any = None, buffers: Any = None) -> None:
        self.sent.append(data)

    def close(self, *args: Any, **kwargs: Any) -> None:
        pass

    def on_msg(self, handler: Any) -> None:
        pass


@pytest.fixture(params=[TypedText, TypedTextarea, w.Text])
def connected_input(request: pytest.FixtureRequest) -> Iterator[tuple[w.Widget, Browser]]:
    """A text input of each kind the forms could use, connected to a browser that records."""
    field = request.param()
    browser = Browser()
    field.comm = browser
    yield field, browser
    field.close()


def test_what_the_browser_shows_is_taken_without_a_message_back(
    connected_input: tuple[w.Widget, Browser],
) -> None:
    field, browser = connected_input
    if isinstance(field, TypedText | TypedTextarea):
        seen: list[str] = []
        field.observe(lambda change: seen.append(change["new"]), names="value")
        take_from_browser(field, "typed in the browser")
        assert field.value == "typed in the browser" and seen == ["typed in the browser"]
        assert browser.sent == []
    else:  # an input that echoes would send it back: refused, not done quietly
        with pytest.raises(TypeError, match="echoes its value"):
            take_from_browser(field, "typed in the browser")


def test_what_the_browser_sends_is_echoed_only_by_an_ordinary_input(
    connected_input: tuple[w.Widget, Browser],
) -> None:
    field, browser = connected_input
    field.set_state({"value": "sent by the browser"})  # as ipywidgets handles a browser's update
    echoed = [m for m in browser.sent if m.get("method") == "echo_update"]
    assert field.value == "sent by the browser"
    assert len(echoed) == (0 if isinstance(field, TypedText | TypedTextarea) else 1)


def test_a_change_made_by_the_room_is_sent(connected_input: tuple[w.Widget, Browser]) -> None:
    field, browser = connected_input
    field.value = "changed by the room"
    assert [m["state"] for m in browser.sent if m.get("method") == "update"] == [
        {"value": "changed by the room"}
    ]
