"""Real browsers against real servers: headless Chromium (Debian's) driven by Playwright.

Every page is opened through :func:`offline_page`, which lets through only requests to this
machine and fails the test if the page asked any other host for anything.
"""

from __future__ import annotations

import contextlib
import secrets
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from klantreis.report.pdf import QUIET_FLAGS
from klantreis.serve.network import server_answers

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = list(QUIET_FLAGS)
LOCAL = (
    "http://127.0.0.1",
    "http://localhost",
    "ws://127.0.0.1",
    "data:",
    "blob:",
    "file:",
    "about:",
)

pytestmark = pytest.mark.ui


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's /usr/bin/chromium) for the whole test session."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install chromium (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class OfflinePage:
    """A page plus what it tried to fetch from other hosts and the script errors it raised."""

    page: Any
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def offline_page(browser: Any) -> Iterator[Any]:
    """A factory of pages (``offline_page(width)``) that block and record non-local requests;
    the test fails afterwards if any page made one."""
    opened: list[OfflinePage] = []

    def make(width: int = 1280, height: int = 900) -> OfflinePage:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        holder = OfflinePage(page)

        def route(request_route: Any) -> None:
            url = request_route.request.url
            if url.startswith(LOCAL):
                request_route.continue_()
            else:
                holder.external.append(url)
                request_route.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda error: holder.errors.append(str(error)))
        page.on("dialog", lambda dialog: dialog.dismiss())  # none is expected: never hang on one
        opened.append(holder)
        return holder

    yield make
    for holder in opened:
        holder.page.context.close()
    external = [url for holder in opened for url in holder.external]
    assert external == [], f"pages asked non-local hosts: {external}"


def dismiss_lab_dialogs(page: Any, timeout: float = 90) -> list[str]:
    """Close JupyterLab's own dialogs (HTML, not the browser's) that a test did not expect,
    as a person would, and say what they were: one left open takes every later click. Each is
    turned down (its cancel button), else escaped, else closed by its cross, and looked at again
    until none is left: on a busy machine a dialog can ignore a try while the page is still
    wiring it up."""
    from playwright.sync_api import Error as PlaywrightError

    seen: list[str] = []
    deadline = time.monotonic() + timeout
    dialogs = page.locator(".jp-Dialog")
    while dialogs.count():
        assert time.monotonic() < deadline, f"JupyterLab dialogs would not close: {seen}"
        dialog = dialogs.first
        with contextlib.suppress(PlaywrightError):
            seen.append(" ".join(dialog.inner_text(timeout=5_000).split())[:200])
        for way in (".jp-Dialog-button.jp-mod-reject", "Escape", ".jp-Dialog-close-button"):
            try:
                if way == "Escape":
                    page.keyboard.press(way)
                else:
                    dialog.locator(way).first.click(timeout=5_000)
                dialog.wait_for(state="detached", timeout=10_000)
                break
            except PlaywrightError:
                continue
    return seen


@contextmanager
def running(
    command: list[str], url: str, env: dict[str, str], cwd: Path, timeout: float = 90
) -> Iterator[str]:
    """Start a server process, wait until ``url`` answers, yield it, and stop the process."""
    with serving(command, url, env, cwd, timeout):
        yield url


@contextmanager
def serving(
    command: list[str], url: str, env: dict[str, str], cwd: Path, timeout: float = 90
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server process, wait until the server at ``url`` is up, yield the process, and
    stop it. The probe asks for a file that does not exist: opening an app's page would start
    a kernel of its own."""
    log = cwd / f"server-{secrets.token_hex(3)}.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        try:
            probe = urllib.parse.urljoin(url, "/klantreis-ready-probe")
            deadline = time.monotonic() + timeout
            if not server_answers(probe, deadline, lambda: process.poll() is not None):
                raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


STICKING_OUT = """() => {
  const out = [];
  for (const field of document.querySelectorAll('input, textarea, select, button')) {
    const box = field.getBoundingClientRect();
    if (box.width === 0) continue;
    for (let up = field.parentElement; up; up = up.parentElement) {
      const outer = up.getBoundingClientRect();
      if (box.right > outer.right + 0.5 || box.left < outer.left - 0.5) {
        out.push((field.placeholder || field.textContent || field.tagName).trim().slice(0, 40));
        break;
      }
    }
  }
  return out;
}"""


def sticking_out(page: Any) -> list[str]:
    """Form fields and buttons that reach past an element around them: on a phone their edge
    (and border) is cut off. Returns their placeholders or labels."""
    return list(page.evaluate(STICKING_OUT))


MISDRAWN_BARS = """() => {
  const wrong = [];
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (repeated.length) wrong.push('ids used twice: ' + [...new Set(repeated)].slice(0, 5));
  // Only bars answer the hit test (Vega turns it off for marks without interaction).
  const probe = document.createElement('style');
  probe.textContent = '.vega-embed svg * { pointer-events: none !important }'
    + ' .vega-embed svg .mark-rect path { pointer-events: visiblePainted !important }';
  document.head.appendChild(probe);
  for (const chart of document.querySelectorAll('.vega-embed')) {
    const title = chart.querySelector('.role-title-text')?.textContent || '(untitled)';
    for (const bar of chart.querySelectorAll('.mark-rect path')) {
      bar.scrollIntoView({ block: 'center', inline: 'center' });
      const box = bar.getBoundingClientRect();
      if (box.width < 4 || box.height < 4) continue;
      const x = box.right - 2, y = box.top + box.height / 2;
      if (!document.elementsFromPoint(x, y).includes(bar)) {
        wrong.push(`${title}: the bar ending at ${Math.round(box.right)} px is cut short`);
      }
    }
  }
  probe.remove();
  return wrong;
}"""


SETTLED = """() => {
  const charts = [...document.querySelectorAll('.vega-embed svg.marks, .vega-embed canvas.marks')];
  const look = document.body.innerText.length + '|' + charts.length + '|'
    + charts.map(c => c.querySelectorAll ? c.querySelectorAll('*').length : 0).join(',');
  const same = window.__krLook === look;
  window.__krLook = look;
  return same;
}"""


def settled(page: Any, timeout: float = 30_000) -> None:
    """Wait until the page stops changing: the same text and the same drawn charts, with the
    same number of shapes, at two looks half a second apart (a condition, not a fixed pause)."""
    page.evaluate("window.__krLook = undefined")
    page.wait_for_function(SETTLED, polling=500, timeout=timeout)


def misdrawn_bars(page: Any) -> list[str]:
    """The bars of a page's Vega charts that are not painted to the end of their own shape.

    The browser's hit test at the right end of each bar (2 px inside) must find that bar among
    the shapes there: a bar clipped by the wrong clip path or not drawn fails it. Ids repeated
    anywhere in the page (what made clips go wrong) are reported too.
    """
    return list(page.evaluate(MISDRAWN_BARS))
