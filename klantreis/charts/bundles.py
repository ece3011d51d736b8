"""The JavaScript that draws charts without internet, built once and cached on disk.

Two bundles come from vl-convert, which carries Vega, Vega-Lite and vega-embed:

- ``jupyterchart``: Altair's JupyterChart front-end with its imports resolved, for live
  kernels (JupyterLab and Voila);
- ``embed``: vega-embed as one script that defines ``window.klantreisEmbed``, for static HTML.

Building needs vl-convert and takes a few seconds; it runs in a separate process so that
kernels never import vl-convert (about 90 MB of memory each). The files are cached in
``KLANTREIS_CACHE`` (default ``~/.cache/klantreis``), keyed by the versions that shape them.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from functools import cache
from importlib import metadata, resources
from pathlib import Path

CACHE_ENV = "KLANTREIS_CACHE"
KINDS = ("jupyterchart", "embed")

EMBED_SNIPPET = "window.klantreisEmbed = vegaEmbed;\n"
"""vl-convert resolves ``vegaEmbed`` itself; the snippet may not import anything."""

SHARED_LOADER = """\
// klantreis: every chart on a page shares one copy of Vega (see klantreis/charts/bundles.py).
const source = %(source)s;
const key = %(key)s;
function shared() {
  if (!globalThis[key]) {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    globalThis[key] = import(url).finally(() => URL.revokeObjectURL(url));
  }
  return globalThis[key];
}
export default {
  async render(context) {
    const chart = await shared();
    return chart.default.render(context);
  },
};
"""
"""The live charts' front-end module: it loads Altair's JupyterChart code once per page.

anywidget imports a widget's module anew for every widget, so without this each chart gets
its own Vega. Vega numbers the SVG clip paths of its marks per copy (``clip1``, ``clip2``...),
and with several copies on one page the numbers repeat: a bar then takes its clip path from
another chart and is painted cut short, although the page's SVG holds the right shape. One
shared copy numbers the clips of all charts in one sequence, and parses Vega once per page.
"""


def cache_dir() -> Path:
    """Where built bundles are kept."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "klantreis"


@cache
def _fingerprint() -> str:
    altair_js = resources.files("altair").joinpath("jupyter", "js", "index.js").read_bytes()
    parts = [
        metadata.version("altair"),
        metadata.version("vl-convert-python"),
        hashlib.sha256(altair_js + (EMBED_SNIPPET + SHARED_LOADER).encode()).hexdigest()[:12],
    ]
    return "-".join(parts)


def bundle_path(kind: str) -> Path:
    """The cache file of one bundle (it may not exist yet)."""
    if kind not in KINDS:
        raise ValueError(kind)
    return cache_dir() / f"{kind}-{_fingerprint()}.js"


def ensure_bundles() -> list[Path]:
    """Build whatever bundle is missing, in a separate process; return both paths."""
    paths = [bundle_path(kind) for kind in KINDS]
    if not all(path.is_file() for path in paths):
        cache_dir().mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "klantreis.charts.bundles", *(str(p) for p in paths)],
            check=True,
            capture_output=True,
        )
        for kind in KINDS:  # bundles of earlier versions are no longer read
            for old in cache_dir().glob(f"{kind}-*.js"):
                if old not in paths:
                    old.unlink(missing_ok=True)
    return paths


@cache
def bundle_source(kind: str) -> str:
    """The text of a bundle, building it first when needed."""
    ensure_bundles()
    return bundle_path(kind).read_text(encoding="utf-8")


def _build(jupyterchart_path: Path, embed_path: Path) -> None:
    """Build both bundles (runs in the helper process, which may import vl-convert)."""
    import vl_convert as vlc
    from altair import JupyterChart
    from altair.utils._importers import vl_version_for_vl_convert

    JupyterChart.enable_offline()
    loader = SHARED_LOADER % {
        "source": json.dumps(str(JupyterChart._esm)),
        "key": json.dumps(f"klantreisJupyterChart-{_fingerprint()}"),
    }
    _write(jupyterchart_path, loader)
    _write(embed_path, vlc.javascript_bundle(EMBED_SNIPPET, vl_version=vl_version_for_vl_convert()))


def _write(path: Path, text: str) -> None:
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)  # atomic: a reader never sees half a bundle


if __name__ == "__main__":
    _build(Path(sys.argv[1]), Path(sys.argv[2]))
