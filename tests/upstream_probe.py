"""The room's patches tried in a process of their own (``python -m tests.upstream_probe``).

Importing Solara's server patches ipywidgets for the whole process, so what needs it is tried
here, not in the test process; each probe's outcome is printed as JSON ("ok" or what failed),
for tests/unit/test_upstream.py to assert one by one.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from typing import Any

from klantreis.widgets import upstream

from klantreis.domain import KlantreisError

PROBES: dict[str, Callable[[], None]] = {}


def probe(function: Callable[[], None]) -> Callable[[], None]:
    PROBES[function.__name__] = function
    return function


@probe
def every_reliance_holds() -> None:
    problems = {r.name: r.check() for r in upstream.RELIANCES}
    assert all(problem is None for problem in problems.values()), problems


@probe
def a_missing_solara_private_is_refused() -> None:
    from solara.server import patch as solara_patch

    kept = solara_patch.get_ipython_original
    del solara_patch.get_ipython_original
    try:
        upstream.check()
    except KlantreisError as refused:
        assert refused.params["library"] == "solara", refused.params
        assert "get_ipython_original is gone" in refused.params["what"], refused.params
    else:
        raise AssertionError("not refused")
    finally:
        solara_patch.get_ipython_original = kept


@probe
def a_page_shell_is_made_without_its_script_magics() -> None:
    from solara.server import kernel

    page = kernel.Kernel()
    assert "ScriptMagics" not in page.shell.magics_manager.registry  # never made
    assert page.shell.display_formatter.format(1.5)[0]["text/plain"] == "1.5"


@probe
def pages_share_one_display_formatter_that_still_formats() -> None:
    from solara.server import kernel

    first, second = kernel.Kernel(), kernel.Kernel()
    formatter = second.shell.display_formatter
    assert formatter is first.shell.display_formatter and formatter.parent is None
    assert formatter.format(1.5)[0]["text/plain"] == "1.5"


@probe
def a_page_keeps_one_stand_in_shell_that_records_nothing() -> None:
    import IPython
    from solara.server import kernel, kernel_context

    page = kernel_context.VirtualKernelContext(id="p", kernel=kernel.Kernel(), session_id="s")
    with page:
        first, second = IPython.get_ipython(), IPython.get_ipython()
        first.events.trigger("pre_execute")
        assert first is second and type(first.events).__name__ == "_Events"
    assert IPython.get_ipython() is not first  # outside a page: IPython's own answer


class Channel:
    """A control channel as ipywidgets sees one: what it was sent, and its message handler."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.handler: Any = None

    def on_msg(self, handler: Any) -> None:
        self.handler = handler

    def send(self, data: dict[str, Any], buffers: Any = None) -> None:
        self.sent.append(data)


@probe
def each_page_answers_on_its_own_control_channel() -> None:
    import ipywidgets as w
    from solara.server import kernel, kernel_context

    pages = [
        kernel_context.VirtualKernelContext(id=f"p{n}", kernel=kernel.Kernel(), session_id="s")
        for n in range(2)
    ]
    channels = [Channel(), Channel()]
    for page, channel in zip(pages, channels, strict=True):
        with page:
            mine = w.Text(value=f"typed on {page.id}")
            w.Widget.handle_control_comm_opened(channel, {"metadata": {"version": "1.0.0"}})
    with pages[0]:
        channels[0].handler({"content": {"data": {"method": "request_states"}}})
    assert channels[1].sent == []  # the channel opened last no longer answers for everyone
    (answer,) = channels[0].sent
    assert answer["method"] == "update_states"
    values = [state["state"].get("value") for state in answer["states"].values()]
    assert "typed on p0" in values and "typed on p1" not in values, values
    assert mine.value == "typed on p1"


@probe
def the_room_mounts_solaras_app_and_leaves_its_routes_alone() -> None:
    import solara.server.starlette as solara_starlette
    from klantreis.widgets.room.server import PAGE_SCRIPT, web_app

    before = list(solara_starlette.app.router.routes)
    app = web_app()
    assert solara_starlette.app.router.routes == before  # nothing inserted into Solara's app
    assert app.router.routes[-1].app is solara_starlette.app  # everything else is Solara's
    status, script = _get(app, PAGE_SCRIPT)  # without its lifespan: no page is started here
    assert status == 200, status
    assert str(upstream.RECONNECT_CHECK_MS) in script  # the room's script, not Solara's
    assert _get(app, "/readyz")[0] in (200, 503)  # answered by Solara's app


def _get(app: Any, path: str) -> tuple[int, str]:
    """Status and body of an HTTP GET of ``path``, asked of the ASGI ``app`` directly."""
    import asyncio

    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return int(status), body.decode("utf-8", "replace")


def main() -> None:
    upstream.check()
    upstream.apply()
    outcomes: dict[str, str] = {}
    for name, function in PROBES.items():
        try:
            function()
            outcomes[name] = "ok"
        except Exception:
            outcomes[name] = traceback.format_exc()
    print(json.dumps(outcomes))


if __name__ == "__main__":
    main()
