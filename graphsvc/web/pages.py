"""HTML pages."""
from __future__ import annotations

from flask import Blueprint, render_template_string

from . import get_service

bp = Blueprint("pages", __name__)

_HOME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>graphsvc</title></head>
<body>
<h1>graphsvc</h1>
{% if illustrative %}<p class="illustrative"><strong>Illustrative network:</strong>
invented data built from actors named in public reports; it is not fact about
any real organization's relationships.</p>{% endif %}
<p>{{ counts.actors }} actors, {{ counts.ties }} ties ({{ store }} store).</p>
</body></html>"""


@bp.get("/")
def home():
    service = get_service()
    return render_template_string(_HOME, counts=service.store.counts(),
                                  store=service.store.name,
                                  illustrative=service.illustrative)
