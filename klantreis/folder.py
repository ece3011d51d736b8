"""A workshop folder: where a workshop lives on disk, and which database holds it.

``DIR/klantreis.json`` names the workshop and, for a shared server, its database URL; by
default the data sits beside it in ``DIR/workshop.sqlite``. Exports land in the folder too.
The database URL is chosen in this order: the ``--db`` option, ``KLANTREIS_DB``, the folder's
own setting, the SQLite file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from klantreis.domain import KlantreisError
from klantreis.exchange.document import WorkshopDocument
from klantreis.exchange.importer import changed_workshop, import_document
from klantreis.service import Service
from klantreis.settings import database_url, workshop_folder
from klantreis.store.connection import sqlite_url
from klantreis.store.store import Store

if TYPE_CHECKING:
    from klantreis.analytics.storage import DataFolder

CONFIG_NAME = "klantreis.json"
DATABASE_NAME = "workshop.sqlite"


@dataclass(frozen=True)
class WorkshopFolder:
    """The folder of one workshop and what its config file says."""

    path: Path
    workshop_id: str
    db_url: str | None = None

    @property
    def config_path(self) -> Path:
        """Where the folder's settings are kept."""
        return self.path / CONFIG_NAME

    def database_url(self, override: str | None = None) -> str:
        """The database this workshop lives in (see the module docstring for the order)."""
        return override or database_url() or self.db_url or sqlite_url(self.path / DATABASE_NAME)

    def save(self) -> None:
        """Write the config file."""
        data = {"workshop_id": self.workshop_id}
        if self.db_url:
            data["db_url"] = self.db_url
        self.config_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> WorkshopFolder:
        """Read a folder's config; a clear error when ``path`` is no workshop folder."""
        config = path / CONFIG_NAME
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
            return cls(path=path, workshop_id=str(data["workshop_id"]), db_url=data.get("db_url"))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KlantreisError("error.not_a_workshop_folder", path=str(path)) from exc


def create_folder(
    path: Path, document: WorkshopDocument, db_url: str | None = None, **workshop_changes: object
) -> Service:
    """Make ``path`` a workshop folder holding ``document`` as a new workshop."""
    if (path / CONFIG_NAME).exists():
        raise KlantreisError("error.folder_exists", path=str(path))
    changed_workshop(document, **workshop_changes)  # refused before anything is made
    path.mkdir(parents=True, exist_ok=True)
    url = db_url or database_url() or sqlite_url(path / DATABASE_NAME)
    made = import_document(Store(url), document, **workshop_changes)
    WorkshopFolder(path=path, workshop_id=made.workshop_id, db_url=db_url).save()
    return Service(made.store, made.workshop_id, path)


def open_folder(path: Path, db_url: str | None = None) -> Service:
    """The service of the workshop in ``path``."""
    folder = WorkshopFolder.load(path)
    return Service.open(Store(folder.database_url(db_url)), folder.workshop_id, path)


def find_folder(start: Path | None = None) -> Path:
    """The workshop folder to work in: ``KLANTREIS_WORKSHOP``, else the nearest folder with a
    ``klantreis.json`` at or above ``start`` (the current folder)."""
    configured = workshop_folder()
    if configured:
        return configured
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise KlantreisError("error.no_workshop_here", path=str(here))


def connect(folder: str | Path | None = None, db_url: str | None = None) -> Service:
    """Open the workshop of a folder (default: see :func:`find_folder`)."""
    return open_folder(Path(folder) if folder else find_folder(), db_url)


def data_folder(folder: str | Path | None = None) -> DataFolder | None:
    """The analytics data of the workshop folder (default: see :func:`find_folder`), or None
    when there is no workshop folder (a workshop opened from a database URL alone)."""
    from klantreis.analytics.storage import DataFolder

    try:
        return DataFolder(Path(folder) if folder else find_folder())
    except KlantreisError:
        return None
