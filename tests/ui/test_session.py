"""A whole session in real browsers: the facilitator runs every step from the console while four
participants on phones (three in Dutch, one who chose English) contribute in each; the
projector and the console follow without a reload, and the report has all of it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from klantreis.charts.static import StaticCharts
from klantreis.domain import IdeaTopic, RatingKind
from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder, open_folder
from klantreis.i18n import Language, t
from klantreis.report.workshop_report import report_html
from tests.served import ServedRoom, start_served_room
from tests.ui.conftest import sticking_out

pytestmark = pytest.mark.ui

SHOTS = os.environ.get("KLANTREIS_SHOTS")
"""A folder to keep a screenshot of every page in every step in (to look at), if set."""

PEOPLE: tuple[tuple[str, Language], ...] = (
    ("Sanne", "nl"),
    ("Joost", "nl"),
    ("Fatima", "nl"),
    ("Grace", "en"),
)


@pytest.fixture(scope="module")
def dutch_room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedRoom]:
    """A running room for the Dutch orchestra workshop."""
    folder = tmp_path_factory.mktemp("session") / "orkest"
    create_folder(folder, load_template("orchestra", "nl"))
    started = start_served_room(folder)
    try:
        yield started
    finally:
        started.stop()


def shown(page: Any, text: str, timeout: float = 60_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def body_has(page: Any, text: str, timeout: float = 60_000) -> None:
    """Wait until the page's text contains ``text`` (charts and lists alike)."""
    page.wait_for_function(
        "text => document.body.textContent.includes(text)", arg=text, timeout=timeout
    )


def add(page: Any, placeholder: str, text: str, language: Language) -> None:
    """Type into the form with this placeholder and press its Add button."""
    form = page.locator(".kr-form", has=page.get_by_placeholder(placeholder))
    form.get_by_placeholder(placeholder).fill(text)
    form.get_by_role("button", name=t("form.add", language), exact=True).click()
    shown(page, text)


def test_a_whole_session_from_the_console_with_four_phones(
    dutch_room: ServedRoom, offline_page: Any
) -> None:
    room = dutch_room
    console = offline_page(1280, 1000)
    console.page.goto(room.console_url)
    console.page.get_by_placeholder(t("console.token", "nl")).fill(room.keys.facilitator_token)
    console.page.get_by_role("button", name=t("console.open", "nl")).click()
    shown(console.page, t("console.steps", "nl"))
    projector = offline_page(1920, 1080)
    projector.page.goto(room.dashboard_url)
    shown(projector.page, t("chart.segment_relevance.title", "nl"), timeout=90_000)
    phones = []
    for name, language in PEOPLE:
        phone = offline_page(390, 844)
        phone.page.goto(room.join_url)
        shown(phone.page, t("room.code", "nl"), timeout=90_000)
        if language != "nl":
            phone.page.get_by_role("button", name=t(f"language.{language}", language)).click()
            shown(phone.page, t("room.code", language))
        phone.page.get_by_placeholder(t("room.code_placeholder", language)).fill(
            room.keys.join_code
        )
        phone.page.get_by_placeholder(t("room.name_placeholder", language)).fill(name)
        phone.page.get_by_role("button", name=t("room.join", language)).click()
        shown(phone.page, t("room.joined_as", language, name=name))
        phones.append((phone, name, language))
    shown(console.page, t("count.participants", "nl", count=4))

    def open_step(step: str) -> None:
        console.page.get_by_role("button", name=t(f"method_step.{step}", "nl")).click()
        for phone, _name, language in phones:
            shown(phone.page, t(f"method_step.{step}", language))

    def look(step: str) -> None:
        for phone, name, _language in phones:
            assert sticking_out(phone.page) == [], (step, name)
        assert lead_bottom(projector.page) <= 1080, step  # read without scrolling
        if SHOTS:
            folder = Path(SHOTS)
            folder.mkdir(parents=True, exist_ok=True)
            for phone, name, _language in phones[2:]:
                phone.page.screenshot(path=str(folder / f"{step}-{name}.png"), full_page=True)
            console.page.screenshot(path=str(folder / f"{step}-console.png"), full_page=True)
            projector.page.screenshot(path=str(folder / f"{step}-projector.png"))

    # 1. Challenge and end goal: the facilitator writes the challenge in the console; everyone
    # proposes an end goal and votes for the first one.
    open_step("challenge")
    challenge = console.page.locator(".kr-field-challenge textarea, textarea.kr-field-challenge")
    challenge.first.fill("Meer stadsbewoners onder de 35 in de zaal")
    console.page.get_by_role("button", name=t("form.save", "nl"), exact=True).first.click()
    for phone, name, language in phones:
        body_has(phone.page, "Meer stadsbewoners onder de 35 in de zaal")
        add(phone.page, t("placeholder.idea.end_goal", language), f"Einddoel van {name}", language)
    for phone, _name, language in phones:
        body_has(phone.page, "Einddoel van Grace")
        phone.page.get_by_role("button", name=t("form.vote_idea", language)).first.click()
        phone.page.get_by_role("button", name=t("form.unvote_idea", language)).first.wait_for()
    body_has(projector.page, t("list.idea_votes", "nl", count=4))
    body_has(console.page, "Einddoel van Grace")
    look("challenge")

    # 2. Scope: everyone scores the first segment; one proposes a segment.
    open_step("scope")
    for score, (phone, _name, language) in zip((4, 5, 4, 2), phones, strict=True):
        phone.page.get_by_role("button", name=str(score), exact=True).first.click()
        body_has(phone.page, t("list.group_score.one", language, median=score)[:6])
    add(phones[3][0].page, t("placeholder.idea.segment", "en"), "Students", "en")
    body_has(projector.page, "4 (2–5)")
    body_has(console.page, "Students")
    look("scope")

    # 3. Persona: a quote, a fact and two needs from the room.
    open_step("persona")
    topics = ("quote", "fact", "functional_need", "emotional_need")
    for topic, (phone, name, language) in zip(topics, phones, strict=True):
        add(phone.page, t(f"placeholder.idea.{topic}", language), f"{topic} van {name}", language)
    body_has(projector.page, "emotional_need van Grace")
    look("persona")

    # 4. Mapping: a card and a dot each.
    open_step("mapping")
    for phone, name, language in phones:
        add(phone.page, t("placeholder.card", language), f"Kaartje van {name}", language)
        phone.page.get_by_role("button", name=t("form.vote", language)).first.click()
        shown(phone.page, t("form.unvote", language))
    body_has(projector.page, "Kaartje van Grace")
    look("mapping")

    # 5. Goals and measures: a measure each.
    open_step("goals")
    for phone, name, language in phones:
        add(phone.page, t("placeholder.measure", language), f"Maatregel van {name}", language)
    body_has(projector.page, "Maatregel van Grace")
    look("goals")

    # 6. The ideal journey: everyone says how the customer feels at the first step.
    open_step("journey")
    for feeling, (phone, _name, _language) in zip(("+1", "+2", "−1", "+1"), phones, strict=True):
        phone.page.get_by_role("button", name=feeling, exact=True).first.click()
        # Wait until the room has it (the pressed value is marked) before the next phone.
        phone.page.locator("button.mod-success", has_text=feeling).first.wait_for()
    body_has(phones[3][0].page, "(median of 4)")
    look("journey")

    # 7. The data step is the facilitator's: phones say so.
    open_step("data")
    for phone, _name, language in phones:
        shown(phone.page, t("room.facilitator_step", language)[:30])

    for view in (console, projector, *(phone for phone, _n, _l in phones)):
        assert view.errors == []
    snap = open_folder(room.folder).snapshot()
    authors = {p.id: p.name for p in snap.participants}
    counts = snap.contributions()
    assert {authors[a]: n for a, n in counts.items()} == {
        # end goal, segment score, persona item, card, measure, feeling (+ Grace's segment)
        name: 6 + (name == "Grace")
        for name, _language in PEOPLE
    }
    assert len(snap.ratings_of(RatingKind.FEELING)[snap.ideal_steps[0].id]) == 4
    assert len(snap.active_ideas(IdeaTopic.END_GOAL)) == 4
    report = report_html(snap, StaticCharts())
    for name, _language in PEOPLE:
        for text in (f"Einddoel van {name}", f"Kaartje van {name}", f"Maatregel van {name}"):
            assert text in report
    assert "Students" in report and "emotional_need van Grace" in report
    assert "(mediaan van 4)" in report


def lead_bottom(page: Any) -> float:
    """Where the open step's charts end on the page (0 for a step without charts), once
    every one of them is drawn."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('.kr-lead-chart')]
            .every(chart => chart.querySelector('svg, canvas'))"""
    )
    return float(
        page.evaluate(
            """() => Math.max(0, ...[...document.querySelectorAll('.kr-lead-chart')]
                .map(chart => chart.getBoundingClientRect().bottom + window.scrollY))"""
        )
    )
