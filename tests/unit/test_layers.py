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


def test_only_the_settings_module_names_an_environment_setting() -> None:
    """Every ``KLANTREIS_*`` name and its default live in klantreis/settings.py: no other
    module has the name as a string of its own (docstrings may mention it)."""
    found = []
    for folder in ("klantreis", "widgets", "notebooks"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "klantreis" / "settings.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                value = node.value if isinstance(node, ast.Constant) else None
                if isinstance(value, str) and value.startswith("KLANTREIS_") and " " not in value:
                    found.append(f"{path.relative_to(ROOT)}: {value}")
    assert found == []
