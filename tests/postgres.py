"""A throwaway PostgreSQL cluster in a temporary folder, for tests and benchmarks.

Uses Debian's server binaries (``/usr/lib/postgresql/<version>/bin``). initdb refuses to run
as root, so as root the cluster runs as the ``postgres`` system user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.ports import free_port


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first; None when not installed."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass
class Cluster:
    """A running throwaway PostgreSQL server: its URL, and ``pg_ctl`` to stop or restart it."""

    url: str
    pg_ctl: Callable[..., None]
    """Runs ``pg_ctl`` on the cluster (its data folder and options filled in), e.g.
    ``pg_ctl("stop", "-m", "fast")`` or ``pg_ctl("start", "-w")``."""


@contextmanager
def throwaway_cluster(database: str = "klantreis") -> Iterator[str]:
    """Start a PostgreSQL server on a free local port; yield its URL; remove it afterwards."""
    with controllable_cluster(database) as cluster:
        yield cluster.url


@contextmanager
def controllable_cluster(database: str = "klantreis") -> Iterator[Cluster]:
    """A throwaway PostgreSQL server that the test can stop and start (a restart, an outage)."""
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="klantreis-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    user = "postgres" if as_root else pwd.getpwuid(os.geteuid()).pw_name
    if as_root:
        pg = pwd.getpwnam("postgres")
        os.chown(root, pg.pw_uid, pg.pw_gid)
        os.chown(sockets, pg.pw_uid, pg.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, cwd=root)

    run(
        str(binaries / "initdb"),
        "-D",
        str(data),
        "--auth=trust",
        "--username",
        user,
        "--encoding=UTF8",
        "--no-sync",
    )
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c max_connections=200 -c shared_buffers=64MB"
    )
    run(
        str(binaries / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(root / "log"),
        "-w",
        "start",
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                run(
                    str(binaries / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    user,
                    database,
                )
                break
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

        def pg_ctl(*args: str) -> None:
            command = [str(binaries / "pg_ctl"), "-D", str(data), "-o", options]
            run(*command, "-l", str(root / "log"), *args)

        yield Cluster(f"postgresql://{user}@127.0.0.1:{port}/{database}", pg_ctl)
    finally:
        subprocess.run(
            [*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            cwd=root,
        )
        shutil.rmtree(root, ignore_errors=True)
