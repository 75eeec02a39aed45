"""A map as one self-contained HTML file: vis-network, styles, script and
data inlined, so it opens from disk with no server and no network.

Its Content-Security-Policy (sent as a header and repeated in a meta tag, so
it holds when the file is opened from disk) allows exactly the two inline
scripts, by hash, and nothing from anywhere; user text still travels only as
escaped JSON and is drawn as text.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path

from flask import current_app, render_template
from markupsafe import Markup

__all__ = ["render_standalone"]

_END_TAG = re.compile(r"</(script|style)|<!--", re.IGNORECASE)


def _inline(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    # Inlined code must not be able to close its own element.
    if _END_TAG.search(text):
        raise RuntimeError(f"{path} cannot be inlined: it contains a closing tag")
    return text


@functools.lru_cache(maxsize=1)
def _assets() -> dict:
    from .state import VIS_DIR

    assert current_app.static_folder is not None  # the app serves static/
    static = Path(current_app.static_folder)
    assets = {
        "vis_js": _inline(VIS_DIR / "vis-network.min.js"),
        "vis_css": _inline(VIS_DIR / "vis-network.css"),
        "map_js": _inline(static / "map.js"),
        "style": _inline(static / "style.css"),
    }
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(assets[k].encode()).digest()).decode() + "'"
        for k in ("vis_js", "map_js"))
    assets["csp"] = ("default-src 'none'; script-src " + hashes + "; style-src 'unsafe-inline'; "
                     "img-src data:; base-uri 'none'; form-action 'none'")
    return assets


def render_standalone(map_data: dict, title: str):
    """``(html, headers)`` for a downloadable map file."""
    assets = _assets()
    html = render_template("map_standalone.html", map=map_data, title=title,
                           csp=assets["csp"],
                           assets={k: Markup(v) for k, v in assets.items() if k != "csp"})
    headers = {"Content-Security-Policy": assets["csp"],
               "Content-Disposition": 'attachment; filename="graphsvc-map.html"'}
    return html, headers
