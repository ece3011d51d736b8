"""Kernels of closed dashboard tabs do not stay: Voila culls them (it keeps them by default)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from klantreis.serve.commands import app_notebook, jupyter_env, voila_argv
from tests.ports import free_port
from tests.ui.conftest import serving


def kernels_of(server_pid: int) -> int:
    """How many kernel processes the server started (from /proc, as ``ps`` would show)."""
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == server_pid and b"ipykernel" in command:
            count += 1
    return count


def test_the_kernel_of_a_closed_tab_is_culled(orchestra_on_disk: Any, offline_page: Any) -> None:
    _service, folder = orchestra_on_disk
    port = free_port()
    cull_after, cull_every = 3, 1
    command = voila_argv(
        app_notebook("dashboard"), port, cull_after=cull_after, cull_every=cull_every
    )
    env = jupyter_env(folder)
    url = f"http://127.0.0.1:{port}/"
    with serving(command, url, env, folder) as server_process:
        server = server_process.pid
        assert kernels_of(server) == 0  # the readiness probe started none
        view = offline_page(390, 844)
        view.page.goto(url)
        view.page.locator(".vega-embed").first.wait_for(timeout=120_000)
        assert kernels_of(server) == 1
        # What is tested is that time passes: twice the idle time and two cull rounds, in which
        # the kernel of an open tab is kept.
        view.page.wait_for_timeout((2 * cull_after + 2 * cull_every) * 1000)
        assert kernels_of(server) == 1
        view.page.close()
        deadline = time.monotonic() + 90  # idle time, a cull round and the kernel's shutdown
        while kernels_of(server) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert kernels_of(server) == 0
