"""The live room end to end: a facilitator and five participants in their own browsers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder, open_folder
from klantreis.i18n import t
from klantreis.serve.network import port_taken
from tests.ports import free_port
from tests.served import ServedRoom, start_served_room
from tests.ui.conftest import settled, sticking_out

pytestmark = pytest.mark.ui
PAYLOADS = ('<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>")


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedRoom]:
    """A running room (participant app, console, dashboard) for the English orchestra workshop."""
    folder = tmp_path_factory.mktemp("room") / "orchestra"
    create_folder(folder, load_template("orchestra", "en"))
    started = start_served_room(folder)
    try:
        yield started
    finally:
        started.stop()


class Elements(HTMLParser):
    """The elements of a page and the text of its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def ready(page: Any, text: str, timeout: float = 90_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def join(view: Any, url: str, code: str, name: str) -> None:
    view.page.goto(url)
    ready(view.page, "Join code")
    view.page.get_by_placeholder("for example K7M2QX").fill(code)
    view.page.get_by_placeholder("Your name").fill(name)
    view.page.get_by_role("button", name="Join").click()
    ready(view.page, f"You are taking part as {name}")


def open_console(view: Any, room: ServedRoom) -> None:
    view.page.goto(room.console_url)
    ready(view.page, "Facilitator console")
    view.page.get_by_placeholder("Facilitator token").fill(room.keys.facilitator_token)
    view.page.get_by_role("button", name="Open").click()
    ready(view.page, "Step for participants")


def test_a_wrong_join_code_is_refused(room: ServedRoom, offline_page: Any) -> None:
    view = offline_page(390, 844)
    view.page.goto(room.join_url)
    ready(view.page, "Join code")
    # The tab says which workshop, also once Solara's title widget has set it (it said "App").
    view.page.wait_for_function("(window._solaraTitles || []).length > 0")
    expect(view.page).to_have_title(open_folder(room.folder).workshop().title)
    view.page.get_by_label("Join code").fill("WRONG1")  # the fields are named by their labels
    view.page.get_by_label("Name", exact=True).fill("Mallory")
    view.page.get_by_role("button", name="Join").click()
    ready(view.page, "This code is not right")
    assert view.page.get_by_text("You are taking part").count() == 0
    assert sticking_out(view.page) == []
    assert view.errors == []


def test_a_page_that_solara_gave_up_says_so_and_reloads(
    room: ServedRoom, offline_page: Any
) -> None:
    """When Solara gives a page up after a reconnect (it could not confirm the session), the
    page no longer changes: it says so in the room's language, with a button that reloads."""
    view = offline_page(390, 844)
    view.page.goto(room.join_url)
    ready(view.page, "Join code")
    view.page.evaluate("app.$data.needsRefresh = true")
    line = view.page.locator("#kr-connection.kr-show")
    line.wait_for(timeout=30_000)
    assert "lost its place in the room" in line.inner_text()
    line.get_by_role("button", name="Reload the page").click()
    view.page.locator("#kr-connection.kr-show").wait_for(state="detached", timeout=60_000)
    ready(view.page, "Join code")
    assert view.page.locator("#kr-connection.kr-show").count() == 0


def test_the_console_needs_the_facilitator_token(room: ServedRoom, offline_page: Any) -> None:
    view = offline_page(1280)
    view.page.goto(room.console_url)
    ready(view.page, "Facilitator console")
    view.page.get_by_placeholder("Facilitator token").fill(room.keys.join_code)
    view.page.get_by_role("button", name="Open").click()
    ready(view.page, "This facilitator token is not right")
    assert view.page.get_by_text("Step for participants").count() == 0


WIDER_THAN_THEIR_BOX = """() => [...document.querySelectorAll('.kr-chart')]
  .map(box => [box.getBoundingClientRect().width, box.querySelector('svg.marks, canvas.marks')])
  .filter(([width, chart]) => chart && chart.getBoundingClientRect().width > width + 0.5)
  .map(([width, chart]) => `${Math.round(chart.getBoundingClientRect().width)} > ${width}`)"""


def test_five_participants_and_a_facilitator_run_a_step(
    room: ServedRoom, offline_page: Any
) -> None:
    host = offline_page(1280, 1000)
    open_console(host, room)
    dashboard = offline_page(1280, 1000)
    dashboard.page.goto(room.dashboard_url)
    dashboard.page.wait_for_function(
        "document.querySelectorAll('.vega-embed svg.marks, .vega-embed canvas.marks').length >= 1",
        timeout=90_000,
    )
    people = [offline_page(390 if i == 0 else 1024, 900) for i in range(5)]
    for number, person in enumerate(people, 1):
        join(person, room.join_url, room.keys.join_code, f"Participant {number}x")
    ready(host.page, "5 participants")
    host.page.get_by_role("button", name="Mapping the customer").click()
    for number, person in enumerate(people, 1):
        ready(person.page, "New card")
        assert sticking_out(person.page) == [], number
        text = (
            PAYLOADS[number - 1] if number <= len(PAYLOADS) else f"Card from participant {number}"
        )
        person.page.get_by_placeholder("For example: you have to know the music to enjoy it").fill(
            text
        )
        person.page.get_by_role("button", name="Add").click()
        ready(person.page, "Saved.")
        person.page.get_by_role("button", name="+ dot").first.click()
        ready(person.page, "You have 4 of your 5 dots left")
    host.page.get_by_role("button", name="Start timer").click()
    for person in people:
        person.page.wait_for_function(
            "document.querySelector('.kr-timer') !== null", timeout=30_000
        )
    dashboard.page.wait_for_function(
        "document.body.textContent.includes('Card from participant 5')", timeout=15_000
    )
    ready(host.page, "Card from participant 4")
    ready(people[0].page, "Card from participant 5")  # others' cards appear without a reload
    phone = people[0].page  # 390 px wide: its charts are laid out for a phone and fit it
    phone.wait_for_function(
        "document.querySelectorAll('.vega-embed svg.marks, .vega-embed canvas.marks').length >= 2",
        timeout=60_000,
    )
    assert phone.evaluate(WIDER_THAN_THEIR_BOX) == []
    for view in (host, dashboard, *people):
        assert view.page.evaluate("window.__xss") is None
        assert view.errors == []
    assert people[1].page.get_by_text(PAYLOADS[0]).count() >= 1  # shown as text
    snapshot = open_folder(room.folder).snapshot()
    assert len([c for c in snapshot.cards if c.author_id]) == 5
    assert len(snapshot.votes) == 5


def test_a_hurried_participant_in_a_browser_stores_every_card_once(
    room: ServedRoom, offline_page: Any
) -> None:
    """Typing the next card straight after pressing Add, as fast as a person can."""
    from klantreis.domain import MethodStep

    service = open_folder(room.folder)
    service.open_method_step(MethodStep.MAPPING)
    view = offline_page(390, 844)
    join(view, room.join_url, room.keys.join_code, "Hurried")
    ready(view.page, "New card")
    field = view.page.get_by_placeholder("For example: you have to know the music to enjoy it")
    add = view.page.get_by_role("button", name="Add")
    # Leaving a field (as pressing Add does) shows "Unsaved changes" above the buttons. The
    # button must not move when it appears: the release of a press that moved off the button
    # is no click, and the card was not added (a browser test missed its Add that way).
    where = add.bounding_box()
    field.fill("Typed, then left")
    field.press("Tab")
    ready(view.page, "Unsaved changes")
    assert add.bounding_box() == where
    for number in range(6):
        field.fill(f"Hurried card {number}")
        add.click()  # no waiting: the next card is typed at once
    view.page.wait_for_function(
        "document.body.textContent.includes('Hurried card 5')", timeout=30_000
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        stored = [c.text for c in service.snapshot().cards if c.text.startswith("Hurried card")]
        if len(stored) >= 6:
            break
        time.sleep(0.2)
    assert sorted(stored) == [f"Hurried card {n}" for n in range(6)]
    assert view.errors == []


OUTAGE = 20
"""Seconds a phone is cut off in the Wi-Fi test: longer than the browser's own retries and
Solara's first reconnect attempts, so the page really goes through losing its connection."""


def test_a_phone_that_loses_wifi_for_a_while_continues_where_it_was(
    room: ServedRoom, offline_page: Any
) -> None:
    from klantreis.domain import Card, MethodStep
    from tests.netcut import Relay

    service = open_folder(room.folder)
    service.open_method_step(MethodStep.MAPPING)
    snapshot = service.snapshot()
    segment = snapshot.focus_segment or snapshot.segments[0]
    with Relay(room.port) as wifi:
        view = offline_page(390, 844)
        join(view, wifi.url, room.keys.join_code, "On the train")
        ready(view.page, "New card")
        field = view.page.get_by_placeholder("For example: you have to know the music to enjoy it")
        field.fill("Typed before the tunnel")
        wifi.cut()
        view.page.locator("#kr-connection.kr-show").wait_for(timeout=30_000)
        assert "reconnecting" in view.page.locator("#kr-connection").inner_text()
        other = service.join("Still connected")
        outage_card = service.add_card(
            Card(
                workshop_id=service.workshop_id,
                segment_id=segment.id,
                kind="need",
                text="Added during the outage",
            ),
            other.id,
        )
        # The most voted card, whatever earlier tests voted for: a phone's list shows it first.
        most = max(service.snapshot().vote_counts().values(), default=0)
        for number in range(most + 1):
            service.vote(outage_card.id, service.join(f"Still connected {number}").id)
        view.page.wait_for_timeout(OUTAGE * 1000)  # the time without a connection is the test
        wifi.restore()
        view.page.locator("#kr-connection").wait_for(state="hidden", timeout=90_000)
        ready(view.page, "Added during the outage")
        view.page.wait_for_function(
            "document.querySelectorAll('.vega-embed svg.marks').length >= 2", timeout=60_000
        )
        assert field.input_value() == "Typed before the tunnel"
        view.page.get_by_role("button", name="Add").click()
        ready(view.page, "Saved.")
    texts = [c.text for c in service.snapshot().cards]
    assert texts.count("Typed before the tunnel") == 1
    assert view.errors == []


def test_the_connection_line_speaks_the_language_the_person_chose(
    room: ServedRoom, offline_page: Any
) -> None:
    """An English workshop, a person who chose Dutch on the join page: when the connection
    goes, the line that says so is Dutch, and the page's lang says nl (also for a screen
    reader); once it is back, the line goes."""
    from tests.netcut import Relay

    with Relay(room.port) as wifi:
        view = offline_page(390, 844)
        view.page.goto(wifi.url)
        ready(view.page, "Join code")
        view.page.get_by_role("button", name="Nederlands").click()
        ready(view.page, "Meedoen")
        view.page.get_by_placeholder("bijvoorbeeld K7M2QX").fill(room.keys.join_code)
        view.page.get_by_placeholder("Je naam").fill("Kiest Nederlands")
        view.page.get_by_role("button", name="Meedoen").click()
        ready(view.page, "Je doet mee als Kiest Nederlands")
        view.page.wait_for_function("document.documentElement.lang === 'nl'")
        wifi.cut()
        line = view.page.locator("#kr-connection.kr-show")
        line.wait_for(timeout=30_000)
        assert line.inner_text().startswith(t("room.reconnecting", "nl").split(":")[0])
        wifi.restore()
        view.page.locator("#kr-connection").wait_for(state="hidden", timeout=90_000)
    assert view.errors == []


@pytest.mark.parametrize("page_kind", ["dashboard", "phone"])
def test_charts_are_drawn_when_their_code_failed_to_load_at_first(
    room: ServedRoom, offline_page: Any, page_kind: str
) -> None:
    """The projector or a phone lost its connection while the chart code was on its way: the
    load is tried again (a browser keeps a failed module import, so the retry asks anew) and
    the charts are drawn. Both fetch the code as one file from the room, not inline in every
    chart widget."""
    from klantreis.domain import MethodStep

    open_folder(room.folder).open_method_step(MethodStep.MAPPING)
    view = offline_page(1280 if page_kind == "dashboard" else 390, 900)
    asked: list[str] = []

    def flaky(request_route: Any) -> None:
        asked.append(request_route.request.url)
        if len(asked) <= 2:
            request_route.abort("internetdisconnected")
        else:
            request_route.continue_()

    view.page.route("**/klantreis-charts/module-*", flaky)
    if page_kind == "dashboard":
        view.page.goto(room.dashboard_url)
    else:
        join(view, room.join_url, room.keys.join_code, "Flaky phone")
    view.page.wait_for_function(
        "document.querySelectorAll('.vega-embed svg').length >= 2", timeout=120_000
    )
    assert len(asked) >= 3 and "attempt=" in asked[-1]
    assert view.errors == []


def test_pages_have_no_serious_accessibility_violations(
    room: ServedRoom, offline_page: Any
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for url, wait_for in (
        (room.join_url, "Join code"),
        (room.console_url, "Facilitator console"),
        (room.dashboard_url, "cards"),
    ):
        view = offline_page(1280)
        view.page.goto(url)
        ready(view.page, wait_for)
        settled(view.page)
        assert serious_violations(axe, view.page) == [], url
    # A participant's form: every input is named by its own label, not by its placeholder.
    from klantreis.domain import MethodStep

    open_folder(room.folder).open_method_step(MethodStep.MAPPING)
    phone = offline_page(390, 844)
    join(phone, room.join_url, room.keys.join_code, "Screen reader")
    ready(phone.page, "New card")
    settled(phone.page)
    assert serious_violations(axe, phone.page) == []
    assert phone.page.get_by_label("Kind of need").evaluate("e => e.tagName") == "SELECT"
    text = phone.page.get_by_label("Text", exact=True)
    assert text.evaluate("e => e.tagName") == "INPUT"
    assert text.is_visible()
    assert sticking_out(phone.page) == []


def serious_violations(axe: Any, page: Any) -> list[tuple[str, str, int]]:
    """What axe-core finds seriously or critically wrong on ``page``: rule, impact, count."""
    results = axe.run(page)
    return [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def fill_every_field_with_payloads(room: ServedRoom) -> None:
    """Put both payloads into every kind of text a person can type."""
    from klantreis.domain import (
        Card,
        Journey,
        JourneyStep,
        Measure,
        MethodStep,
        Persona,
        Quote,
        Segment,
        SurveyFact,
        Touchpoint,
    )

    service = open_folder(room.folder)
    img, script = PAYLOADS
    workshop = service.workshop()
    service.update_workshop(
        workshop.model_copy(update={"title": f"Title {img}", "challenge": script})
    )
    segment = service.save_segment(
        Segment(
            workshop_id=service.workshop_id,
            name=f"Segment {img}",
            description=script,
            is_focus=True,
        )
    )
    service.save_persona(
        Persona(
            workshop_id=service.workshop_id,
            segment_id=segment.id,
            name=f"Persona {img}",
            life_world=script,
            quotes=[Quote(text=img, source=script)],
            survey_facts=[SurveyFact(question=img, answer=script, share_percent=50)],
            functional_needs=[img],
        )
    )
    service.open_method_step(MethodStep.MAPPING)
    author = service.join(f"Name {img}")
    card = service.add_card(
        Card(
            workshop_id=service.workshop_id,
            segment_id=segment.id,
            kind="need",
            text=img,
            alternatives=[script],
        ),
        author.id,
    )
    service.add_card(
        Card(workshop_id=service.workshop_id, segment_id=segment.id, kind="barrier", text=script),
        author.id,
    )
    touchpoint = service.save_touchpoint(
        Touchpoint(
            workshop_id=service.workshop_id,
            name=f"Touchpoint {img}",
            department=script,
            phase_keys=["awareness"],
        )
    )
    service.add_measure(
        Measure(
            workshop_id=service.workshop_id,
            segment_id=segment.id,
            goal_kind="address_needs",
            title=f"Measure {img}",
            owner=script,
            card_ids=[card.id],
            phase_key="awareness",
            touchpoint_id=touchpoint.id,
        )
    )
    journey = service.save_journey(
        Journey(workshop_id=service.workshop_id, name=f"Journey {img}", segment_id=segment.id)
    )
    service.add_journey_step(
        JourneyStep(
            workshop_id=service.workshop_id,
            journey_id=journey.id,
            action=f"Step {img}",
            department=script,
            pain_point=img,
            phase_key="awareness",
            feeling=-1,
        )
    )


def assert_no_payload_became_markup(text: str) -> None:
    elements = Elements()
    elements.feed(text)
    assert not any(tag == "img" and "onerror" in attrs for tag, attrs in elements.tags)
    assert not any(
        "window.__xss" in script for script in elements.scripts if "klantreisEmbed" not in script
    )


def test_every_typed_field_stays_text_live_in_the_site_and_in_the_report(
    room: ServedRoom, tmp_path: Path, offline_page: Any
) -> None:
    import subprocess

    from click.testing import CliRunner

    from klantreis.cli import main

    fill_every_field_with_payloads(room)
    dashboard = offline_page(1280)
    dashboard.page.goto(room.dashboard_url)
    dashboard.page.wait_for_function(
        "document.body.textContent.includes('Title <img src=x onerror')", timeout=60_000
    )
    host = offline_page(1280)
    open_console(host, room)
    ready(host.page, 'Name <img src=x onerror="window.__xss=1">')
    runner = CliRunner()
    site = tmp_path / "site"
    assert runner.invoke(main, ["publish", str(room.folder), "--out", str(site)]).exit_code == 0
    report = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(room.folder), "--out", str(report)]).exit_code == 0
    for page_file in (site / "index.html", report):
        text = page_file.read_text(encoding="utf-8")
        assert (
            "&lt;img src=x onerror=" in text
            and "&lt;script&gt;window.__xss=2&lt;/script&gt;" in text
        )
        assert_no_payload_became_markup(text)
        view = offline_page(1280)
        view.page.goto(page_file.as_uri())
        view.page.wait_for_function(
            "document.querySelectorAll('.vega-embed svg.marks').length >= 9", timeout=60_000
        )
        assert view.page.evaluate("window.__xss") is None
        assert view.errors == []
    for view in (dashboard, host):
        assert view.page.evaluate("window.__xss") is None
        assert view.errors == []
    pdf = tmp_path / "report.pdf"
    result = runner.invoke(main, ["report", str(room.folder), "--format", "pdf", "--out", str(pdf)])
    assert result.exit_code == 0, result.output
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert (
        int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))) >= 2
    )
    assert (site / "workshop.json").is_file() and (site / "csv" / "cards.csv").is_file()


def test_serve_starts_the_room_and_ctrl_c_stops_it_cleanly(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "served"
    create_folder(folder, load_template("telecom", "en"))
    port = free_port(span=3)
    env = dict(os.environ, KLANTREIS_LANG="en")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "klantreis",
            "serve",
            str(folder),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines = []
    deadline = time.monotonic() + 180
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if "Stop with Ctrl-C" in line:
            break
    output = "".join(lines)
    logs = "".join(log.read_text()[-3000:] for log in sorted((folder / "logs").glob("*.log")))
    assert f"Participants:      http://127.0.0.1:{port}/" in output, logs
    keys = json.loads((folder / "room.json").read_text())
    assert f"Code:              {keys['join_code']}" in output
    assert f"Facilitator token: {keys['facilitator_token']}" in output  # the console's name
    service = open_folder(folder)
    person = service.join("Kept")
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert "The room is closed." in rest
    assert not any(port_taken("127.0.0.1", port + offset) for offset in range(3))
    assert open_folder(folder).participant(person.id).name == "Kept"


def test_no_traceback_reaches_a_page(tmp_path: Path, offline_page: Any) -> None:
    import nbformat

    from klantreis.serve.commands import jupyter_env, voila_argv
    from tests.ui.conftest import running

    notebook = tmp_path / "broken.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell("klantreis_private_value = 42\n1 / 0")]
        ),
        notebook,
    )
    port = free_port()
    with running(
        voila_argv(notebook, port), f"http://127.0.0.1:{port}/", jupyter_env(), tmp_path
    ) as url:
        view = offline_page(390)
        view.page.goto(url)
        view.page.wait_for_load_state("networkidle")
        view.page.wait_for_function(  # Voila shows the cells once it ran them all
            "(() => { const c = document.getElementById('rendered_cells');"
            " return c && c.style.display !== 'none'; })()",
            timeout=60_000,
        )
        settled(view.page)
        text = view.page.content()
        assert "ZeroDivisionError" not in text
        assert "Traceback" not in text
        assert "klantreis_private_value" not in text


def test_open_pages_come_back_by_themselves_after_the_room_is_killed_and_restarted(
    tmp_path: Path, offline_page: Any
) -> None:
    """kill -9 of the room, then a restart on the same address: a participant's phone and the
    projector's dashboard come back without anyone touching them; the phone is the same person
    on the same step and saves again; nothing saved before is lost or doubled."""
    from klantreis.domain import MethodStep
    from tests.served import wait_until

    folder = tmp_path / "orchestra"
    service = create_folder(folder, load_template("orchestra", "en"))
    service.open_method_step(MethodStep.MAPPING)
    served = start_served_room(folder)
    again: ServedRoom | None = None
    try:
        phone = offline_page(390, 844)
        join(phone, served.join_url, served.keys.join_code, "Through the crash")
        ready(phone.page, "New card")
        field = phone.page.get_by_placeholder("For example: you have to know the music to enjoy it")
        field.fill("Saved before the crash")
        phone.page.get_by_role("button", name="Add").click()
        ready(phone.page, "Saved.")
        projector = offline_page(1280, 900)
        projector.page.goto(served.dashboard_url)
        ready(projector.page, "Saved before the crash")
        host = offline_page(1280, 900)
        open_console(host, served)

        served.process.kill()  # kill -9: no goodbye to any page
        served.process.wait(timeout=30)
        wait_until(lambda: not any(port_taken("127.0.0.1", served.port + i) for i in range(3)))
        phone.page.locator("#kr-connection.kr-show").wait_for(timeout=30_000)

        again = start_served_room(folder, port=served.port)
        assert again.keys == served.keys
        phone.page.locator("#kr-connection").wait_for(state="hidden", timeout=90_000)
        ready(phone.page, "You are taking part as Through the crash")
        assert phone.page.evaluate("solara.debug.remountCount") >= 1  # in place, no reload
        phone.page.wait_for_function(  # the charts are drawn again in the remounted page
            "document.querySelectorAll('.vega-embed svg.marks').length >= 2", timeout=60_000
        )
        field = phone.page.get_by_placeholder("For example: you have to know the music to enjoy it")
        field.fill("Saved after the restart")
        phone.page.get_by_role("button", name="Add").click()
        ready(phone.page, "Saved.")
        try:
            ready(projector.page, "Saved after the restart")
            projector.page.wait_for_function("solara.debug.remountCount >= 1")  # in place
        except Exception as timeout:
            shown = projector.page.evaluate("document.body.innerText.slice(0, 2000)")
            raise AssertionError(f"projector shows: {shown}\n{again.logs()}") from timeout
        assert phone.page.get_by_text("Please refresh the page").count() == 0
        # The console came back open: the facilitator is not asked for the token again.
        host.page.wait_for_function("solara.debug.remountCount >= 1", timeout=90_000)
        ready(host.page, "Step for participants")
        assert host.page.get_by_placeholder("Facilitator token").count() == 0
    finally:
        served.stop()
        if again is not None:
            again.stop()
    texts = [c.text for c in open_folder(folder).snapshot().cards]
    assert texts.count("Saved before the crash") == 1
    assert texts.count("Saved after the restart") == 1
    people = [p.name for p in open_folder(folder).snapshot().participants]
    assert people.count("Through the crash") == 1
    assert phone.errors == [] and projector.errors == [] and host.errors == []
