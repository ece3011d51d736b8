"""The room as one process, driven by participants without browsers (the widget protocol).

Each test starts the real ``klantreis serve`` and speaks to it as browsers do (see
tests/room_client.py); the store is read back to prove what was kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Coroutine, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from klantreis.domain import Card, MethodStep
from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder, open_folder
from klantreis.i18n import t
from klantreis.serve.network import port_taken
from klantreis.service import Service
from tests.ports import free_port
from tests.room_client import RoomClient, add_card, join, run_async
from tests.served import (
    ServedRoom,
    alive,
    children_of,
    served_room,
    start_served_room,
    wait_until,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def orchestra_folder(tmp_path: Path) -> tuple[Service, Path]:
    """The English orchestra workshop in a folder, its mapping step open."""
    folder = tmp_path / "orchestra"
    service = create_folder(folder, load_template("orchestra", "en"))
    service.open_method_step(MethodStep.MAPPING)
    return service, folder


@pytest.fixture
def own_room(orchestra_folder: tuple[Service, Path]) -> Iterator[ServedRoom]:
    """``klantreis serve`` on the test's own orchestra folder, stopped afterwards."""
    with served_room(orchestra_folder[1], "--drop-after", "1") as served:
        yield served


@pytest.fixture(scope="module")
def module_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Service, Path]:
    """The English orchestra workshop in a folder, shared by this module's room tests."""
    folder = tmp_path_factory.mktemp("room") / "orchestra"
    return create_folder(folder, load_template("orchestra", "en")), folder


@pytest.fixture(scope="module")
def shared_room(module_folder: tuple[Service, Path]) -> Iterator[ServedRoom]:
    """One ``klantreis serve`` for the tests that need a room but not a room of their own."""
    with served_room(module_folder[1], "--drop-after", "1") as served:
        yield served


@pytest.fixture
def room(shared_room: ServedRoom, module_folder: tuple[Service, Path]) -> ServedRoom:
    """The module's room with its mapping step open (a test before may have closed it)."""
    module_folder[0].open_method_step(MethodStep.MAPPING)
    return shared_room


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    run_async(scenario())


def room_status(room: ServedRoom) -> dict[str, float]:
    """What the room process holds (its status on the console's listener)."""
    with urllib.request.urlopen(f"{room.console_url}_klantreis/status", timeout=30) as answer:
        return dict(json.load(answer))


@pytest.mark.serial  # its figure is the room's memory: measured with the machine to itself
def test_a_hundred_sessions_come_work_and_leave_without_a_leak(
    own_room: ServedRoom, orchestra_folder: tuple[Service, Path]
) -> None:
    service, _folder = orchestra_folder
    room = own_room

    async def session(number: int) -> None:
        client = await RoomClient(room.join_url).open()
        await join(client, room.keys.join_code, f"Person {number}")
        await client.wait_for(lambda: client.find(description=t("form.add", "en")) is not None)
        await add_card(client, f"Card of person {number}")
        # Its own row (a text match would also take "Card of person 20" for person 2's).
        await client.wait_for_row(f"Card of person {number}")
        await client.close()

    async def wave(numbers: range) -> None:
        await asyncio.gather(*(session(n) for n in numbers))

    # Warm up with one wave as large as those measured: every module, cache and pooled thread
    # the room uses is there before the starting memory is read.
    run(lambda: wave(range(0, 25)))
    wait_until(lambda: room_status(room)["sessions"] == 0, timeout=120)
    start = room_status(room)
    for first in range(25, 125, 25):
        run(partial(wave, range(first, first + 25)))
    released = room_status(room)["releases"]
    wait_until(lambda: room_status(room)["sessions"] == 0, timeout=120)  # closed tabs end
    # Once pages stopped leaving for a while, the room hands freed memory back.
    wait_until(lambda: room_status(room)["releases"] > released, timeout=120)
    end = room_status(room)
    texts = [c.text for c in service.snapshot().cards if c.text.startswith("Card of person ")]
    assert sorted(texts) == sorted(f"Card of person {n}" for n in range(125))  # each once
    print(
        f"room process: {start['memory_mb']} MB after 25 sessions, {end['memory_mb']} MB "
        f"after 100 more came and left"
    )
    assert end["pages"] == 0 and end["widgets"] == 0
    assert start["system_allocator"] == 1  # serve restarted itself on the C library's malloc
    assert end["memory_mb"] - start["memory_mb"] < 50, (start, end)


def test_changes_reach_every_open_page_from_this_and_other_processes(
    room: ServedRoom, module_folder: tuple[Service, Path]
) -> None:
    service, _folder = module_folder

    async def scenario() -> None:
        people = [await RoomClient(room.join_url).open() for _ in range(3)]
        for number, client in enumerate(people):
            await join(client, room.keys.join_code, f"Reader {number}")
            await client.wait_for_button(t("form.add", "en"))
        await add_card(people[0], "Pushed from a page")
        for client in people:
            await client.wait_for_text("Pushed from a page", timeout=20)
        segment = service.snapshot().segments[0]
        service.add_card(  # this test process is another process on the same SQLite file
            Card(workshop_id=service.workshop_id, segment_id=segment.id, kind="need", text="Other")
        )
        for client in people:
            await client.wait_for_row("Other", timeout=20)
        service.open_method_step(None)
        for client in people:
            await client.wait_for_text(t("room.waiting", "en"), timeout=20)
        for client in people:
            await client.close()

    run(scenario)


def http_status(url: str) -> int:
    """The status a plain request ends with (redirects followed)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def test_nothing_but_the_apps_answer_and_the_console_needs_its_token(
    room: ServedRoom, module_folder: tuple[Service, Path]
) -> None:
    service, _folder = module_folder
    jupyter = ("/tree", "/lab", "/api/kernels", "/api/contents", "/api/sessions", "/login")
    others = ("/notebooks/dashboard.ipynb", "/voila/render/dashboard.ipynb", "/files/x")
    climbing = ("/../x", "/static/../../etc/passwd", "/static/assets/..%2f..%2fserver.py")
    kept = ("/workshop.sqlite", "/room-sessions.json", "/klantreis.json", "/logs/room.log")
    server = ("/resourcez", "/_klantreis/status", "/jupyter/api/kernels")
    for url in (room.join_url, room.dashboard_url):  # participants' and projector's listeners
        for path in (*jupyter, *others, *climbing, *kept, *server, "/logout"):
            assert http_status(url.rstrip("/") + path) == 404, (url, path)
        assert http_status(url) == 200
    assert http_status(f"{room.console_url}_klantreis/status") == 200  # this computer only

    async def console_without_token() -> None:
        console = await RoomClient(room.console_url).open()
        await console.wait_for(lambda: console.find(placeholder=t("console.token", "en")))
        shown = console.texts()
        assert service.snapshot().cards[0].text not in shown
        assert room.keys.join_code not in shown
        await console.close()

    run(console_without_token)


def test_hidden_results_never_reach_a_phone_or_the_projector(
    room: ServedRoom, module_folder: tuple[Service, Path]
) -> None:
    """With the group's results hidden, what a participant's page and the projector's page
    receive (read on the wire: charts' data, lists, counts) holds nothing of another person's
    entries; once the facilitator shows the results, both receive them, and never the name
    the author typed."""
    service, _folder = module_folder
    segment = service.snapshot().segments[0]
    other = service.join(f"Named {uuid.uuid4().hex[:8]}")
    secret = f"Secret card {uuid.uuid4().hex[:8]}"
    service.set_controls(results_hidden=True)
    try:
        service.add_card(
            Card(workshop_id=service.workshop_id, segment_id=segment.id, kind="need", text=secret),
            other.id,
        )

        async def look() -> None:
            phone, projector = RoomClient(room.join_url), RoomClient(room.dashboard_url)
            for page in (phone, projector):
                page.listen_to_wire()  # everything, from the first message
            await phone.open()
            await join(phone, room.keys.join_code, "Private viewer")
            await phone.wait_for(lambda: phone.find(description=t("form.add", "en")) is not None)
            await projector.open()
            await projector.wait_for_wire(html.escape(t("room.results_hidden_charts", "en")))
            for page in (phone, projector):
                leaks = [m[:300] for m in page.wire if secret in m]
                assert leaks == [], (page is phone, page.url, leaks)
            service.set_controls(results_hidden=False)
            for page in (phone, projector):  # the same pages get the results when shown
                await page.wait_for_wire(secret, timeout=60)
                # whose card it is never reaches another person's page, nor the projector
                assert not any(other.name in message for message in page.wire)
                await page.close()

        run(look)
    finally:
        service.set_controls(results_hidden=False)


MALFORMED = {
    "not JSON": "not json",
    "nested beyond reading": "[" * 100_000 + "]" * 100_000,
    "no channel": json.dumps({"header": {"msg_type": "comm_msg"}, "content": {}}),
}
"""Messages no browser sends, as a page's websocket frames."""


def test_a_malformed_message_closes_its_page_with_one_line_and_no_traceback(
    room: ServedRoom,
) -> None:
    said = t("room.log.bad_message", "en", kind="").split("(")[0]
    before = len("".join(room.output).splitlines())

    async def send_each() -> None:
        for frame in MALFORMED.values():
            page = await RoomClient(room.join_url).open()
            assert page.socket is not None
            await page.socket.send(frame)
            await asyncio.wait_for(page.socket.wait_closed(), timeout=60)  # closed by the room
        other = await RoomClient(room.join_url).open()  # the room goes on for everyone else
        await other.close()

    run(send_each)
    wait_until(lambda: "".join(room.output).count(said) >= len(MALFORMED), timeout=30)
    new = "".join(room.output).splitlines()[before:]
    assert "Traceback" not in "\n".join(new)
    assert len([line for line in new if said in line]) == len(MALFORMED)


def looked_more(room: ServedRoom, looks: float) -> bool:
    """Whether the room's watcher has looked at the database's files ``looks`` times."""
    return room_status(room)["watcher_looks"] >= looks


def test_a_room_where_nothing_happens_asks_its_database_nothing(room: ServedRoom) -> None:
    """With a participant's page and the projector open and nobody doing anything, the room
    sends its database no statement: pages follow the change feed, and the watcher only looks
    at the database's files (the Voila projector asked ten times a second)."""

    async def quietly() -> None:
        phone = await RoomClient(room.join_url).open()
        await join(phone, room.keys.join_code, "Quiet")
        projector = await RoomClient(room.dashboard_url).open()
        await projector.wait_for(lambda: len(projector.models) > 10)
        deadline = time.monotonic() + 60
        while True:  # a write just now keeps the watcher asking for 2 s (see FileLook)
            before = room_status(room)
            wait_until(partial(looked_more, room, before["watcher_looks"] + 30))
            after = room_status(room)
            if after["statements"] == before["statements"]:
                break
            assert time.monotonic() < deadline, (before, after)
        await phone.close()
        await projector.close()

    run(quietly)


def test_an_arrival_gets_chart_loaders_and_the_chart_code_as_one_file(room: ServedRoom) -> None:
    """A phone's chart widgets carry a loader of a few KB, not Vega's ~1 MB each (two charts
    in the mapping step sent 2 MB per arrival, and encoding it was a sixth of the server's
    work); the browser fetches the code once from the room, under Solara's Jupyter base."""
    from klantreis.charts.bundles import SERVED_DIR, bundle_path

    async def arrive() -> None:
        client = await RoomClient(room.join_url).open()
        await join(client, room.keys.join_code, "Light")

        def charts() -> list[dict[str, Any]]:
            return [s for s in client.models.values() if "Chart" in str(s.get("_anywidget_id"))]

        await client.wait_for(lambda: len(charts()) >= 2)
        assert all(len(str(chart["_esm"])) < 20_000 for chart in charts())
        sent = sum(len(json.dumps(state, default=str)) for state in client.models.values())
        assert sent < 400_000
        await client.close()

    run(arrive)
    module = bundle_path("module")
    url = f"{room.join_url.rstrip('/')}/jupyter/lab/extensions/{SERVED_DIR[-1]}/{module.name}"
    with urllib.request.urlopen(url, timeout=30) as answer:
        assert answer.read() == module.read_bytes()


def test_a_reconnecting_page_gets_its_own_widgets_and_nobody_else_does(room: ServedRoom) -> None:
    """A page back from an outage asks for the state of all its widgets on ipywidgets' control
    channel. With two pages' channels open, each is answered on its own channel with its own
    widgets (ipywidgets kept one channel per process: the newest page got the older one's
    widgets, with what its person had typed, and the asking page got nothing)."""

    def shows(states: dict[str, Any], text: str) -> bool:
        return text in json.dumps(states)

    async def scenario() -> None:
        first = await RoomClient(room.join_url).open()
        second = await RoomClient(room.join_url).open()
        await join(first, room.keys.join_code, "First back")
        await join(second, room.keys.join_code, "Second back")
        mine = await first.open_control()
        theirs = await second.open_control()
        await first.request_states(mine)
        await first.wait_for(lambda: mine in first.states_on, timeout=60)
        assert shows(first.states_on[mine], "First back")
        assert not shows(first.states_on[mine], "Second back")
        await second.request_states(theirs)
        await second.wait_for(lambda: theirs in second.states_on, timeout=60)
        assert not shows(second.states_on[theirs], "First back")
        assert mine not in second.states_on and theirs not in first.states_on
        await first.close()
        await second.close()

    run(scenario)
    # A page back from an outage gives the room 10 s, not Solara's 500 ms, to confirm its
    # session before it gives up (a busy phone missed that and its page went dead).
    with urllib.request.urlopen(room.join_url, timeout=30) as page:
        assert "/static/main-vuetify.js" in page.read().decode()
    with urllib.request.urlopen(f"{room.join_url}static/main-vuetify.js", timeout=30) as script:
        served = script.read().decode()
    assert "new Error('app-status timeout')), 10000);" in served
    assert "new Error('app-status timeout')), 500);" not in served


def test_a_restart_keeps_code_token_and_who_joined(
    orchestra_folder: tuple[Service, Path],
) -> None:
    _service, folder = orchestra_folder
    first = start_served_room(folder)

    async def join_once() -> str:
        client = await RoomClient(first.join_url).open()
        await join(client, first.keys.join_code, "Returning")
        await client.close()
        assert client.cookie is not None
        return client.cookie

    try:
        cookie = run_async(join_once())
    finally:
        assert first.stop() == 0
    # Pages served over http to 127.0.0.1 left Solara's cookie warning in the terminal.
    assert "samesite" not in "".join(first.output).lower()
    second = start_served_room(folder)
    try:
        assert second.keys == first.keys

        async def come_back() -> None:
            client = await RoomClient(second.join_url, cookie=cookie).open()
            joined = t("room.joined_as", "en", name="Returning")
            await client.wait_for_text(joined, timeout=20)  # no code typed again
            await client.close()

        run_async(come_back())
    finally:
        second.stop()
    assert len(open_folder(folder).participants()) == 1


@pytest.mark.parametrize(
    "signals",
    [[signal.SIGTERM], [signal.SIGHUP], [signal.SIGINT], [signal.SIGTERM, signal.SIGTERM]],
    ids=["SIGTERM", "SIGHUP", "SIGINT", "SIGTERM-twice"],
)
def test_serve_stops_everything_it_started_on_a_stop_signal(
    orchestra_folder: tuple[Service, Path], signals: list[int]
) -> None:
    """A second signal while stopping (a service manager, ``timeout``) must not leave a
    listener open: the room stops once, completely, and started no other process. Pages are
    open when the signal comes (a phone and the projector): the terminal shows no traceback."""
    _service, folder = orchestra_folder
    served = start_served_room(folder)
    served.keep_reading()
    assert children_of(served.process.pid) == []  # the projector is a page of this process
    with pages_open(served.join_url, served.dashboard_url):
        for sig in signals[:-1]:
            served.process.send_signal(sig)
        assert served.stop(signals[-1]) == 0
    output = "".join(served.output)
    assert "The room is closed." in output
    assert "Traceback" not in output and "CancelledError" not in output, output
    assert not any(port_taken("127.0.0.1", served.port + offset) for offset in range(3))


@contextlib.contextmanager
def pages_open(*urls: str) -> Iterator[None]:
    """A page open on each of ``urls`` (in a thread of their own) until the block ends."""
    import threading

    opened, done = threading.Event(), threading.Event()

    async def hold() -> None:
        pages = [await RoomClient(url).open() for url in urls]
        opened.set()
        while not done.is_set():
            await asyncio.sleep(0.05)
        for page in pages:
            with contextlib.suppress(Exception):
                await page.close()

    thread = threading.Thread(target=lambda: run_async(hold()), daemon=True)
    thread.start()
    assert opened.wait(timeout=120), "the pages did not open"
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=30)


def test_a_stop_signal_while_the_room_starts_stops_it_cleanly(
    orchestra_folder: tuple[Service, Path],
) -> None:
    """A signal that came just as the room said it was open once killed the process with
    the signal's default action (exit -15): the handlers were installed only afterwards."""
    _service, folder = orchestra_folder
    starting = start_served_room(folder, until="Setting up the room")
    assert starting.stop(signal.SIGTERM) == 0
    assert "The room is closed." in "".join(starting.output)
    assert not any(port_taken("127.0.0.1", starting.port + offset) for offset in range(3))
    mine = str(folder.resolve())

    def servers_of_the_folder() -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) != os.getpid():
                with contextlib.suppress(OSError):
                    if mine in (entry / "cmdline").read_bytes().decode(errors="replace"):
                        found.append(int(entry.name))
        return found

    wait_until(lambda: servers_of_the_folder() == [], timeout=30)


@pytest.mark.parametrize("command", ["dashboard", "lab"])
def test_dashboard_and_lab_stop_their_servers_on_sigterm(
    orchestra_folder: tuple[Service, Path], command: str
) -> None:
    _service, folder = orchestra_folder
    port = free_port()
    options = ["--no-browser"] if command == "lab" else []
    process = subprocess.Popen(
        [sys.executable, "-m", "klantreis", command, str(folder), "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, KLANTREIS_LANG="en"),
    )
    deadline = time.monotonic() + 120
    while not port_taken("127.0.0.1", port):
        assert time.monotonic() < deadline and process.poll() is None, "the server never started"
        time.sleep(0.2)
    servers = children_of(process.pid)
    assert servers
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    assert not port_taken("127.0.0.1", port)
    wait_until(lambda: not any(alive(pid) for pid in servers), timeout=20)


def test_a_crash_of_the_room_process_loses_no_acknowledged_save(
    orchestra_folder: tuple[Service, Path],
) -> None:
    """kill -9 while three participants save in a loop: after a restart on the same address
    every card a page showed as saved is there once, the restarted room has the same code and
    token, and each page comes back (with its cookie, as a reload does) as the same person
    and carries on saving."""
    service, folder = orchestra_folder
    served = start_served_room(folder)
    people, cards, kill_at = 3, 12, 5
    acknowledged: list[str] = []
    cookies: dict[int, str] = {}
    progress: dict[int, int] = {}

    async def save(client: RoomClient, number: int, start: int) -> None:
        for n in range(start, cards):
            text = f"Card {n} of person {number}"
            if text not in client.row_texts():  # stored as the room died: the list shows it
                await add_card(client, text)
                await client.wait_for_row(text, timeout=10)
            acknowledged.append(text)  # the page shows it: acknowledged
            progress[number] = n + 1
            if number == 0 and n == kill_at:
                served.process.kill()  # kill -9, mid-session

    async def until_killed(number: int) -> None:
        client = await RoomClient(served.join_url).open()
        await join(client, served.keys.join_code, f"Person {number}")
        await client.wait_for(lambda: client.find(description=t("form.add", "en")) is not None)
        assert client.cookie is not None
        cookies[number], progress[number] = client.cookie, 0
        with contextlib.suppress(TimeoutError, OSError):
            await save(client, number, 0)
        await client.drop()

    async def after_restart(number: int, url: str) -> None:
        client = await RoomClient(url, cookie=cookies[number]).open()
        await client.wait_for_text(t("room.joined_as", "en", name=f"Person {number}"), 30)
        await save(client, number, progress[number])
        await client.close()

    async def before() -> None:
        await asyncio.gather(*(until_killed(n) for n in range(people)))

    try:
        run_async(before())
    finally:
        served.process.kill()
        served.process.wait(timeout=30)
    wait_until(lambda: not any(port_taken("127.0.0.1", served.port + i) for i in range(3)), 30)
    before_crash = len(acknowledged)
    assert before_crash >= kill_at + 1
    again = start_served_room(folder, port=served.port)
    try:
        assert again.keys == served.keys

        async def scenario() -> None:
            await asyncio.gather(*(after_restart(n, again.join_url) for n in range(people)))

        run_async(scenario())
    finally:
        again.stop()
    stored = [c.text for c in service.snapshot().cards if c.text.startswith("Card ")]
    print(
        f"acknowledged {before_crash} before the crash and {len(acknowledged)} in all, "
        f"present {len(set(stored))}, duplicated {len(stored) - len(set(stored))}"
    )
    assert set(acknowledged) <= set(stored) and len(stored) == len(set(stored))
    assert len(set(acknowledged)) == people * cards  # every page carried on to its last card
