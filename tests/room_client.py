"""A participant without a browser: speaks the Jupyter widget protocol to the room's server.

It does what the browser's widget manager does and nothing more: fetches the page (for the
session cookie), opens the page's websocket, asks Solara to run the app, keeps every widget's
state as the server sends it, and sets values and clicks buttons by sending the same messages
a browser sends. The tests use it to prove what the server does with many people (memory after
a hundred sessions, every save stored once); the benchmarks use it to measure the server's
share of a crowd without starving two cores with browsers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import struct
import time
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import websockets

if TYPE_CHECKING:
    from klantreis.i18n import Language

Model = dict[str, Any]


def _message(msg_type: str, content: dict[str, Any], session: str) -> str:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "session": session,
        "username": "klantreis-client",
        "date": datetime.now(UTC).isoformat(),
        "version": "5.3",
    }
    return json.dumps(
        {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
    )


def _decode(raw: str | bytes) -> dict[str, Any]:
    if isinstance(raw, str):
        return dict(json.loads(raw))
    count = struct.unpack("!i", raw[:4])[0]
    offsets = list(struct.unpack("!" + "I" * count, raw[4 : 4 * (count + 1)]))
    end = offsets[1] if len(offsets) > 1 else len(raw)
    return dict(json.loads(raw[offsets[0] : end].decode("utf8")))


def session_cookie(url: str) -> str:
    """The page's session cookie (``name=value``), as the browser gets it with the page."""
    with urllib.request.urlopen(url, timeout=60) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("solara-session-id="):
                return header.split(";", 1)[0]
    return f"solara-session-id={uuid.uuid4()}"


def list_rows(state: Model) -> list[dict[str, Any]]:
    """The rows of a list widget (widgets/lists.py), or none for any other widget (a text
    area's ``rows`` is its height)."""
    rows = state.get("rows")
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


class RoomClient:
    """One page of the room, driven through the widget protocol."""

    def __init__(self, url: str, cookie: str | None = None) -> None:
        self.url = url.rstrip("/") + "/"
        self.cookie = cookie
        self.kernel_id = str(uuid.uuid4())
        self.session = uuid.uuid4().hex
        self.models: dict[str, Model] = {}
        self.socket: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self.received = 0
        self.started = False
        self.wire: list[str] = []
        """Text of the messages received since :meth:`listen_to_wire` (for measuring)."""
        self.states_on: dict[str, dict[str, Any]] = {}
        """The widget states each control channel of this page received (see
        :meth:`open_control`), by channel."""
        self._keep_wire = False

    async def open(self, timeout: float = 60) -> RoomClient:
        """Open the page: cookie, websocket, and the app run until its widgets arrived."""
        if self.cookie is None:
            self.cookie = await asyncio.to_thread(session_cookie, self.url)
        target = self.url.replace("http://", "ws://")
        address = f"{target}jupyter/api/kernels/{self.kernel_id}/channels?session_id={self.session}"
        self.socket = await websockets.connect(
            address, additional_headers={"Cookie": self.cookie}, max_size=None, open_timeout=timeout
        )
        self._reader = asyncio.create_task(self._read())
        comm = uuid.uuid4().hex
        await self._send(
            "comm_open", {"comm_id": comm, "target_name": "solara.control", "data": {}}
        )
        run = {"method": "run", "args": {"path": "", "appName": None, "themes": {}, "dark": False}}
        await self._send("comm_msg", {"comm_id": comm, "data": run})
        await self.wait_for(lambda: self.started, timeout)  # the app ran: every widget is here
        return self

    async def close(self) -> None:
        """Leave as a closed tab does: Solara ends the session at once."""
        if self.socket is not None:
            await asyncio.to_thread(self._close_request)
            await self.socket.close()
        if self._reader is not None:
            self._reader.cancel()

    async def drop(self) -> None:
        """Lose the connection without saying goodbye (a phone out of Wi-Fi)."""
        if self.socket is not None:
            await self.socket.close()
        if self._reader is not None:
            self._reader.cancel()

    def _close_request(self) -> None:
        request = urllib.request.Request(
            f"{self.url}_solara/api/close/{self.kernel_id}?session_id={self.session}",
            method="POST",
            headers={"Cookie": self.cookie or ""},
            data=b"",
        )
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=30).close()

    # -- the widgets -----------------------------------------------------------------------

    def find(
        self,
        *,
        tag: str | None = None,
        text: str | None = None,
        placeholder: str | None = None,
        description: str | None = None,
    ) -> str | None:
        """The id of the first open widget that matches (a CSS class, text in its value, ...)."""
        for model_id, state in self.models.items():
            if tag is not None and tag not in (state.get("_dom_classes") or ()):
                continue
            if text is not None and text not in str(state.get("value", "")):
                continue
            if placeholder is not None and state.get("placeholder") != placeholder:
                continue
            if description is not None and state.get("description") != description:
                continue
            return model_id
        return None

    def texts(self) -> str:
        """Everything the page's HTML widgets and lists show, joined (to look for a text)."""
        shown = []
        for state in self.models.values():
            if state.get("_model_name") == "HTMLModel":
                shown.append(str(state.get("value", "")))
            for row in list_rows(state):
                shown += [str(row.get("text", "")), str(row.get("meta", ""))]
        return "\n".join(shown)

    def row_texts(self) -> list[str]:
        """The main texts of the rows the page's lists show."""
        return [
            str(row.get("text", "")) for state in self.models.values() for row in list_rows(state)
        ]

    async def set_value(self, model_id: str, value: Any) -> None:
        """Type into a field (the whole value, as the browser sends it)."""
        self.models[model_id]["value"] = value
        update = {"method": "update", "state": {"value": value}, "buffer_paths": []}
        await self._send("comm_msg", {"comm_id": model_id, "data": update})

    async def click(self, model_id: str) -> None:
        """Press a button."""
        click = {"method": "custom", "content": {"event": "click"}}
        await self._send("comm_msg", {"comm_id": model_id, "data": click})

    async def wait_for(self, condition: Callable[[], object], timeout: float = 60) -> None:
        """Wait until ``condition()`` holds on the widgets' state; TimeoutError if it never does."""
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the page never showed what was waited for")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(left, 1.0))

    async def wait_for_text(self, text: str, timeout: float = 60) -> None:
        """Wait until some HTML widget shows ``text``."""
        await self.wait_for(lambda: text in self.texts(), timeout)

    async def wait_for_row(self, text: str, timeout: float = 60) -> None:
        """Wait until a list shows a row whose main text is ``text``."""
        await self.wait_for(lambda: text in self.row_texts(), timeout)

    async def wait_for_button(self, description: str, timeout: float = 60) -> None:
        """Wait until the page has a button (or any widget) described as ``description``."""
        await self.wait_for(lambda: self.find(description=description), timeout)

    def listen_to_wire(self) -> None:
        """From now on keep what arrives, to wait for a text in any widget (a chart's data)."""
        self.wire = []
        self._keep_wire = True

    async def wait_for_wire(self, text: str, timeout: float = 60) -> None:
        """Wait until ``text`` arrived in any message since :meth:`listen_to_wire`."""
        await self.wait_for(lambda: any(text in message for message in self.wire), timeout)

    async def open_control(self) -> str:
        """Open ipywidgets' control channel, as a browser's widget manager does when its page
        reconnects; the channel's id."""
        channel = uuid.uuid4().hex
        opened = {"comm_id": channel, "target_name": "jupyter.widget.control", "data": {}}
        message = json.loads(_message("comm_open", opened, self.session))
        message["metadata"] = {"version": "1.0.0"}  # ipywidgets' control protocol
        await self.socket.send(json.dumps(message))
        return channel

    async def request_states(self, channel: str) -> None:
        """Ask on ``channel`` for the state of every widget of the page (the answer lands in
        :attr:`states_on`)."""
        await self._send("comm_msg", {"comm_id": channel, "data": {"method": "request_states"}})

    # -- the wire --------------------------------------------------------------------------

    async def _send(self, msg_type: str, content: dict[str, Any]) -> None:
        await self.socket.send(_message(msg_type, content, self.session))

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                self.received += len(raw)
                if self._keep_wire:
                    self.wire.append(raw if isinstance(raw, str) else raw.decode("utf8", "replace"))
                self._handle(_decode(raw))
        except (websockets.ConnectionClosed, asyncio.CancelledError):
            return

    def _handle(self, message: dict[str, Any]) -> None:
        kind = message.get("msg_type") or message.get("header", {}).get("msg_type")
        content = message.get("content", {})
        if kind == "comm_open":
            state = content.get("data", {}).get("state", {})
            self.models[content["comm_id"]] = dict(state)
        elif kind == "comm_msg":
            data = content.get("data", {})
            model = self.models.get(content.get("comm_id", ""))
            if model is not None and data.get("method") in ("update", "echo_update"):
                model.update(data.get("state", {}))
            elif data.get("method") == "update_states":
                self.states_on[content.get("comm_id", "")] = data.get("states", {})
            elif data.get("method") == "finished":
                self.started = True
        elif kind == "comm_close":
            self.models.pop(content.get("comm_id", ""), None)
        else:
            return
        self._changed.set()


async def join(client: RoomClient, code: str, name: str, timeout: float = 60) -> None:
    """Type the code and a name on the join page and wait until the room shows the person in.
    The placeholders are the Dutch and English ones of the catalogue."""
    from klantreis.i18n import t

    for language in ("nl", "en"):
        if client.find(placeholder=t("room.code_placeholder", language)) is not None:
            break
    else:
        raise RuntimeError("no join form on the page")
    await client.wait_for(lambda: client.find(description=t("room.join", language)) is not None)
    code_field = client.find(placeholder=t("room.code_placeholder", language))
    name_field = client.find(placeholder=t("room.name_placeholder", language))
    button = client.find(description=t("room.join", language))
    assert code_field is not None and name_field is not None and button is not None
    await client.set_value(code_field, code)
    await client.set_value(name_field, name)
    await client.click(button)
    joined = t("room.joined_as", language, name=name)
    await client.wait_for_text(joined, timeout)


class VoilaClient(RoomClient):
    """A page of a Voila app (the live dashboard, or the Voila room of earlier versions): the
    page names its kernel; the widgets' state is asked for as ipywidgets' front-end asks."""

    async def open(self, timeout: float = 600) -> VoilaClient:
        import re

        def fetch() -> str:
            with urllib.request.urlopen(self.url, timeout=timeout) as page:
                return str(page.read().decode())

        page = await asyncio.to_thread(fetch)
        found = re.search(r'"kernelId": "([0-9a-f-]+)"', page)
        if found is None:
            raise RuntimeError("the Voila page names no kernel")
        self.kernel_id = found.group(1)
        target = self.url.replace("http://", "ws://")
        address = f"{target}api/kernels/{self.kernel_id}/channels?session_id={self.session}"
        self.socket = await websockets.connect(address, max_size=None, open_timeout=timeout)
        self._reader = asyncio.create_task(self._read())
        comm = uuid.uuid4().hex
        opened = {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}}
        message = json.loads(_message("comm_open", opened, self.session))
        message["metadata"] = {"version": "1.0.0"}  # ipywidgets' control protocol
        await self.socket.send(json.dumps(message))
        await self._send("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}})
        await self.wait_for(lambda: self.started, timeout)
        return self

    async def close(self) -> None:
        await self.drop()

    def _handle(self, message: dict[str, Any]) -> None:
        content = message.get("content", {})
        data = content.get("data", {})
        kind = message.get("msg_type") or message.get("header", {}).get("msg_type")
        if kind == "comm_msg" and data.get("method") == "update_states":
            for model_id, model in data.get("states", {}).items():
                self.models[model_id] = dict(model.get("state", {}))
            self.started = True
            self._changed.set()
            return
        super()._handle(message)


def run_async(scenario: Any) -> Any:
    """Run a coroutine to its end in a thread of its own and return its result. The browser
    tests' Playwright keeps an event loop running in the test process's main thread, so
    ``asyncio.run`` there would refuse."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, scenario).result()


async def add_card(client: RoomClient, text: str, language: Language = "en") -> None:
    """Type a card into the mapping step's form and press Add (the press carries the text,
    as the browser's button sends it)."""
    from klantreis.i18n import t

    field = client.find(placeholder=t("placeholder.card", language))
    add = client.find(description=t("form.add", language))
    assert field is not None and add is not None
    await client.set_value(field, text)
    await client.click(add)
