"""A workshop folder on a read-only mount, and on a disk that fills up (a small tmpfs).

Both need ``mount``, which needs root (CI runs as root); elsewhere these tests are skipped
with that reason. A read-only bind mount refuses writes to root as well, so the folder is
read-only for everyone, as it is for a user without write permission.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from klantreis.domain import Card, CardKind, MethodStep, StorageError
from klantreis.folder import open_folder
from klantreis.i18n import t
from tests.integration.test_cli import run_cli


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@contextlib.contextmanager
def mounted(*args: str, target: Path) -> Iterator[Path]:
    target.mkdir(parents=True, exist_ok=True)
    try:
        _mount(*args, str(target))
    except (OSError, subprocess.CalledProcessError) as problem:
        pytest.skip(f"cannot mount here (needs root): {problem}")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


@pytest.fixture
def read_only_workshop(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A workshop folder (orchestra, Dutch) and the same folder seen through a read-only
    bind mount: ``(writable, read_only)``."""
    source = tmp_path / "source"
    source.mkdir()
    folder = source / "orchestra"
    assert run_cli("init", str(folder), "--template", "orchestra", "--lang", "nl").returncode == 0
    with mounted("--bind", str(source), target=tmp_path / "ro") as view:
        _mount("-o", "remount,bind,ro", str(view))
        yield folder, view / "orchestra"


def test_a_read_only_workshop_folder_is_named_with_what_to_do(
    read_only_workshop: tuple[Path, Path],
) -> None:
    writable, read_only = read_only_workshop
    before = (writable / "workshop.sqlite").read_bytes()
    for lang, words in (("nl", "alleen-lezen"), ("en", "read-only")):
        result = run_cli("info", str(read_only), lang=lang)
        assert result.returncode == 1, result.stderr
        assert words in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert (writable / "workshop.sqlite").read_bytes() == before  # nothing was touched


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An empty 6 MB tmpfs: a disk that fills up quickly."""
    with mounted("-t", "tmpfs", "-o", "size=6m", "tmpfs", target=tmp_path / "disk") as disk:
        yield disk


def test_a_full_disk_refuses_the_change_by_name_and_damages_nothing(small_disk: Path) -> None:
    folder = small_disk / "orchestra"
    assert run_cli("init", str(folder), "--template", "orchestra", "--lang", "en").returncode == 0
    service = open_folder(folder)
    service.open_method_step(MethodStep.MAPPING)
    segment = service.snapshot().segments[0].id
    person = service.join("Filling the disk")
    filler = small_disk / "filler"
    with contextlib.suppress(OSError), filler.open("wb") as out:
        while True:  # take every free byte
            out.write(b"\0" * 65536)
            out.flush()
    filler.write_bytes(b"\0" * (filler.stat().st_size - 128 * 1024))  # room for a few cards
    saved: list[str] = []
    refusal: StorageError | None = None
    for n in range(2000):
        text = (f"Card {n}: " + "words to fill the disk " * 7).strip()
        try:
            service.add_card(
                Card(
                    workshop_id=service.workshop_id,
                    segment_id=segment,
                    kind=CardKind.NEED,
                    text=text,
                ),
                person.id,
            )
            saved.append(text)
        except StorageError as problem:
            refusal = problem
            break
    assert refusal is not None, "the disk never filled up"
    print(f"saved {len(saved)} cards before the disk was full")
    assert refusal.message("en") == t(
        "error.disk_full", "en", url=f"sqlite:///{folder}/workshop.sqlite"
    )
    assert "vol" in refusal.message("nl")
    filler.unlink()  # space again: the database is whole and takes changes
    stored = [c.text for c in service.snapshot().cards if c.text.startswith("Card ")]
    assert stored == saved
    service.add_card(
        Card(workshop_id=service.workshop_id, segment_id=segment, kind=CardKind.NEED, text="After"),
        person.id,
    )
    service.store.close()
    with contextlib.closing(sqlite3.connect(folder / "workshop.sqlite")) as database:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count = database.execute("SELECT count(*) FROM cards WHERE text LIKE 'Card %'").fetchone()
    assert count == (len(saved),)


def fill(disk: Path) -> None:
    """Take every free byte of ``disk``."""
    with contextlib.suppress(OSError), (disk / "filler").open("wb") as out:
        while True:
            out.write(b"\0" * 65536)
            out.flush()


@pytest.mark.slow  # nine runs of the command, a process each
def test_every_command_on_a_full_disk_says_the_disk_is_full(
    small_disk: Path, tmp_path: Path
) -> None:
    """Reading, importing and exporting on a full disk: each says the disk is full (it said
    the database "cannot be reached"), in one line, and what was saved stays."""
    folder = small_disk / "orchestra"
    assert run_cli("init", str(folder), "--template", "orchestra", "--lang", "nl").returncode == 0
    assert run_cli("data", "counts", str(folder), "1=40").returncode == 0
    log = tmp_path / "log.csv"
    log.write_text("customer,timestamp,page\na,2026-01-01 10:00:00,/agenda\n", encoding="utf-8")
    fill(small_disk)
    commands = {
        "data counts": ("data", "counts", str(folder), "1=50"),
        "data events": ("data", "events", str(folder), str(log)),
        "export csv": ("export", str(folder), "--format", "csv"),
        "materials": ("materials", "--out", str(small_disk / "materials")),
    }
    for name, args in commands.items():
        for lang, words in (("nl", "is vol"), ("en", "is full")):
            result = run_cli(*args, lang=lang)
            assert result.returncode == 1, (name, result.stderr)
            assert words in result.stderr, (name, result.stderr)
            assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    (small_disk / "filler").unlink()
    data = open_folder(folder).data_folder
    assert data is not None and data.counts() == {1: 40}
    assert not [p for p in (folder / "analytics").iterdir() if p.suffix in (".part", ".csv")]
