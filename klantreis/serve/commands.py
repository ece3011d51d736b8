"""Command lines for Voila and JupyterLab with klantreis' offline settings.

Voila uses the ``klantreis`` template (Voila's lab template without the Font Awesome CDN),
found through ``JUPYTER_PATH``; JupyterLab is told not to fetch news or look for updates.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

from klantreis import settings
from klantreis.charts.bundles import bundle_path, served_root
from klantreis.settings import chart_module_env
from klantreis.templates import jupyter_data_dir


def app_notebook(name: str) -> Path:
    """The shipped notebook of one Voila app (the dashboard)."""
    return Path(str(resources.files("klantreis.notebooks").joinpath("apps", f"{name}.ipynb")))


def jupyter_env(workshop_folder: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment for a Voila or JupyterLab process: klantreis' templates and lab settings
    on the Jupyter paths, and the workshop to open."""
    env = dict(os.environ)
    paths = [
        str(jupyter_data_dir()),
        str(served_root()),  # the live charts' code, served as a file (see charts.bundles)
        *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep)),
    ]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    # labconfig/page_config.json there switches off JupyterLab's news prompt (it asks the internet).
    configs = [
        str(jupyter_data_dir()),
        *filter(None, env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep)),
    ]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(dict.fromkeys(configs))
    env.update(chart_module_env(bundle_path("module").name))
    if workshop_folder is not None:
        env.update(settings.workshop_env(workshop_folder))
    env.update(extra)
    return env


def voila_argv(
    notebook: Path,
    port: int,
    host: str = "127.0.0.1",
    *,
    cull_after: int = 600,
    cull_every: int = 15,
) -> list[str]:
    """Serve one notebook as an app: no code, no tracebacks, offline template, idle kernels
    culled after ``cull_after`` seconds (looked for every ``cull_every`` seconds)."""
    command = [
        sys.executable,
        "-m",
        "klantreis.serve.dashboard_app",  # Voila, answering 404 for what it does not serve
        str(notebook),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={host}",
        "--template=klantreis",
        "--show_tracebacks=False",
        f"--MappingKernelManager.cull_idle_timeout={cull_after}",
        f"--MappingKernelManager.cull_interval={cull_every}",
        "--MappingKernelManager.cull_connected=False",
        # Jupyter's /logout page draws its favicon from a static path Voila does not set: the
        # page was an error 500. Jupyter's own static files (icons, style) are public anyway.
        f"--Voila.tornado_settings=static_path={_jupyter_static()}",
    ]
    return command


def _jupyter_static() -> str:
    import jupyter_server

    return str(Path(jupyter_server.__file__).parent / "static")


def lab_argv(
    root: Path,
    port: int,
    *,
    open_path: str | None = None,
    browser: bool = True,
    token: str | None = None,
) -> list[str]:
    """JupyterLab on ``root``, without news or update checks (they would go to the internet)."""
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root.resolve()}",
        f"--ServerApp.port={port}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if os.geteuid() == 0:  # containers and CI run as root; JupyterLab refuses that by default
        command.append("--allow-root")
    if open_path:
        command.append(f"--LabApp.default_url=/lab/tree/{open_path}")
    if not browser:
        command.append("--no-browser")
    if token is not None:
        command.append(f"--IdentityProvider.token={token}")
    return command
