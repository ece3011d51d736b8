"""Where the kit relies on the insides of Solara, IPython and ipywidgets: every such use, here.

The room serves a hundred browsers from one process with Solara's server, which was made for
fewer. Each patch below exists for a figure measured in this kit (the docstring of each says
which), reaches into a library where no public API does the same, and comes with:

- what it relies on, checked by :func:`check` before the room starts: ``klantreis serve``
  refuses to start with a message naming the library and its version, instead of serving a
  room whose pages break one by one;
- the version ranges it was tested with (:data:`TESTED`, the same pins as the package's
  dependencies; a test keeps the two equal and the installed versions inside them);
- a fast test of its own (``tests/unit/test_upstream.py``).

Why Solara stays at 1.58.2: the room must work with no internet, and its front-end files come
from the ``solara-assets`` package, whose newest release is 1.58.2 (Solara itself is at 1.64).
A newer Solara would need its front-end files shipped in the kit's wheel, built from the npm
registry on a developer's machine. That would buy nothing yet: read in the 1.64.1 wheels
(2026-12-07), ``SolaraInteractiveShell.__init__`` still looks up the script magics (patch 1),
``get_ipython`` still makes a ``FakeIPython`` per call (patch 3), the control channel is still
ipywidgets' one per process (patch 4), and the page script's reconnect check waits 2 s
instead of 0.5 s (patch 5 gives 10 s). So the pin stays, and so do the patches.

Replaced by public APIs: an input's value taken from its browser is set with ipywidgets'
``Widget.set_state`` on inputs whose value opts out of the echo with the ``echo_update`` trait
metadata (:mod:`klantreis.widgets.forms.typed`; it was the private ``_lock_property``), and
the room's own routes are served by the kit's Starlette app with Solara's mounted in it
(:func:`klantreis.widgets.room.server.web_app`; they were inserted into Solara's global app).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from importlib import metadata
from pathlib import Path
from typing import Any

from klantreis.domain import KlantreisError

TESTED: dict[str, str] = {
    "solara": "==1.58.2",
    "solara-assets": "==1.58.2",
    "ipython": ">=9.19,<10",
    "ipywidgets": ">=8.1.9,<8.2",
    "anywidget": ">=0.11,<0.12",
}
"""The versions the room's patches were tested with (pyproject.toml pins the same ranges)."""


@dataclass(frozen=True)
class Reliance:
    """One use of a library's insides: what it is for, what it needs, and how it is made."""

    name: str
    library: str
    check: Callable[[], str | None]
    """What no longer holds (a short English phrase), or None when all is as tested."""
    apply: Callable[[], None] | None = None


def _version(library: str) -> str:
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "not installed"


def outside_tested(library: str) -> str | None:
    """Why the installed ``library`` is not a tested version, or None when it is."""
    from packaging.specifiers import SpecifierSet

    installed = _version(library)
    if installed == "not installed":
        return "it is not installed"
    if installed not in SpecifierSet(TESTED[library]):
        return f"the room was tested with {TESTED[library]}"
    return None


def _missing(owner: Any, *names: str) -> str | None:
    """The first of ``names`` that ``owner`` lacks, as a phrase; None when it has them all."""
    for name in names:
        if not hasattr(owner, name):
            return f"{getattr(owner, '__name__', owner)}.{name} is gone"
    return None


def source_fingerprint(function: Any) -> str:
    """A short fingerprint of a function's source (a changed upstream function changes it)."""
    return hashlib.blake2b(inspect.getsource(function).encode(), digest_size=8).hexdigest()


# -- 1. no script magics per page ----------------------------------------------------------------

SOLARA_SHELL_INIT = "8cc6d0d3d7eb9779"
"""The fingerprint of ``SolaraInteractiveShell.__init__`` as tested (Solara 1.58.2): the patch
replaces that function, so a Solara that changed it must be looked at again."""


def _check_script_magics() -> str | None:
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.magic import MagicsManager
    from solara.server.shell import SolaraInteractiveShell

    if source_fingerprint(SolaraInteractiveShell.__init__) not in (
        SOLARA_SHELL_INIT,
        source_fingerprint(_shell_init),
    ):
        return "SolaraInteractiveShell.__init__ changed"
    return _missing(InteractiveShell, "atexit_operations") or _missing(MagicsManager, "registry")


def _shell_init(self: Any, *args: Any, **kwargs: Any) -> None:
    import atexit

    from IPython.core.interactiveshell import InteractiveShell

    InteractiveShell.__init__(self, *args, **kwargs)  # type: ignore[no-untyped-call]
    atexit.unregister(self.atexit_operations)
    script_magics = self.magics_manager.registry.get("ScriptMagics")
    if script_magics is not None:
        atexit.unregister(script_magics.kill_bg_processes)


def skip_script_magics() -> None:
    """Each page's virtual kernel builds an IPython shell. Solara's shell looks up IPython's
    script magics (``%%bash`` and friends) only to cancel their exit hook, which makes IPython
    build an argument parser and its help text for every interpreter it knows: a fifth of
    what an arrival cost the server (py-spy, thirty arrivals). The room runs no magics, so
    the lookup is skipped; if anything ever loads them, their exit hook is still cancelled."""
    from solara.server.shell import SolaraInteractiveShell

    SolaraInteractiveShell.__init__ = _shell_init


# -- 2. one display formatter ------------------------------------------------------------------


def _check_display_formatter() -> str | None:
    from IPython.core.formatters import DisplayFormatter
    from solara.server.shell import SolaraInteractiveShell

    if "parent" not in DisplayFormatter.class_trait_names():
        return "DisplayFormatter has no parent trait"
    return _missing(SolaraInteractiveShell, "init_display_formatter")


def one_display_formatter() -> None:
    """Each page's shell made its own display formatter: a dozen configurable objects (one per
    kind of output), half of what building the page's shell cost (1.7 of 3.3 ms per arrival,
    measured). What they hold is the same for every page (which function formats which type,
    and Solara's hook that puts displayed elements in their container, which looks at the
    calling thread's render), so the first page's formatter is kept and handed to every page
    after it. It refers to no page (its parent is cleared, as that page's shell is emptied
    when the page ends)."""
    from solara.server.shell import SolaraInteractiveShell

    build = SolaraInteractiveShell.init_display_formatter
    if getattr(build, "klantreis_shared", False):
        return
    kept: list[Any] = []

    def init_display_formatter(self: Any) -> None:
        if not kept:
            build(self)
            self.display_formatter.parent = None
            kept.append(self.display_formatter)
        self.display_formatter = kept[0]

    init_display_formatter.klantreis_shared = True  # type: ignore[attr-defined]
    SolaraInteractiveShell.init_display_formatter = init_display_formatter


# -- 3. one stand-in shell per page --------------------------------------------------------------


def _check_shell_per_page() -> str | None:
    import IPython
    import ipywidgets.widgets.widget as widget_module
    import solara.server.server  # noqa: F401 (Solara's server modules, in their own order)
    from solara.server import kernel_context
    from solara.server import patch as solara_patch

    return (
        _missing(solara_patch, "FakeIPython", "get_ipython_original", "get_ipython")
        or _missing(kernel_context, "has_current_context", "get_current_context")
        or _missing(widget_module, "get_ipython")
        or _missing(IPython, "get_ipython")
    )


class _Events:
    """IPython's event hooks, none registered: the room runs no cells."""

    def trigger(self, event: str, *args: Any, **kwargs: Any) -> None:
        pass

    def register(self, event: str, function: Any) -> None:
        pass

    def unregister(self, event: str, function: Any) -> None:
        pass


def page_get_ipython() -> Any:
    """``get_ipython()`` as the room answers it: the page's one stand-in shell inside a page,
    IPython's own elsewhere."""
    from solara.server import kernel_context
    from solara.server import patch as solara_patch

    if not kernel_context.has_current_context():
        return solara_patch.get_ipython_original()
    context = kernel_context.get_current_context()
    shell = context.__dict__.get("klantreis_shell")
    if shell is None:
        shell = context.__dict__["klantreis_shell"] = _page_shell_class()(context)
    return shell


@cache
def _page_shell_class() -> type:
    """The stand-in shell of a page (made once: Solara's class is imported with its server)."""
    from solara.server import patch as solara_patch

    class PageShell(solara_patch.FakeIPython):  # type: ignore[misc]
        def __init__(self, context: Any) -> None:
            self.context = context
            self.kernel = context.kernel
            self.display_pub = self.kernel.shell.display_pub
            self.events = _Events()
            self.user_ns: dict[Any, Any] = {}
            self.custom_exceptions = ()

    return PageShell


def one_shell_per_page() -> None:
    """Inside a page, Solara answers ``get_ipython()`` with a new stand-in shell each time, and
    each one builds a ``MagicMock`` for its ``events``. The comm package asks for it on every
    widget message a browser sends (twice: before and after the handler), so mocks took about
    4% of what an arrival cost the server (py-spy, thirty arrivals). Each page now keeps one
    stand-in, made once, whose ``events`` accept what is triggered and record nothing (a mock
    kept for the whole session would remember every call)."""
    import IPython
    import ipywidgets.widgets.widget as widget_module
    from solara.server import patch as solara_patch

    solara_patch.get_ipython = page_get_ipython
    widget_module.get_ipython = page_get_ipython
    IPython.get_ipython = page_get_ipython


# -- 4. a control channel per page -----------------------------------------------------------


def _check_control_comm() -> str | None:
    from ipywidgets.widgets import widget as widget_module

    return _missing(
        widget_module, "_instances", "_remove_buffers", "CONTROL_PROTOCOL_VERSION_MAJOR"
    ) or _missing(widget_module.Widget, "handle_control_comm_opened", "get_state")


def _answer_states(channel: Any, message: dict[str, Any]) -> None:
    """Answer a page's ``request_states`` with the states of that page's widgets."""
    from ipywidgets.widgets import widget as widget_module

    if message.get("content", {}).get("data", {}).get("method") != "request_states":
        return
    states = {
        widget.model_id: {
            "model_name": widget._model_name,
            "model_module": widget._model_module,
            "model_module_version": widget._model_module_version,
            "state": widget.get_state(drop_defaults=False),
        }
        for widget in list(widget_module._instances.values())  # this page's (Solara)
    }
    states, paths, buffers = widget_module._remove_buffers(states)
    channel.send(
        {"method": "update_states", "states": states, "buffer_paths": paths}, buffers=buffers
    )


def control_comm_per_page() -> None:
    """A page that reconnects (a phone back in Wi-Fi) asks for the state of all its widgets on
    ipywidgets' control channel. ipywidgets keeps that channel in one class attribute, made for
    a kernel per process: in the room, the channel most recently opened by any page answered
    every request. The answer, a page's widget states with what its person typed, could go to
    another person's browser, and the asking page, never answered, kept showing what it had
    before the outage. Each page's channel now answers on itself, with that page's widgets."""
    from ipywidgets.widgets import widget as widget_module

    Widget = widget_module.Widget
    opened_original = Widget.handle_control_comm_opened
    if getattr(opened_original, "klantreis_per_page", False):
        return

    def opened(cls: Any, channel: Any, message: dict[str, Any]) -> None:
        version = message.get("metadata", {}).get("version", "")
        if version.split(".")[0] != widget_module.CONTROL_PROTOCOL_VERSION_MAJOR:
            opened_original(channel, message)  # ipywidgets' own refusal
            return
        channel.on_msg(partial(_answer_states, channel))

    opened.klantreis_per_page = True  # type: ignore[attr-defined]
    Widget.handle_control_comm_opened = classmethod(opened)


# -- 5. a patient reconnect check in Solara's page script ---------------------------------------

RECONNECT_CHECK_MS = 10_000
"""How long a page that got its connection back waits for the room to confirm its session.
Solara waited 500 ms: a phone back in Wi-Fi that was busy drawing its charts (or a busy room)
answered later, and Solara then gave the page up and ended its session. The page looked alive
and never changed again, and what its person typed next was lost. A room that really lost
the session (a restart) answers at once that it did."""

RECONNECT_CHECK = "setTimeout(() => reject(new Error('app-status timeout')), 500);"
"""The line of Solara's page script that gives a reconnecting page 500 ms."""

FRONT_END_MARKERS = ("connectionStatus", "needsRefresh")
"""What the room's page template reads of Solara's page script (the connection's state and
whether Solara asks for a reload), to say in the page's language that it is reconnecting."""


def solara_page_script() -> str:
    """Solara's own page script, as installed."""
    import solara.server

    path = Path(solara.server.__file__).parent / "static" / "main-vuetify.js"
    return path.read_text(encoding="utf-8")


def _check_page_script() -> str | None:
    script = solara_page_script()
    if RECONNECT_CHECK not in script:
        return "its page script's reconnect check is worded differently"
    missing = [marker for marker in FRONT_END_MARKERS if marker not in script]
    return f"its page script has no {missing[0]}" if missing else None


def patient_page_script() -> str:
    """Solara's page script with the reconnect check of :data:`RECONNECT_CHECK_MS`."""
    patient = RECONNECT_CHECK.replace(", 500);", f", {RECONNECT_CHECK_MS});")
    return solara_page_script().replace(RECONNECT_CHECK, patient)


# -- 6. Solara's settings, app registry and page template ---------------------------------------


def _check_settings() -> str | None:
    import solara.server.app as solara_apps
    import solara.server.server as solara_server
    import solara.server.settings as server_settings
    import solara.settings

    return (
        _missing(server_settings.main, "mode", "experimental_performance")
        or _missing(server_settings.kernel, "cull_timeout")
        or _missing(server_settings.state, "auto_remount")
        or _missing(server_settings.session, "secret_key")
        or _missing(server_settings.theme, "loader", "show_banner", "title")
        or _missing(solara.settings.assets, "cdn", "proxy")
        or _missing(solara_apps, "apps", "AppScript")
        or _missing(solara_server, "get_jinja_env")
    )


def _check_mountable_app() -> str | None:
    """The room mounts Solara's app in its own (as Solara's deployment guide does) and runs
    Solara's lifespan around its own, since Starlette does not run a mounted app's."""
    import solara.server.starlette as solara_starlette

    app = getattr(solara_starlette, "app", None)
    if app is None or not hasattr(app, "router"):
        return "solara.server.starlette.app is no Starlette app"
    if not callable(getattr(solara_starlette, "lifespan", None)):
        return "solara.server.starlette.lifespan is gone"
    return None


RELIANCES: tuple[Reliance, ...] = (
    *(Reliance(f"{name} version", name, partial(outside_tested, name)) for name in TESTED),
    Reliance("no script magics per page", "solara", _check_script_magics, skip_script_magics),
    Reliance("one display formatter", "ipython", _check_display_formatter, one_display_formatter),
    Reliance(
        "a control channel per page", "ipywidgets", _check_control_comm, control_comm_per_page
    ),
    Reliance("a patient reconnect check", "solara", _check_page_script),
    # Last: these import Solara's server, which patches ipywidgets for the whole process.
    Reliance("one stand-in shell per page", "solara", _check_shell_per_page, one_shell_per_page),
    Reliance("settings, app and page template", "solara", _check_settings),
    Reliance("Solara's app mounted in the room's", "solara", _check_mountable_app),
)
"""Every use of a library's insides by the room, in the order they are checked."""


def check() -> None:
    """Refuse to start (a :class:`KlantreisError` naming the library and its version) when an
    installed library is not as the room's patches expect."""
    for reliance in RELIANCES:
        try:
            problem = reliance.check()
        except Exception as exc:  # an import or a look-up that failed is a change too
            problem = f"{type(exc).__name__}: {exc}"
        if problem is not None:
            raise KlantreisError(
                "room.upstream_changed",
                library=reliance.library,
                version=_version(reliance.library),
                what=f"{reliance.name}: {problem}",
            )


def apply() -> None:
    """Make every patch (after :func:`check`); making them twice changes nothing."""
    for reliance in RELIANCES:
        if reliance.apply is not None:
            reliance.apply()


__all__ = [
    "RECONNECT_CHECK_MS",
    "RELIANCES",
    "TESTED",
    "apply",
    "check",
    "outside_tested",
    "page_get_ipython",
    "patient_page_script",
]
