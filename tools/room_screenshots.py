"""Screenshots of the live room: participant app on a phone and a laptop, console on a projector
and a phone, dashboard.

.venv/bin/python tools/room_screenshots.py [--lang en] [--out screenshots]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from klantreis.widgets.room.server import RoomServer
from playwright.sync_api import Page, sync_playwright

from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder
from klantreis.i18n import Language, t
from klantreis.report.pdf import QUIET_FLAGS

ARGS = list(QUIET_FLAGS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="en", choices=["nl", "en"])
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--port", type=int, default=9410)
    options = parser.parse_args()
    lang: Language = options.lang
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="klantreis-room-"))
    folder = root / "workshop"
    create_folder(folder, load_template("orchestra", lang))
    room = RoomServer(folder, port=options.port)
    room.start()
    try:
        room.wait_ready(timeout=180)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            console = browser.new_page(viewport={"width": 1920, "height": 1080})
            console.goto(room.console_url)
            console.get_by_placeholder(t("console.token", lang)).fill(room.keys.facilitator_token)
            console.get_by_role("button", name=t("console.open", lang)).click()
            console.get_by_text(t("console.steps", lang)).wait_for(timeout=90_000)
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            phone.goto(room.join_url)
            phone.get_by_placeholder(t("room.code_placeholder", lang)).wait_for(timeout=90_000)
            # Nothing on the way to the input may still be fading in.
            phone.wait_for_function(
                """() => { for (let e = document.querySelector('input'); e; e = e.parentElement)
                    if (getComputedStyle(e).opacity !== '1') return false;
                  return true; }"""
            )
            phone.screenshot(path=str(out / f"room-{lang}-join-phone.png"))
            phone.get_by_placeholder(t("room.code_placeholder", lang)).fill(room.keys.join_code)
            phone.get_by_placeholder(t("room.name_placeholder", lang)).fill("Sanne")
            phone.get_by_role("button", name=t("room.join", lang)).click()
            phone.get_by_text(t("room.waiting", lang)).wait_for(timeout=60_000)
            projector = browser.new_page(viewport={"width": 1920, "height": 1080})
            projector.goto(room.dashboard_url)
            every_step(console, phone, projector, lang, out)
            console.get_by_role("button", name=t("method_step.mapping", lang)).click()
            console.get_by_role("button", name=t("console.start_timer", lang)).click()
            phone.get_by_text(t("form.add_card", lang)).wait_for(timeout=60_000)
            phone.get_by_placeholder(t("placeholder.card", lang)).fill(
                "Parking near the hall is hard"
            )
            phone.get_by_role("button", name=t("form.add", lang)).click()
            phone.get_by_text(t("form.saved", lang)).wait_for(timeout=30_000)
            phone.get_by_role("button", name=t("form.vote", lang)).first.click()
            phone.get_by_role("button", name=t("form.unvote", lang)).first.wait_for(timeout=30_000)
            phone.screenshot(path=str(out / f"room-{lang}-mapping-phone.png"), full_page=True)
            console.get_by_text("Parking near the hall is hard").first.wait_for(timeout=30_000)
            console.screenshot(path=str(out / f"room-{lang}-console-projector.png"), full_page=True)
            # The same pages at the other width: a participant on a laptop, a facilitator on a
            # phone.
            phone.set_viewport_size({"width": 1440, "height": 900})
            phone.screenshot(path=str(out / f"room-{lang}-mapping-desktop.png"))
            console.set_viewport_size({"width": 390, "height": 844})
            console.screenshot(path=str(out / f"room-{lang}-console-phone.png"))
            dashboard = browser.new_page(viewport={"width": 1440, "height": 900})
            dashboard.goto(room.dashboard_url)
            dashboard.wait_for_function(
                "document.querySelectorAll('.vega-embed .marks').length >= 1", timeout=90_000
            )
            dashboard.wait_for_timeout(2000)
            dashboard.screenshot(path=str(out / f"room-{lang}-dashboard.png"), full_page=True)
            browser.close()
    finally:
        room.stop()
        shutil.rmtree(root, ignore_errors=True)
    for path in sorted(out.glob(f"room-{lang}-*.png")):
        print(path)


def every_step(console: Page, phone: Page, projector: Page, lang: Language, out: Path) -> None:
    """Every step of the method up to the journey: a participant contributes on a phone; the
    phone, the console and the projector are photographed in each."""

    def shoot(step: str) -> None:
        phone.locator(".kr-step").get_by_text(t(f"method_step.{step}", lang)).first.wait_for(
            timeout=60_000
        )
        phone.screenshot(path=str(out / f"room-{lang}-{step}-phone.png"), full_page=True)
        console.screenshot(path=str(out / f"room-{lang}-{step}-console.png"), full_page=True)
        projector.get_by_text(t("lead.now", lang, step=t(f"method_step.{step}", lang))).wait_for(
            timeout=60_000
        )
        projector.screenshot(path=str(out / f"room-{lang}-{step}-projector.png"))

    def propose(topic: str, text: str) -> None:
        phone.get_by_placeholder(t(f"placeholder.idea.{topic}", lang)).fill(text)
        phone.get_by_placeholder(t(f"placeholder.idea.{topic}", lang)).press("Tab")
        box = phone.locator(
            ".kr-form", has=phone.get_by_placeholder(t(f"placeholder.idea.{topic}", lang))
        )
        box.get_by_role("button", name=t("form.add", lang)).click()
        phone.get_by_text(text).first.wait_for(timeout=30_000)

    console.get_by_role("button", name=t("method_step.challenge", lang)).click()
    propose("challenge", "More people under 35 at our concerts")
    phone.get_by_role("button", name=t("form.vote_idea", lang)).first.click()
    phone.get_by_role("button", name=t("form.unvote_idea", lang)).first.wait_for(timeout=30_000)
    console.get_by_text("More people under 35 at our concerts").first.wait_for(timeout=30_000)
    shoot("challenge")
    console.get_by_role("button", name=t("method_step.scope", lang)).click()
    phone.get_by_role("button", name=t("rating.segment_score.4", lang)).first.click()
    phone.get_by_text(t("list.group_score.one", lang, median="4")).first.wait_for(timeout=30_000)
    propose("segment", "Students")
    shoot("scope")
    console.get_by_role("button", name=t("method_step.persona", lang)).click()
    propose("quote", "I never know what is on")
    shoot("persona")
    for step in ("mapping", "goals"):
        console.get_by_role("button", name=t(f"method_step.{step}", lang)).click()
        shoot(step)
    console.get_by_role("button", name=t("method_step.journey", lang)).click()
    phone.get_by_role("button", name=t("rating.feeling.1", lang)).first.click()
    rated = t("chart.feeling_of_group", lang, feeling=t("chart.feeling.1", lang), count=1)
    phone.get_by_text(rated).first.wait_for(timeout=30_000)
    shoot("journey")


if __name__ == "__main__":
    main()
