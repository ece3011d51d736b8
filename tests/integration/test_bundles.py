"""The offline chart bundles: built once into the cache, one Vega per page, old ones removed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from klantreis.charts import bundles


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty bundle cache directory, used instead of the real one."""
    monkeypatch.setenv(bundles.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_bundles_are_built_into_the_cache_and_old_versions_removed(empty_cache: Path) -> None:
    empty_cache.mkdir()
    stale = empty_cache / "jupyterchart-0.0.0-0.0.0-000000000000.js"
    stale.write_text("old")
    paths = bundles.ensure_bundles()
    assert [p.parent for p in paths] == [empty_cache, empty_cache]
    assert all(p.stat().st_size > 500_000 for p in paths)  # Vega, Vega-Lite and vega-embed
    assert not stale.exists()
    assert sorted(p.name for p in empty_cache.iterdir()) == sorted(p.name for p in paths)


def test_every_live_chart_on_a_page_shares_one_copy_of_vega(empty_cache: Path) -> None:
    """anywidget imports a widget's module once per widget; the bundle is a loader that imports
    the chart code once per page, so Vega numbers the clip paths of all charts in one sequence
    (with a copy per chart, ``clip1`` repeated and bars took another chart's clip)."""
    bundles.ensure_bundles()
    loader = bundles.bundle_path("jupyterchart").read_text(encoding="utf-8")
    head, _, rest = loader.partition("const source = ")
    literal, _, tail = rest.partition(";\nconst key = ")
    inner = json.loads(literal)
    assert "export{__default as default}" in inner and "clip" in inner
    assert "globalThis[key]" in tail and "export default" in tail
    assert "export" not in head
