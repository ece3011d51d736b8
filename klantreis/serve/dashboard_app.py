"""Voila as ``klantreis dashboard`` (and the kit's other Voila apps) runs it: ``python -m
klantreis.serve.dashboard_app NOTEBOOK [Voila options]``.

Voila itself, with one difference: a path the app does not serve is answered 404, as the room
answers it. Voila sends every other path of a one-notebook app on to its file handler (a 302,
then a 403 or 404), and a template path that climbs out of its folder (``/voila/templates/
../../x``) made its static-file handler fail with a 500. Done with the handlers Voila makes
(``Voila.init_handlers``, which a subclass may extend), not by changing Voila's own classes.
"""

from __future__ import annotations

from typing import Any

import tornado.web
from jupyter_server.utils import url_path_join
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler


class _TemplateFiles(TemplateStaticFileHandler):  # type: ignore[misc]
    """A template's static files; any other path under ``/voila/templates/`` is not found."""

    def parse_url_path(self, path: str) -> str:
        parts = path.split("/")
        if len(parts) < 3 or parts[1] != "static" or ".." in parts or "" in parts[:2]:
            raise tornado.web.HTTPError(404)
        return str(super().parse_url_path(path))


_MADE: dict[type, type] = {}


def _refused_as_not_found(handler: type[tornado.web.StaticFileHandler]) -> type:
    """``handler``, answering 404 where it answered 403 (a path outside its folder, a file
    Voila does not allow): a bad path is not found, whatever it points at."""
    if handler in _MADE:
        return _MADE[handler]

    class NotFound(handler):  # type: ignore[valid-type,misc]
        def send_error(self, status_code: int = 500, **kwargs: Any) -> None:
            super().send_error(404 if status_code == 403 else status_code, **kwargs)

    NotFound.__name__ = f"NotFound{handler.__name__}"
    _MADE[handler] = NotFound
    return NotFound


class DashboardVoila(Voila):  # type: ignore[misc]
    """Voila, answering 404 for every path that is not the app or what the app loads."""

    def init_handlers(self) -> list[Any]:
        catch_all = url_path_join(self.server_url, r"/(.*)")
        handlers = []
        for made in super().init_handlers():
            if not isinstance(made, tuple):
                handlers.append(made)
                continue
            pattern, handler, *options = made
            if self.notebook_path and pattern == catch_all:
                pattern = url_path_join(self.server_url, r"/()")  # the app's own address only
            if handler is TemplateStaticFileHandler:
                handler = _TemplateFiles
            elif isinstance(handler, type) and issubclass(handler, tornado.web.StaticFileHandler):
                handler = _refused_as_not_found(handler)
            handlers.append((pattern, handler, *options))
        return handlers


main = DashboardVoila.launch_instance

if __name__ == "__main__":
    main()
