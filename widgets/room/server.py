"""``klantreis serve``: the live room as one process.

One Python process (this one) serves every participant, the facilitator console and the
projector through Solara's server: each browser gets a virtual kernel (a thread and its own
widgets), not a Jupyter kernel of its own. It listens three times:

- on the room's address (``--host``/``--port``): the participant app, the address people join;
- on this machine only (port + 1): the facilitator console, which still asks for the token;
- on the room's address (port + 2): the live dashboard for the projector, read-only.

Every page follows the same change feed: a save in this process reaches all of them at once,
a change made by another process (a notebook, a second room process) through the room's one
:class:`~klantreis.store.watch.ChangeWatcher`.

Every file a page needs comes from the installed kit: Solara's front-end from the
``solara-assets`` package (its CDN is pointed at a closed local port, so a missing file fails
here instead of being fetched from the internet), the chart code from the kit's cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from klantreis.widgets import upstream
from klantreis.widgets.room import app as room_app
from klantreis.widgets.room.keys import RoomKeys, room_keys
from klantreis.widgets.room.memory import settle_heap, share_memory_arenas
from klantreis.widgets.room.pages import (
    CONSOLE,
    PARTICIPANT,
    PROJECTOR,
    VIEW_HEADER,
    Room,
    current_room,
    set_current_room,
)
from klantreis.widgets.style import CSS

from klantreis.charts.bundles import (
    SERVED_DIR,
    bundle_path,
    ensure_bundles,
    served_root,
)
from klantreis.charts.live import serve_chart_code_here
from klantreis.domain import KlantreisError
from klantreis.folder import connect
from klantreis.i18n import LANGUAGES, Language, t
from klantreis.serve.network import port_taken, room_address, wait_until_serving
from klantreis.serve.processes import run_until_stopped
from klantreis.settings import debug

logger = logging.getLogger(__name__)

GRACE = 3
"""Seconds the listeners give open connections to close when the room stops."""

DROP_AFTER = 600
"""Seconds a page whose connection dropped is kept (a phone that loses Wi-Fi comes back to it);
after that its session ends and everything it held is released."""


def configure_solara(drop_after: int, secret: str, language: Language, title: str) -> None:
    """Set up Solara's server for the room: production mode, no telemetry, no banner or
    loader animation, no CDN, pages of people who left ended after ``drop_after`` seconds,
    its session cookie signed with ``secret``, and ``title`` in every page's head."""
    import solara.server.app as solara_apps
    import solara.server.server as solara_server
    import solara.server.settings as server_settings
    import solara.settings

    server_settings.main.mode = "production"
    # A page's widget messages are queued and sent by the page's connection every 50 ms,
    # instead of each one waiting for the event loop: a page that updates does not stall on
    # its own messages, and thirty arrivals cost the server ~40% less processor time
    # (measured: 2.9 s instead of 5.1 s of CPU for 30 people arriving and leaving).
    server_settings.main.experimental_performance = True
    server_settings.telemetry.mixpanel_enable = False
    server_settings.theme.loader = "plain"
    server_settings.theme.show_banner = False
    server_settings.theme.title = title
    server_settings.kernel.cull_timeout = f"{drop_after}s"
    # After a restart of the room (a crash, a reboot) an open page reconnects to a server that
    # no longer has its session. Every page is built from the workshop's database and the
    # browser's session cookie, so Solara may build it afresh in place ("soft remount") instead
    # of asking the person to refresh: a participant is back as the same person, on the open
    # step, without touching the page.
    server_settings.state.auto_remount = True
    server_settings.session.secret_key = secret
    # Solara warns on every page served over plain http from an address other than
    # "localhost" that its session cookie falls back to SameSite=Lax. That is the cookie the
    # room wants (its pages are never embedded in another site's frame), and a room on a
    # local network is served over http: the warning only filled the facilitator's terminal.
    warnings.filterwarnings("ignore", "Cookies with samesite=none require https", UserWarning)
    # Every front-end file is in the solara-assets package; a file missing there must fail on
    # this machine instead of being fetched from a CDN (the room may have no internet).
    solara.settings.assets.proxy = True
    solara.settings.assets.cdn = "http://127.0.0.1:9/"
    room_app.title = title  # read when Solara makes the app's routes, at the first page
    solara_apps.apps["__default__"] = solara_apps.AppScript(f"{room_app.__name__}:Page")
    # The page template (templates/index.html.j2 beside the app) writes the page's language and
    # says in it when the page is reconnecting.
    template_globals = solara_server.get_jinja_env(app_name="__default__").globals
    template_globals["klantreis_language"] = language
    template_globals["klantreis_css"] = CSS  # every page of the room is styled from its head
    template_globals["klantreis_texts"] = {  # every language: a page may be in another
        lang: {key: t(f"room.{key}", lang) for key in ("reconnecting", "page_lost", "reload")}
        for lang in LANGUAGES
    }
    upstream.apply()


COMPRESS_MESSAGES = False
"""Widget messages go uncompressed: they are small, the room's network is a local one, and
compressing every message for a hundred pages took a third of the server's processor time
(measured with py-spy during thirty arrivals)."""


@dataclass
class RoomServer:
    """The room of one workshop: start, wait until it answers, run until stopped, stop."""

    folder: Path
    host: str = "127.0.0.1"
    port: int = 8866
    db_url: str | None = None
    public_url: str | None = None
    drop_after: int = DROP_AFTER
    keys: RoomKeys = field(init=False)
    join_url: str = field(init=False)
    console_url: str = field(init=False)
    dashboard_url: str = field(init=False)
    room: Room | None = field(default=None, init=False)
    _servers: list[Any] = field(default_factory=list, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)
    _stopping: threading.Event = field(default_factory=threading.Event, init=False)

    def __post_init__(self) -> None:
        self.keys = room_keys(self.folder)
        address = room_address(self.host)
        self.join_url = self.public_url or f"http://{address}:{self.port}/"
        self.console_url = f"http://127.0.0.1:{self.port + 1}/"
        self.dashboard_url = f"http://{address}:{self.port + 2}/"

    @property
    def endpoints(self) -> tuple[tuple[str, int], ...]:
        """Where the room listens: participants, console, projector."""
        return ((self.host, self.port), ("127.0.0.1", self.port + 1), (self.host, self.port + 2))

    # -- starting --------------------------------------------------------------------------

    def start(self) -> None:
        """Open the room: the one room process's three listeners. Refuses (a
        :class:`~klantreis.domain.KlantreisError`) when a port is taken or when an installed
        library is not as the room's patches expect (:func:`klantreis.widgets.upstream.check`)."""
        upstream.check()
        taken = [port for bind, port in self.endpoints if port_taken(bind, port)]
        if taken:
            raise KlantreisError(
                "cli.serve.port_taken", port=taken[0], first=self.port, last=self.port + 2
            )
        share_memory_arenas()
        ensure_bundles()
        service = connect(str(self.folder), self.db_url)
        self.room = Room(
            service=service,
            keys=self.keys,
            join_url=self.join_url,
            dashboard_url=self.dashboard_url,
            folder=self.folder,
        )
        self.room.follow()
        set_current_room(self.room)
        warm_up(service)
        self._start_listeners()
        settle_heap()

    def _start_listeners(self) -> None:
        import uvicorn

        assert self.room is not None
        configure_solara(
            self.drop_after, self.keys.facilitator_token, self.room.language, self.room.title
        )
        app = web_app()
        listeners = (
            (PARTICIPANT, self.host, self.port),
            (CONSOLE, "127.0.0.1", self.port + 1),
            (PROJECTOR, self.host, self.port + 2),
        )
        configs = [
            uvicorn.Config(
                _Listener(app, view),
                host=host,
                port=port,
                log_level="warning",
                lifespan="on" if view == PARTICIPANT else "off",
                timeout_graceful_shutdown=GRACE,
                ws_per_message_deflate=COMPRESS_MESSAGES,
            )
            for view, host, port in listeners
        ]
        self._servers = [uvicorn.Server(config) for config in configs]

        def serve() -> None:
            async def both() -> None:
                assert self.room is not None
                self.room.serving_loop = asyncio.get_running_loop()
                await asyncio.gather(*(server.serve() for server in self._servers))

            asyncio.run(both())

        self._thread = threading.Thread(target=serve, name="klantreis-room", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float = 120) -> None:
        """Block until the room's three listeners answer; RuntimeError when they do not."""
        wait_until_serving(self.endpoints, timeout, self.failed)

    def failed(self) -> bool:
        """True when the room's listeners ended by themselves."""
        return self._thread is not None and not self._thread.is_alive()

    # -- running and stopping --------------------------------------------------------------

    def run_until_stopped(self, requested: threading.Event | None = None) -> None:
        """Serve until Ctrl-C, SIGTERM or SIGHUP (or a part of the room ends), then stop;
        ``requested`` as in :func:`~klantreis.serve.processes.run_until_stopped`."""
        run_until_stopped([], self.stop, alive=lambda: not self.failed(), requested=requested)

    def stop(self) -> None:
        """Close every page and listener, and free the ports."""
        self._stopping.set()
        end_sessions()
        for server in self._servers:
            server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
        if self.room is not None:
            self.room.close()
            set_current_room(None)


def warm_up(service: Any) -> None:
    """Make every chart of the workshop once before the first page: what a chart needs is
    imported and set up now (Altair's schema, the data frames: about a second), not while the
    first thirty people arrive and wait for it."""
    from klantreis.charts import GALLERY
    from klantreis.charts.compose import for_phone

    with contextlib.suppress(KlantreisError):
        snapshot = service.snapshot()
        for build in GALLERY.values():
            with contextlib.suppress(Exception):  # a chart that cannot be made now is made later
                for_phone(build(snapshot).to_dict(validate=False))


def end_sessions() -> None:
    """End every page's session (its connection, its thread and its widgets)."""
    from solara.server import kernel_context

    for context in list(kernel_context.contexts.values()):
        with contextlib.suppress(Exception):
            context.close(reason="server-shutdown")


def web_app() -> Any:
    """The room's web app: the kit's own Starlette app, with the kit's chart code served as a
    file and Solara's page script served with a patient reconnect check (see
    :mod:`klantreis.widgets.upstream`), and Solara's app mounted under them for everything
    else. Solara supports being mounted; a mounted app's start and stop (its lifespan) are not
    run by Starlette, so the kit's app runs Solara's own around its own."""
    import solara.server.starlette as solara_starlette
    from starlette.applications import Starlette
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    charts = served_root() / Path(*SERVED_DIR[1:])
    charts.mkdir(parents=True, exist_ok=True)
    assert bundle_path("module").parent == charts
    serve_chart_code_here()  # the pages' chart widgets load the code from the route below

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        async with solara_starlette.lifespan(solara_starlette.app):
            yield

    script = upstream.patient_page_script()
    routes = [
        # The pages' chart loader asks under the Jupyter base URL Solara gives its pages.
        Mount(f"/jupyter/lab/extensions/{SERVED_DIR[-1]}", app=StaticFiles(directory=charts)),
        Route(PAGE_SCRIPT, partial(_serve_script, script)),
        Mount("", app=solara_starlette.app),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


PAGE_SCRIPT = "/static/main-vuetify.js"
"""Solara's script that runs each page and reconnects it (served by the room with a patient
reconnect check, see :func:`~klantreis.widgets.upstream.patient_page_script`)."""


async def _serve_script(script: str, _request: Any) -> Any:
    from starlette.responses import Response

    return Response(script, media_type="application/javascript")


STATUS_PATH = "/_klantreis/status"
"""On the console's listener only (this machine): what the room holds, as JSON (open pages,
sessions, widgets, threads), for the facilitator's checks, the tests and the benchmarks."""


SERVER_ONLY = frozenset({"/resourcez"})
"""Solara's pages about the server itself (its threads, kernels and connections): answered on
the console's listener only."""


async def _send_status(send: Any, status: int) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"Not found"})


async def _send_json(send: Any, data: Any) -> None:
    body = json.dumps(data).encode()
    headers = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _Listener:
    """The room's web app as one listener sees it: every request is marked with the view this
    listener serves (:data:`~klantreis.widgets.room.pages.VIEW_HEADER`), and any such mark a
    browser sent is removed first."""

    def __init__(self, app: Any, view: str) -> None:
        self.app = app
        self.view = view
        self.console = view == CONSOLE

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.console and scope["type"] == "http" and scope.get("path") == STATUS_PATH:
            await _send_json(send, current_room().status())
            return
        if not self.console and scope["type"] == "http" and scope.get("path") in SERVER_ONLY:
            await _send_status(send, 404)  # the server's own figures are not for the room
            return
        if scope["type"] in ("http", "websocket"):
            headers = [(k, v) for k, v in scope.get("headers", []) if k != VIEW_HEADER]
            if self.view != PARTICIPANT:
                headers.append((VIEW_HEADER, self.view.encode()))
            scope = dict(scope, headers=headers)
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            # A page that sends what no browser sends (not JSON, nested beyond reading, without
            # a channel) loses its connection, and the terminal gets one line, not a traceback.
            if debug():
                logger.exception("a page's connection ended")
            else:
                logger.warning(t("room.log.bad_message", current_room().language, kind=_kind(exc)))
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": 1008})


def _kind(exc: BaseException) -> str:
    """The name of what went wrong, looking inside an exception group for its first cause."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return type(exc).__name__
