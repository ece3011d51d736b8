"""Screenshots of the data step: the guided notebook served as an app on a phone, in slices.

    .venv/bin/python tools/data_screenshots.py [--lang en] [--out screenshots]

Makes an orchestra workshop with generated data, serves ``08-complete-with-data`` with Voila at
390 px wide and saves the page in slices of 1400 px (kept out of git). For looking, not testing.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from klantreis.analytics.sample import sample_rules, traffic_export, write_event_log
from klantreis.analytics.storage import DataFolder
from klantreis.charts.bundles import ensure_bundles
from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder
from klantreis.guide.notebooks import copy_notebooks
from klantreis.report.pdf import QUIET_FLAGS
from klantreis.serve.commands import jupyter_env, voila_argv

ARGS = list(QUIET_FLAGS)
SLICE = 1400
SCROLLER = (
    "[...document.querySelectorAll('*')]"
    ".filter(e => e.scrollHeight > e.clientHeight + 10"
    " && getComputedStyle(e).overflowY !== 'visible')"
    ".concat([document.scrollingElement])"
    ".sort((a, b) => b.scrollHeight - a.scrollHeight)[0]"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="en", choices=["nl", "en"])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--width", type=int, default=390)
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    ensure_bundles()
    folder = Path(tempfile.mkdtemp(prefix="klantreis-data-")) / "orchestra"
    service = create_folder(folder, load_template("orchestra", options.lang))
    copy_notebooks(folder, options.lang)
    data = DataFolder(folder)
    write_event_log(service.snapshot(), folder / "log.parquet", 20_000, seed=9)
    data.save_rules(sample_rules(service.snapshot(), options.lang))
    data.import_events(folder / "log.parquet")
    data.import_traffic(traffic_export(6_000, options.lang))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    notebook = folder / "notebooks" / "08-complete-with-data.ipynb"
    process = subprocess.Popen(
        voila_argv(notebook, port),
        env=jupyter_env(folder),
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(300):
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": options.width, "height": SLICE})
            page.goto(url)
            page.wait_for_function(
                "document.querySelectorAll('.vega-embed svg.marks').length >= 5", timeout=120_000
            )
            page.wait_for_timeout(1500)
            # Voila scrolls an inner element, not the page: find it and scroll it slice by slice
            # (a very tall viewport instead leaves parts of charts unpainted in the screenshot).
            height = int(page.evaluate(SCROLLER + ".scrollHeight"))
            for index, top in enumerate(range(0, height, SLICE)):
                page.evaluate(f"{SCROLLER}.scrollTo(0, {top})")
                page.wait_for_timeout(300)
                name = f"data-{options.lang}-{options.width}-{index}.png"
                page.screenshot(path=str(options.out / name))
            print(height)
            browser.close()
    finally:
        process.terminate()


if __name__ == "__main__":
    main()
