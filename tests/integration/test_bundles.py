"""The offline chart bundles: built once into the cache, one Vega per page, old ones removed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from klantreis import settings
from klantreis.charts import bundles

pytestmark = pytest.mark.slow  # builds the bundles (vl-convert) and starts kernels


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty bundle cache directory, used instead of the real one."""
    monkeypatch.setenv(settings.CACHE.name, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_bundles_are_built_into_the_cache_and_old_versions_removed(empty_cache: Path) -> None:
    """Another version's bundle unused for a week goes; one in use (another installation on
    this machine) stays: removing it once sent that installation's chart code inline."""
    import os
    import time

    empty_cache.mkdir()
    stale = empty_cache / "jupyterchart-0.0.0-0.0.0-000000000000.js"
    stale.write_text("old")
    week_ago = time.time() - bundles.STALE_AFTER - 60
    os.utime(stale, (week_ago, week_ago))
    in_use = empty_cache / "embed-0.0.1-0.0.0-111111111111.js"
    in_use.write_text("another installation's")
    paths = dict(zip(bundles.KINDS, bundles.ensure_bundles(), strict=True))
    assert all(paths[kind].parent == empty_cache for kind in ("jupyterchart", "embed", "served"))
    assert paths["module"].parent == bundles.served_root() / "labextensions" / "klantreis-charts"
    for kind in ("jupyterchart", "embed", "module"):  # Vega, Vega-Lite and vega-embed
        assert paths[kind].stat().st_size > 500_000, kind
    assert paths["served"].stat().st_size < 2_000  # a loader only
    assert not stale.exists() and in_use.exists()
    files = {p for p in empty_cache.rglob("*") if p.is_file()}
    assert files == {*paths.values(), in_use}


def test_every_live_chart_on_a_page_shares_one_copy_of_vega(empty_cache: Path) -> None:
    """anywidget imports a widget's module once per widget; the bundle is a loader that imports
    the chart code once per page, so Vega numbers the clip paths of all charts in one sequence
    (with a copy per chart, ``clip1`` repeated and bars took another chart's clip)."""
    bundles.ensure_bundles()
    inline = bundles.bundle_path("jupyterchart").read_text(encoding="utf-8")
    literal = inline.partition("const source = ")[2].partition(";\n")[0]
    assert json.loads(literal) == bundles.bundle_path("module").read_text(encoding="utf-8")
    served = bundles.bundle_path("served").read_text(encoding="utf-8")
    assert json.dumps(f"klantreis-charts/{bundles.bundle_path('module').name}") in served
    for loader in (inline, served):
        assert "globalThis[key]" in loader and loader.count("export default") == 1
    module = bundles.bundle_path("module").read_text(encoding="utf-8")
    assert "export{__default as default}" in module and "clip" in module


def test_kernels_of_klantreis_servers_send_a_loader_and_others_the_code(
    empty_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    from klantreis.serve.commands import jupyter_env

    bundles.ensure_bundles()
    probe = "from klantreis.charts.live import live_chart; print(len(live_chart({})._esm))"
    served = subprocess.run(
        [sys.executable, "-c", probe], env=jupyter_env(), capture_output=True, text=True
    )
    monkeypatch.delenv(settings.CHART_MODULE.name, raising=False)
    plain = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert int(served.stdout) < 2_000 < 500_000 < int(plain.stdout), served.stderr
    assert str(bundles.served_root()) in jupyter_env()["JUPYTER_PATH"]
