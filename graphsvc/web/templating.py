"""What every template may use besides the i18n filters."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, request, url_for
from flask_babel import format_decimal, format_percent, get_locale

from ..errors import GraphsvcError
from ..viz import KIND_COLORS, SHAPE_OUTLINES
from .i18n import LANGUAGES

_SAFE_SCHEME = re.compile(r"^https?://", re.IGNORECASE)


def safe_link(url) -> bool:
    """Only http(s) addresses become links; anything else is shown as text."""
    return bool(url) and bool(_SAFE_SCHEME.match(str(url)))


def _url_with(**changes) -> str:
    args: dict[str, Any] = request.args.to_dict(flat=False)
    for key, value in changes.items():
        args[key] = [str(value)]
    if request.endpoint is None:  # error pages for unknown addresses
        from urllib.parse import urlencode
        return request.path + "?" + urlencode(args, doseq=True)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def lang_url(code: str) -> str:
    return _url_with(lang=code)


def page_url(**changes) -> str:
    return _url_with(**changes)


def keep_as_of() -> dict:
    """``{"as_of": ...}`` when the request names a day: links between pages
    keep the day the reader chose."""
    value = (request.args.get("as_of") or "").strip() if request else ""
    return {"as_of": value[:20]} if value else {}


#: Pages that name their own days (what changed, monitoring): no as-of form.
_OWN_DAYS = {"pages.changes_page", "pages.monitoring_page"}


#: Pages whose figures can count the co-participation layer (``?layers=``).
_LAYER_PAGES = {"pages.dashboard", "pages.influence_map"}
#: The layers the pages' switch names: every kind, the layer included.
ALL_LAYERS = "formal,informal,funding,co_participation"


def layer_control() -> str | None:
    """On the pages whose figures can count the co-participation layer:
    ``"counted"`` or ``"left_out"`` (what the request's ``?layers=`` says),
    else ``None``."""
    if (request.endpoint or "") not in _LAYER_PAGES:
        return None
    from .access import current_access

    try:
        return "counted" if current_access().layered else "left_out"
    except GraphsvcError:
        return None  # the error page of a bad request (e.g. ?as_of=yesterday)


def as_of_control() -> bool:
    """True on pages read as of one day (the header's date form)."""
    endpoint = request.endpoint or ""
    return endpoint.startswith("pages.") and endpoint not in _OWN_DAYS


def number(x, digits: int = 3) -> str:
    """A figure in the reader's locale; a dash when there is none."""
    if x is None:
        return "–"
    if float(x).is_integer():
        return format_decimal(int(x), format="#,##0")
    return format_decimal(x, format="#,##0." + "#" * digits)


def percent(x) -> str:
    return "–" if x is None else format_percent(x, format="#,##0%")


def init_app(app: Flask) -> None:
    from .analyses import INDICATOR_LABELS, METRIC_LABELS, ROLE_LABELS
    from .edit import change_rows

    app.jinja_env.globals.update(
        languages=LANGUAGES, lang_url=lang_url, page_url=page_url, safe_link=safe_link,
        keep_as_of=keep_as_of, as_of_control=as_of_control, layer_control=layer_control,
        all_layers=ALL_LAYERS,
        kind_colors=KIND_COLORS, shape_outlines=SHAPE_OUTLINES, number=number,
        percent=percent, metric_labels=METRIC_LABELS, role_labels=ROLE_LABELS,
        indicator_labels=INDICATOR_LABELS, change_rows=change_rows)

    @app.context_processor
    def locale():
        return {"current_locale": str(get_locale() or "en")}
