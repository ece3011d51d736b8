"""The room's uses of library insides (widgets/upstream.py): each holds for the installed
libraries, each is refused when its assumption breaks, and each does what it is for."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from klantreis.widgets import upstream
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from klantreis.domain import KlantreisError
from tests.upstream_probe import PROBES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def probes() -> dict[str, str]:
    """What each probe of tests/upstream_probe.py gave ("ok" or its traceback), run in a process
    of its own (importing Solara's server patches ipywidgets for the whole process)."""
    answer = subprocess.run(
        [sys.executable, "-m", "tests.upstream_probe"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert answer.returncode == 0, answer.stderr[-3000:]
    return dict(json.loads(answer.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("name", sorted(PROBES))
def test_each_patch_does_what_it_is_for(probes: dict[str, str], name: str) -> None:
    assert probes[name] == "ok", probes[name]


@pytest.mark.parametrize("reliance", upstream.RELIANCES[:-3], ids=lambda r: r.name)
def test_every_reliance_holds_for_the_installed_libraries(reliance: upstream.Reliance) -> None:
    """The checks that import nothing of Solara's server (the rest run in the probe)."""
    assert reliance.check() is None


def test_the_pins_of_the_package_are_the_tested_ranges() -> None:
    """pyproject.toml asks pip for exactly the versions the patches were tested with."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pinned = {
        (requirement := Requirement(line)).name: requirement.specifier
        for line in project["project"]["dependencies"]
    }
    for library, tested in upstream.TESTED.items():
        assert pinned.get(library) == SpecifierSet(tested), library


@pytest.mark.parametrize("library", sorted(upstream.TESTED))
def test_the_installed_version_is_within_its_tested_range(library: str) -> None:
    assert upstream.outside_tested(library) is None


def test_the_room_refuses_another_version_naming_the_library_and_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from importlib import metadata

    real = metadata.version
    monkeypatch.setattr(
        metadata,
        "version",
        lambda name: "1.64.1" if name == "solara" else real(name),
    )
    with pytest.raises(KlantreisError) as refused:
        upstream.check()
    english, dutch = refused.value.message("en"), refused.value.message("nl")
    assert "solara" in english and "1.64.1" in english and "==1.58.2" in english
    assert "De zaal start niet" in dutch and "solara" in dutch and "1.64.1" in dutch


def _without_remove_buffers(monkeypatch: pytest.MonkeyPatch) -> None:
    import ipywidgets.widgets.widget as widget_module

    monkeypatch.delattr(widget_module, "_remove_buffers")


def _another_page_script(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upstream, "solara_page_script", lambda: "reconnect after 500 ms")


def _another_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    from solara.server.shell import SolaraInteractiveShell

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        pass

    monkeypatch.setattr(SolaraInteractiveShell, "__init__", __init__)


@pytest.mark.parametrize(
    ("breaking", "library", "said"),
    [
        (_without_remove_buffers, "ipywidgets", "_remove_buffers is gone"),
        (_another_page_script, "solara", "reconnect check is worded differently"),
        (_another_shell, "solara", "SolaraInteractiveShell.__init__ changed"),
    ],
    ids=["ipywidgets-private", "page-script", "shell-init"],
)
def test_a_changed_library_is_refused_before_the_room_starts(
    monkeypatch: pytest.MonkeyPatch, breaking: Any, library: str, said: str, tmp_path: Path
) -> None:
    from klantreis.widgets.room.server import RoomServer

    from klantreis.exchange.templates import load_template
    from klantreis.folder import create_folder

    breaking(monkeypatch)
    with pytest.raises(KlantreisError) as refused:
        upstream.check()
    assert refused.value.params["library"] == library and said in refused.value.params["what"]
    folder = tmp_path / "w"
    create_folder(folder, load_template("empty", "en"))
    room = RoomServer(folder, port=1)  # a port it could never bind: it must not get that far
    with pytest.raises(KlantreisError, match=library):
        room.start()
    assert room.room is None  # nothing was opened


def test_the_page_script_gives_a_reconnecting_page_ten_seconds() -> None:
    script = upstream.patient_page_script()
    assert "new Error('app-status timeout')), 10000);" in script
    assert upstream.RECONNECT_CHECK not in script
