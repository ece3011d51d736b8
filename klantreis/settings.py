"""Every setting klantreis reads from the environment, with its default, in one place.

Other modules ask for a value through the functions here and never read ``os.environ`` for a
``KLANTREIS_*`` name themselves (a test checks); the README's table of settings is checked
against :data:`SETTINGS`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from klantreis.i18n import Language, language_or_default


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name and what it does when unset."""

    name: str
    default: str


DB = Setting("KLANTREIS_DB", "the workshop folder's SQLite file (or its own database URL)")
LANG = Setting("KLANTREIS_LANG", "nl")
WORKSHOP = Setting("KLANTREIS_WORKSHOP", "the workshop folder the notebook sits in or above")
CACHE = Setting("KLANTREIS_CACHE", "~/.cache/klantreis (or $XDG_CACHE_HOME/klantreis)")
CHROMIUM = Setting("KLANTREIS_CHROMIUM", "chromium on the PATH")
DEBUG = Setting("KLANTREIS_DEBUG", "off")
CHART_MODULE = Setting("KLANTREIS_CHART_MODULE", "unset: the chart code goes inline")

SETTINGS = (DB, LANG, WORKSHOP, CACHE, CHROMIUM, DEBUG, CHART_MODULE)
"""All of them; the last is set by klantreis for the processes it starts."""

INTERNAL = (CHART_MODULE,)
"""Set by klantreis itself for the kernels and servers it starts, not by users."""


def _get(setting: Setting) -> str | None:
    return os.environ.get(setting.name) or None


def database_url() -> str | None:
    """The database URL to use when no ``--db`` is given, if set."""
    return _get(DB)


def cli_language() -> Language:
    """The language of the command line's own texts (before a workshop is opened)."""
    return language_or_default(_get(LANG) or LANG.default)


def workshop_folder() -> Path | None:
    """The workshop folder a notebook opens, when klantreis said so."""
    configured = _get(WORKSHOP)
    return Path(configured) if configured else None


def cache_dir() -> Path:
    """Where built chart bundles are kept."""
    configured = _get(CACHE)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "klantreis"


def chromium() -> str | None:
    """The Chromium to print with, when configured."""
    return _get(CHROMIUM)


def debug() -> bool:
    """Show the traceback of an unexpected error."""
    return bool(_get(DEBUG))


def served_chart_module() -> str | None:
    """The file name of the chart module this kernel's server serves, if any."""
    return _get(CHART_MODULE)


def database_env(db_url: str | None) -> dict[str, str]:
    """What a process klantreis starts needs to use ``db_url`` (nothing when not given)."""
    return {DB.name: db_url} if db_url else {}


def workshop_env(folder: Path) -> dict[str, str]:
    """What a kernel klantreis starts needs to open the workshop in ``folder``."""
    return {WORKSHOP.name: str(folder.resolve())}


def chart_module_env(name: str) -> dict[str, str]:
    """What a server's kernels need to know the chart module ``name`` is served."""
    return {CHART_MODULE.name: name}


__all__ = [
    "SETTINGS",
    "Setting",
    "cache_dir",
    "chart_module_env",
    "chromium",
    "cli_language",
    "database_env",
    "database_url",
    "debug",
    "served_chart_module",
    "workshop_env",
    "workshop_folder",
]
