"""Screenshots of the guided notebooks run in JupyterLab, at desktop and phone width.

    .venv/bin/python tools/screenshots.py [--lang en] [--template orchestra] [--out screenshots]

Starts JupyterLab on a fresh workshop folder, runs every notebook, and saves one PNG per
notebook and width into --out (kept out of git). For looking, not for testing.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from klantreis.charts.bundles import ensure_bundles
from klantreis.exchange.templates import load_template
from klantreis.folder import create_folder
from klantreis.guide.notebooks import copy_notebooks
from klantreis.report.pdf import QUIET_FLAGS
from klantreis.serve.commands import jupyter_env, lab_argv

ARGS = list(QUIET_FLAGS)
WIDTHS = {"desktop": (1440, 2400), "phone": (390, 2400)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="en")
    parser.add_argument("--template", default="orchestra")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--only", default="")
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    ensure_bundles()
    root = Path(tempfile.mkdtemp(prefix="klantreis-shots-"))
    folder = root / "workshop"
    create_folder(folder, load_template(options.template, options.lang))
    notebooks = copy_notebooks(folder, options.lang)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = secrets.token_hex(8)
    server = subprocess.Popen(
        lab_argv(folder, port, browser=False, token=token),
        env=jupyter_env(folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}").close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for notebook in notebooks:
                if options.only and options.only not in notebook.name:
                    continue
                for name, (width, height) in WIDTHS.items():
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.goto(
                        f"http://127.0.0.1:{port}/lab/tree/notebooks/{notebook.name}?reset&token={token}"
                    )
                    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
                    page.wait_for_selector(
                        ".jp-Notebook-ExecutionIndicator[data-status='idle']",
                        state="attached",
                        timeout=60_000,
                    )
                    if width < 700:
                        page.click(
                            "[data-id='filebrowser']"
                        )  # collapse the sidebar, as a person would
                    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
                    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
                    last = page.locator(".jp-Notebook .jp-CodeCell").last
                    last.locator(".jp-OutputArea-output").first.wait_for(
                        state="attached", timeout=180_000
                    )
                    page.wait_for_timeout(2500)  # let the charts draw
                    last.scroll_into_view_if_needed()
                    page.wait_for_timeout(1500)
                    target = out / f"lab-{options.lang}-{notebook.stem}-{name}.png"
                    page.screenshot(path=str(target))
                    print(target)
                    page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
