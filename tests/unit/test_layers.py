"""The layers stay apart: the domain imports no UI, chart or database library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_DOMAIN = (
    "ipywidgets",
    "altair",
    "sqlalchemy",
    "alembic",
    "pandas",
    "voila",
    "IPython",
    "duckdb",
    "pyarrow",
    "numpy",
)


def imported_modules(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
    return names


def test_domain_source_imports_no_ui_chart_or_database_library() -> None:
    used = imported_modules(ROOT / "klantreis" / "domain")
    bad = sorted(name for name in used if name.split(".")[0] in FORBIDDEN_IN_DOMAIN)
    assert bad == []


def test_importing_the_domain_loads_none_of_them() -> None:
    code = (
        "import sys, klantreis.domain\n"
        f"print(sorted(m for m in {FORBIDDEN_IN_DOMAIN!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


PATH_EDITS = tuple("sys.path." + verb for verb in ("insert", "append"))


def test_no_sys_path_edits_anywhere() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("klantreis", "widgets", "notebooks", "tests", "benchmarks")
        for path in (ROOT / folder).rglob("*.py*")
        if path.suffix in (".py", ".ipynb")
        and (any(edit in path.read_text(encoding="utf-8") for edit in PATH_EDITS))
        and path.name != "test_layers.py"
    ]
    assert offenders == []
