"""The package installs from a wheel into a fresh virtual environment and works from there."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.ports import free_port

pytestmark = pytest.mark.slow  # builds a wheel; one test installs it into a new environment

ROOT = Path(__file__).resolve().parents[2]


BUILD_OUTPUT: list[str] = []
"""What building the wheel printed (the quiet-install test reads it)."""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from this source tree."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    BUILD_OUTPUT.append(built.stdout + built.stderr)
    return next(out.glob("klantreis-*.whl"))


def test_the_build_prints_no_setuptools_warnings(wheel: Path) -> None:
    """Every folder of data files is listed as a package: setuptools once printed a page of
    "Package would be ignored" for each of ten of them on every install."""
    assert "absent from the `packages` configuration" not in BUILD_OUTPUT[0]
    assert "Package would be ignored" not in BUILD_OUTPUT[0]


def test_the_wheel_carries_data_migrations_templates_and_widgets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "klantreis/widgets/__init__.py",
        "klantreis/templates/workshops/orchestra.nl.json",
        "klantreis/templates/workshops/b2b_service.en.json",
        "klantreis/store/migrations/env.py",
        "klantreis/store/migrations/versions/0001_first_schema.py",
        "klantreis/store/migrations/versions/0002_room_controls.py",
        "klantreis/i18n/nl.json",
        "klantreis/i18n/en.json",
        "klantreis/exchange/workshop.schema.json",
        "klantreis/notebooks/__init__.py",
        "klantreis/notebooks/nl/04-map-the-customer.ipynb",
        "klantreis/notebooks/en/06-ideal-journey.ipynb",
        "klantreis/templates/jupyter/voila/templates/klantreis/index.html.j2",
        "klantreis/templates/jupyter/nbconvert/templates/klantreis/index.html.j2",
        "klantreis/templates/jupyter/labconfig/page_config.json",
        "klantreis/templates/materials/canvas.html.j2",
        "klantreis/workshop_materials/nl/facilitator-guide.html",
        "klantreis/workshop_materials/__init__.py",
    }
    assert expected <= names
    assert not any(name.startswith(("tests/", "widgets/", "templates/")) for name in names)


def test_every_package_folder_is_in_the_wheel(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    folders = set()
    for source, prefix in (
        (ROOT / "klantreis", "klantreis"),
        (ROOT / "widgets", "klantreis/widgets"),
    ):
        for init in source.rglob("__init__.py"):
            relative = init.relative_to(source).as_posix()
            folders.add(f"{prefix}/{relative}")
    missing = sorted(folder for folder in folders if folder not in names)
    assert missing == []


def test_init_and_export_work_from_a_fresh_virtual_environment(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True
    )
    klantreis = env_dir / "bin" / "klantreis"
    away = tmp_path / "elsewhere"
    away.mkdir()

    def run(*args: str) -> str:
        result = subprocess.run(
            [str(klantreis), *args],
            cwd=away,
            capture_output=True,
            text=True,
            env={"KLANTREIS_LANG": "en"},
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    run("init", "demo", "--template", "webshop", "--lang", "en")
    run("export", "demo", "--format", "json", "--out", "demo.json")
    run("export", "demo", "--format", "csv")
    run("materials", "--lang", "en", "--out", "materials")
    assert (away / "materials" / "en" / "canvas-journey.html").is_file()
    exported = json.loads((away / "demo.json").read_text())
    assert exported["workshop"]["title"] == "Webshop: one customer's story across four departments"
    assert len(exported["steps"]) == 11
    assert (away / "demo" / "exports" / "csv" / "steps.csv").is_file()
    location = subprocess.run(
        [str(python), "-c", "import klantreis, klantreis.widgets; print(klantreis.__file__)"],
        cwd=away,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(env_dir) in location and str(ROOT) not in location
    # Started from the source checkout, the installed room runs (the checkout's klantreis/
    # folder, which lacks the widgets, is never put first on the import path).
    port = free_port(span=3)
    serving = subprocess.Popen(
        [str(klantreis), "serve", str(away / "demo"), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={"KLANTREIS_LANG": "en", "PATH": "/usr/bin:/bin"},
    )
    assert serving.stdout is not None
    said = [serving.stdout.readline() for _ in range(3)]
    while said[-1] and "Ctrl-C" not in said[-1]:
        said.append(serving.stdout.readline())
    serving.send_signal(signal.SIGTERM)
    rest, _ = serving.communicate(timeout=60)
    assert serving.returncode == 0 and "The room is open." in "".join(said), "".join(said) + rest
