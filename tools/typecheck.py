"""Run mypy over the package as it is installed: klantreis/ with widgets/ as klantreis.widgets.

mypy cannot follow setuptools' package-dir mapping, so this builds a tree of symbolic links
that mirrors the installed layout and checks that tree with the project's settings.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / ".mypy_tree"


def build_tree() -> Path:
    """The link tree: .mypy_tree/klantreis/<entries of klantreis/> and .../widgets -> widgets/."""
    shutil.rmtree(TREE, ignore_errors=True)
    package = TREE / "klantreis"
    package.mkdir(parents=True)
    for entry in (ROOT / "klantreis").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    (package / "widgets").symlink_to(ROOT / "widgets")
    return TREE


def main() -> int:
    tree = build_tree()
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "-p",
        "klantreis",
    ]
    return subprocess.run(command, cwd=tree).returncode


if __name__ == "__main__":
    sys.exit(main())
