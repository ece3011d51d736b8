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

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import time
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from klantreis.settings import cache_dir

KINDS = ("jupyterchart", "embed", "module", "served")
"""``jupyterchart``: the live charts' front-end with the code inline; ``embed``: vega-embed for
static HTML; ``module``: Altair's JupyterChart code itself, served as a file; ``served``: the
live charts' front-end that imports ``module`` from the server."""

EMBED_SNIPPET = "window.klantreisEmbed = vegaEmbed;\n"
"""vl-convert resolves ``vegaEmbed`` itself; the snippet may not import anything."""

LOADER = """\
// klantreis: every chart on a page shares one copy of Vega (see klantreis/charts/bundles.py).
const key = %(key)s;
%(load)s
function shared(attempt) {
  if (!globalThis[key]) {
    globalThis[key] = load(attempt).catch((error) => {
      delete globalThis[key];  // a failed load is tried again, not kept
      throw error;
    });
  }
  return globalThis[key];
}
async function loaded(gone) {
  for (let attempt = 0, wait = 500; ; attempt++, wait = Math.min(2 * wait, 8000)) {
    try {
      return await shared(attempt);
    } catch (error) {
      if (gone()) throw error;
      console.warn("klantreis: chart code did not load, trying again", error);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
export default {
  render(context) {
    let removed = false;
    loaded(() => removed)
      .then((chart) => removed || chart.default.render(context))
      .catch((error) => console.error("klantreis: a chart could not be drawn", error));
    return () => {
      removed = true;
    };
  },
};
"""
"""The live charts' front-end module: it loads Altair's JupyterChart code once per page.

anywidget imports a widget's module anew for every widget, so without this each chart gets
its own Vega. Vega numbers the SVG clip paths of its marks per copy (``clip1``, ``clip2``...),
and with several copies on one page the numbers repeat: a bar then takes its clip path from
another chart and is painted cut short, although the page's SVG holds the right shape. One
shared copy numbers the clips of all charts in one sequence, and parses Vega once per page.

A load that fails (a phone lost its Wi-Fi while the code was on its way) is tried again with
growing pauses until it works or the chart left the page, and ``render`` does not wait for it:
the rest of the page is drawn meanwhile.
"""

INLINE_LOAD = """\
const source = %(source)s;
async function load() {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    return await import(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}"""
"""The chart code inside the widget: works in any front-end, sent with every chart widget."""

SERVED_LOAD = """\
const file = %(file)s;
async function load(attempt) {
  const config = document.getElementById("jupyter-config-data");
  const settings = config ? JSON.parse(config.textContent) : {};
  const base = (settings.baseUrl || "/").replace(/\\/?$/, "/");
  const routes = ["voila/labextensions/", "lab/extensions/"];
  if (!String(settings.appUrl || "").includes("voila")) routes.reverse();
  let failure;
  for (const route of routes) {
    try {
      // A browser keeps a failed module import for the page's life: a retry asks anew.
      const again = attempt ? "?attempt=" + attempt : "";
      return await import(new URL(base + route + file + again, document.baseURI).href);
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}"""
"""The chart code fetched from the server (Voila or JupyterLab) that klantreis started: the
widget carries a few hundred bytes instead of the whole bundle, and the browser caches the file
(a revisit costs a 304), so a room full of arriving participants is not sent Vega per chart."""

SERVED_DIR = ("jupyter", "labextensions", "klantreis-charts")
"""Where the served chart module lives under the cache. The cache's ``jupyter`` folder is on
the Jupyter path of the servers klantreis starts (see :func:`klantreis.serve.commands.jupyter_env`),
and both Voila (``voila/labextensions/``) and JupyterLab (``lab/extensions/``) serve files there.
The folder has no package.json, so neither takes it for an extension."""


@cache
def _fingerprint() -> str:
    altair_js = resources.files("altair").joinpath("jupyter", "js", "index.js").read_bytes()
    parts = [
        metadata.version("altair"),
        metadata.version("vl-convert-python"),
        # This module's own text: what it writes into the bundles changes with it.
        hashlib.sha256(altair_js + Path(__file__).read_bytes()).hexdigest()[:12],
    ]
    return "-".join(parts)


def bundle_path(kind: str) -> Path:
    """The cache file of one bundle (it may not exist yet)."""
    if kind not in KINDS:
        raise ValueError(kind)
    folder = cache_dir().joinpath(*SERVED_DIR) if kind == "module" else cache_dir()
    return folder / f"{kind}-{_fingerprint()}.js"


def served_root() -> Path:
    """The folder to put on a server's Jupyter path so that it serves the chart module."""
    return cache_dir() / SERVED_DIR[0]


def ensure_bundles() -> list[Path]:
    """Build whatever bundle is missing, in a separate process; return the paths (by KINDS)."""
    paths = [bundle_path(kind) for kind in KINDS]
    if not all(path.is_file() for path in paths):
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "klantreis.charts.bundles", *(str(p) for p in paths)],
            check=True,
            capture_output=True,
        )
    for path in paths:
        path.touch()  # in use: another version's clean-up keeps it
        _remove_stale(path)
    return paths


STALE_AFTER = 7 * 24 * 3600
"""Seconds after which another version's bundle, unused since, is removed. Not at once: two
installations of klantreis on one machine (two virtual environments, or a test run beside a
room) share the cache, and removing each other's bundles sent every chart's code inline."""


def _remove_stale(path: Path) -> None:
    """Remove the bundles of the same kind that no version has used for :data:`STALE_AFTER`."""
    kind = path.name.split("-")[0]
    now = time.time()
    for other in path.parent.glob(f"{kind}-*.js"):
        with contextlib.suppress(OSError):  # another process removed it first
            if other != path and now - other.stat().st_mtime > STALE_AFTER:
                other.unlink()


@cache
def bundle_source(kind: str) -> str:
    """The text of a bundle, building it first when needed."""
    ensure_bundles()
    return bundle_path(kind).read_text(encoding="utf-8")


def _build(jupyterchart: Path, embed: Path, module: Path, served: Path) -> None:
    """Build the bundles (runs in the helper process, which may import vl-convert)."""
    import vl_convert as vlc
    from altair import JupyterChart
    from altair.utils._importers import vl_version_for_vl_convert

    JupyterChart.enable_offline()
    code = str(JupyterChart._esm)
    key = json.dumps(f"klantreisJupyterChart-{_fingerprint()}")
    inline = INLINE_LOAD % {"source": json.dumps(code)}
    from_server = SERVED_LOAD % {"file": json.dumps(f"{SERVED_DIR[-1]}/{module.name}")}
    _write(jupyterchart, LOADER % {"key": key, "load": inline})
    _write(served, LOADER % {"key": key, "load": from_server})
    _write(module, code)
    _write(embed, vlc.javascript_bundle(EMBED_SNIPPET, vl_version=vl_version_for_vl_convert()))


def _write(path: Path, text: str) -> None:
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)  # atomic: a reader never sees half a bundle


if __name__ == "__main__":
    _build(*(Path(arg) for arg in sys.argv[1:5]))
