"""The room's pages in one process: who is served what, and how changes reach every page.

Solara's server calls :func:`Page` once per browser connection, in that connection's own
virtual kernel. Which app a connection gets depends on the listener it came through (see
:data:`VIEW_HEADER`): the console's (this machine only) gets the facilitator console, the
projector's the live dashboard, the room's address the participant app. All pages share one
:class:`Room`: one service (whose snapshot of the workshop is read once per revision, see
:meth:`~klantreis.service.Service.share_snapshots`), one watcher for changes made by other
processes.

How a change travels: a page saves through the service; the store commits and announces the
change on its feed; the room's dispatcher thread hands it to every other open page, each
inside its own virtual kernel (under that kernel's lock, so it never races the page's own
messages). A page that made the change already shows it and skips it.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import ipywidgets as w
import solara
import solara.lab
from klantreis.widgets.chart_slot import SHARED_SPECS
from klantreis.widgets.room.keys import RoomKeys
from klantreis.widgets.room.memory import end_idle_threads, release_memory, resident_mb
from klantreis.widgets.style import full
from solara.server import kernel_context

from klantreis.charts.compose import forget_made
from klantreis.domain import KlantreisError, StorageError
from klantreis.i18n import Language, t
from klantreis.serve.allocator import on_system_allocator
from klantreis.service import Service
from klantreis.store.changes import Change, Subscription
from klantreis.store.watch import ChangeWatcher

logger = logging.getLogger(__name__)

VIEW_HEADER = b"x-klantreis-view"
"""Set on every request that came through the console's or the projector's listener to the
view it serves (:data:`CONSOLE` or :data:`PROJECTOR`), and removed from every request a browser
sent with it: a page knows which app to show, and no participant can ask for the console."""

CONSOLE = "console"
PROJECTOR = "projector"
PARTICIPANT = "participant"
VIEWS = (PARTICIPANT, CONSOLE, PROJECTOR)
"""The room's three views: the participant app, the facilitator console, the projector."""

RELEASE_AFTER = 12.0
"""Seconds of no page leaving after which the room hands freed memory back to the system
(longer than AnyIO keeps an idle connection thread, 10 s, so those threads end first)."""

SESSIONS_FILE = "room-sessions.json"
"""Which browser session joined as which participant, and which opened the console: a reload,
or a restart of the room, continues as the same person without typing the code again, and the
console opens without the token. Readable by its owner only."""


class RoomApp(Protocol):
    """What the room needs of an app on a page (the participant app, the console)."""

    widget: w.Widget

    def on_changes(self, changes: list[Change]) -> None: ...

    def tick(self) -> None: ...

    def close(self) -> None: ...


@dataclass
class Room:
    """Everything the pages of one room share."""

    service: Service
    keys: RoomKeys
    join_url: str = ""
    dashboard_url: str = ""
    folder: Path | None = None
    language: Language = "nl"
    title: str = "klantreis"
    pages: set[RoomPage] = field(default_factory=set)
    sessions: dict[str, str] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)
    """The page language each browser session chose on the join page (kept in the folder with
    the sessions: a reload, or a restart of the room, shows the page in that language again)."""
    consoles: set[str] = field(default_factory=set)
    """The browser sessions that opened the console with the token (kept with the sessions: a
    reload, or a restart of the room, opens the console again without asking)."""
    _watcher: ChangeWatcher | None = None
    _subscription: Subscription | None = None
    _queue: queue.Queue[list[Change] | None] = field(default_factory=queue.Queue)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closed: threading.Event = field(default_factory=threading.Event)
    _left: bool = False
    releases: int = 0
    """How many times the room handed memory back (shown in :meth:`status`)."""
    serving_loop: asyncio.AbstractEventLoop | None = None
    """The event loop of the room's listeners (set by the server); its idle connection
    threads are ended when the room is quiet."""

    def __hash__(self) -> int:
        return id(self)

    def follow(self) -> None:
        """Start following the workshop: changes of this process and of others reach pages."""
        with contextlib.suppress(KlantreisError):
            workshop = self.service.workshop()
            self.language, self.title = workshop.language, workshop.title
        self.sessions = self._read_sessions()
        self.service.share_snapshots()
        self._subscription = self.service.subscribe(self._queue.put)
        self._watcher = ChangeWatcher(self.service.store, self.service.workshop_id).start()
        for target, name in ((self._dispatch, "dispatch"), (self._tick, "tick")):
            thread = threading.Thread(target=target, name=f"klantreis-room-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def close(self) -> None:
        """Stop following and close every page."""
        self._closed.set()
        self._queue.put(None)
        if self._subscription is not None:
            self._subscription.close()
        if self._watcher is not None:
            self._watcher.stop()
        for thread in self._threads:
            thread.join(timeout=5)
        for page in list(self.pages):
            page.close()

    def announced(self) -> int:
        """The highest revision announced in this process so far (no query)."""
        return self.service.store.feed.revision(self.service.workshop_id)

    # -- pages -----------------------------------------------------------------------------

    def add(self, page: RoomPage) -> None:
        with self._lock:
            self.pages.add(page)

    def remove(self, page: RoomPage) -> None:
        with self._lock:
            if page in self.pages:
                self.pages.discard(page)
                self._left = True

    def open_pages(self) -> list[RoomPage]:
        with self._lock:
            return list(self.pages)

    def status(self) -> dict[str, float]:
        """What the room holds now: open pages, Solara sessions, their widgets, this process's
        threads, resident memory (MB), how many times it handed memory back, whether its
        objects go through the C library's allocator (1) or Python's (0), how many times its
        watcher asked the database for the workshop's revision, and how many SQL statements the
        room sent its database in all."""
        contexts = list(kernel_context.contexts.values())
        return {
            "watcher_looks": self._watcher.looks if self._watcher is not None else 0,
            "watcher_queries": self._watcher.queries if self._watcher is not None else 0,
            "statements": self.service.store.statements,
            "pages": len(self.open_pages()),
            "sessions": len(contexts),
            "widgets": sum(len(getattr(c, "widgets", None) or {}) for c in contexts),
            "threads": threading.active_count(),
            "memory_mb": round(resident_mb(), 1),
            "releases": self.releases,
            "system_allocator": float(on_system_allocator()),
        }

    # -- sessions --------------------------------------------------------------------------

    def joined(self, session_id: str, participant_id: str, language: str | None = None) -> None:
        """Remember that this browser session joined as ``participant_id`` (and chose
        ``language`` for its page)."""
        if not session_id:
            return
        with self._lock:
            self.sessions[session_id] = participant_id
            if language:
                self.languages[session_id] = language
            self._write_sessions()

    def participant_of(self, session_id: str) -> str | None:
        """Who this browser session joined as, if it did (also through another room process
        serving the same workshop folder)."""
        if not session_id:
            return None
        with self._lock:
            if session_id not in self.sessions:
                self.sessions.update(self._read_sessions())
            return self.sessions.get(session_id)

    def console_opened(self, session_id: str) -> None:
        """Remember that this browser session opened the console with the token."""
        if not session_id:
            return
        with self._lock:
            self.consoles.add(session_id)
            self._write_sessions()

    def console_open_for(self, session_id: str) -> bool:
        """Whether this browser session opened the console before (also before a restart)."""
        if not session_id:
            return False
        with self._lock:
            if session_id not in self.consoles:
                self.sessions.update(self._read_sessions())
            return session_id in self.consoles

    def language_of(self, session_id: str) -> str | None:
        """The page language this browser session chose, if it chose one."""
        with self._lock:
            if session_id and session_id not in self.languages:
                self.sessions.update(self._read_sessions())
            return self.languages.get(session_id)

    def _read_sessions(self) -> dict[str, str]:
        """Who each browser session joined as, from the folder's sessions file (and the page
        language it chose, into :attr:`languages`)."""
        if self.folder is None:
            return {}
        try:
            data = json.loads((self.folder / SESSIONS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        sessions: dict[str, str] = {}
        for session_id, value in data.items():
            if isinstance(value, str):  # written before page languages were kept
                sessions[str(session_id)] = value
                continue
            if not isinstance(value, dict):
                continue
            if value.get("console") is True:
                self.consoles.add(str(session_id))
            if isinstance(value.get("participant"), str):
                sessions[str(session_id)] = value["participant"]
                if isinstance(value.get("language"), str):
                    self.languages.setdefault(str(session_id), value["language"])
        return sessions

    def _write_sessions(self) -> None:
        """Save the sessions and their page languages, merged with what another room process
        on this folder saved."""
        if self.folder is None:
            return
        import fcntl

        path = self.folder / SESSIONS_FILE
        with (
            contextlib.suppress(OSError),
            (self.folder / (SESSIONS_FILE + ".lock")).open("a") as lock,
        ):
            fcntl.flock(lock, fcntl.LOCK_EX)
            merged: dict[str, str | None] = {**self._read_sessions(), **self.sessions}
            merged.update({session_id: merged.get(session_id) for session_id in self.consoles})
            saved = {
                session_id: {
                    "participant": person,
                    "language": self.languages.get(session_id),
                    "console": session_id in self.consoles,
                }
                for session_id, person in merged.items()
            }
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(saved), encoding="utf-8")
            temporary.chmod(0o600)
            temporary.replace(path)

    # -- the threads -----------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Hand announced changes to every page; batches that queued up go as one."""
        while (changes := self._next_batch()) is not None:
            self._each_page(partial(RoomPage.deliver, changes=changes))
            del changes  # an empty room holds nothing of the last change

    def _next_batch(self) -> list[Change] | None:
        """The changes announced since the last batch (waits for one); None when closing."""
        batch = self._queue.get()
        if batch is None:
            return None
        changes = list(batch)
        with contextlib.suppress(queue.Empty):
            while True:
                more = self._queue.get_nowait()
                if more is None:
                    return None
                changes += more
        return changes

    def _each_page(self, action: Callable[[RoomPage], None]) -> None:
        """Do ``action`` for every open page: participants' pages first, the projector's last
        (its redraw of every chart would keep the phones waiting). A loop in a function of its
        own: a loop variable of a long-running thread would keep the last page (and everything
        it showed) alive after its session ended."""
        for page in sorted(self.open_pages(), key=lambda page: VIEWS.index(page.view)):
            action(page)

    def _tick(self) -> None:
        """Once a second: countdowns and charts that were held back; memory handed back once
        pages have left and the room is quiet for a moment."""
        left_at: float | None = None
        while not self._closed.wait(1.0):
            self._each_page(lambda page: page.run(page.app.tick))
            if self._left:
                self._left, left_at = False, time.monotonic()
            elif left_at is not None and time.monotonic() - left_at > RELEASE_AFTER:
                left_at = None
                if not self.open_pages():
                    self.service.forget_snapshot()
                    SHARED_SPECS.forget()
                    forget_made()
                if self.serving_loop is not None:
                    end_idle_threads(self.serving_loop)
                release_memory()
                self.releases += 1


class RoomPage:
    """One browser's page in the room: its app, inside its own virtual kernel."""

    def __init__(self, room: Room, app: RoomApp, context: Any, view: str = PARTICIPANT) -> None:
        self.room = room
        self.app = app
        self.view = view
        self.context = context
        self.widget = app.widget
        room.add(self)

    def deliver(self, changes: list[Change]) -> None:
        """Show what changed (inside this page's kernel, after its own pending work)."""
        self.run(lambda: self.app.on_changes(changes))

    def run(self, work: Any) -> None:
        """Run ``work`` inside this page's virtual kernel, never at the same time as the
        page's own messages; nothing when the page is gone."""
        context = self.context
        if context is None:
            work()
            return
        with context.lock:
            if context.closed_event.is_set():
                self.room.remove(self)
                return
            with context:
                try:
                    work()
                except Exception:
                    logger.exception("a room page failed to update")

    def close(self) -> None:
        """Release the page: stop listening, close its widgets."""
        self.room.remove(self)
        with contextlib.suppress(Exception):
            self.app.close()


# -- the room this process serves ------------------------------------------------------------

_ROOM: Room | None = None


def set_current_room(room: Room | None) -> None:
    """Make ``room`` the one this process serves (None when it closes)."""
    global _ROOM
    _ROOM = room


def current_room() -> Room:
    """The room this process serves."""
    if _ROOM is None:
        raise RuntimeError("no room is being served in this process")
    return _ROOM


def open_page(
    room: Room, view: str = PARTICIPANT, session_id: str = "", context: Any = None
) -> RoomPage:
    """Build the app for one connection: ``view`` is one of :data:`VIEWS`."""
    from klantreis.widgets.room.console import FacilitatorConsole
    from klantreis.widgets.room.dashboard import LiveDashboard
    from klantreis.widgets.room.participant import ParticipantApp

    since = room.announced()
    app: RoomApp
    if view == PROJECTOR:
        app = LiveDashboard(room.service, room.service.data_folder, follow=False)
    elif view == CONSOLE:
        app = FacilitatorConsole(
            room.service,
            token=room.keys.facilitator_token,
            join_url=room.join_url,
            join_code=room.keys.join_code,
            dashboard_url=room.dashboard_url,
            on_unlocked=lambda: room.console_opened(session_id),
        )
        if room.console_open_for(session_id):
            app.unlock(room.keys.facilitator_token)
    else:
        participant = ParticipantApp(
            room.service,
            room.keys.join_code,
            on_joined=lambda person: room.joined(session_id, person, participant.language),
        )
        known = room.participant_of(session_id)
        if known is not None:
            participant.resume(known, room.language_of(session_id))
        app = participant
    page = RoomPage(room, app, context, view)
    # What was announced while the app read the workshop and before the page was among the
    # open ones reached no page of it: hand it over now (an app skips what it shows already).
    if room.announced() > since:
        page.deliver(room.service.changes_since(since))
    return page


def unavailable(language: Language, problem: KlantreisError) -> w.Widget:
    """What a new arrival sees when the room cannot build its page (the database is away)."""
    away = isinstance(problem, StorageError)
    text = html.escape(t("room.database_away", language) if away else problem.message(language))
    hint = html.escape(t("room.try_again", language))
    box = w.VBox(
        [w.HTML(f'<p class="kr-problem">{text}</p><p class="kr-meta">{hint}</p>')],
        layout=full(),
    )
    box.add_class("klantreis")
    box.add_class("kr-app")
    return box


def _view_of_connection() -> str:
    """The view this connection's listener serves (the participants' listener sets none)."""
    headers = solara.lab.headers.value or {}
    view = (headers.get(VIEW_HEADER.decode()) or [PARTICIPANT])[0]
    return view if view in VIEWS else PARTICIPANT


def _session_id() -> str:
    with contextlib.suppress(Exception):
        return str(solara.get_session_id())
    return secrets.token_hex(8)


@solara.component  # type: ignore[untyped-decorator]
def Page() -> Any:
    """The page of one connection (Solara's entry point): the console or the participant app,
    or the room's own message when the page cannot be built (the database is away)."""
    room = current_room()
    attempt, set_attempt = solara.use_state(0)

    def build() -> RoomPage | w.Widget:
        try:
            return open_page(
                room,
                view=_view_of_connection(),
                session_id=_session_id(),
                context=kernel_context.get_current_context(),
            )
        except KlantreisError as problem:
            return unavailable(room.language, problem)

    page = solara.use_memo(build, [attempt])

    def release() -> Any:
        return page.close if isinstance(page, RoomPage) else None

    solara.use_effect(release, [page])  # the page's title is the room's (in its head)
    if not isinstance(page, RoomPage):
        retry = solara.Button(
            t("room.retry", room.language), on_click=lambda: set_attempt(attempt + 1)
        )
        return solara.Column(children=[page, retry])
    return solara.Column(children=[page.widget], style={"padding": "0"})
