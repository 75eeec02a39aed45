"""Spanish and English: every string in the code and templates is in the
Spanish catalog, the compiled catalogs match their sources, no template holds
text outside gettext, and the locale follows the browser and the switch."""
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

import graphsvc.web

WEB = Path(graphsvc.web.__file__).parent
TRANSLATIONS = WEB / "translations"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None,
            "lazy_gettext": None}
PAGES = ["/", "/actors", "/actors/sinfronteras", "/map", "/map?ego=unhcr&depth=2",
         "/map?size_by=betweenness&color_by=community", "/actors/isolated", "/communities",
         "/import", "/export", "/actors/nobody", "/no/such/page",
         "/actors/sinfronteras/introductions", "/introductions/plan?k=3",
         "/admin/audit.csv"]  # refused to the test client's editor: the refusal page


def source_messages():
    """Every message the code and templates ask gettext for, found afresh."""
    out = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(WEB), METHODS, keywords=KEYWORDS):
        out.add(message if isinstance(message, str) else tuple(message))
    return out


def catalog(lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


def test_every_string_is_translated_in_spanish():
    es = catalog("es")
    missing = []
    for msgid in source_messages():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        m = es.get(key)
        strings = m.string if m is not None and isinstance(m.string, tuple) else (
            (m.string,) if m is not None else ())
        if m is None or m.fuzzy or not all(strings):
            missing.append(key)
    assert not missing, ("untranslated in Spanish (run pybabel extract/update, "
                         f"translate, compile): {sorted(missing)}")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_compiled_catalogs_match_sources(lang):
    """The committed .mo is what compiling the .po gives now."""
    po = catalog(lang)
    fresh = io.BytesIO()
    write_mo(fresh, po)
    fresh.seek(0)
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        committed = read_mo(fh)

    def strings(cat):
        return {str(m.id): str(m.string) for m in cat if m.id}
    assert strings(committed) == strings(read_mo(fresh)), (
        f"recompile: pybabel compile -d {TRANSLATIONS}")


_JINJA = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
_TAG = re.compile(r"<[^>]*>", re.S)
_ATTR = re.compile(r'\b(?:title|placeholder|alt|aria-label)="([^"]*)"')


@pytest.mark.parametrize("template", sorted(p.name for p in (WEB / "templates").glob("*.html")))
def test_templates_hold_no_bare_text(template):
    source = (WEB / "templates" / template).read_text()
    for value in _ATTR.findall(source):
        assert not value or value.startswith("{{"), f"{template}: attribute text {value!r}"
    text = _TAG.sub(" ", _JINJA.sub(" ", source))
    # Proper names, symbols and the OpenAPI name are not translated.
    words = [w for w in re.findall(r"[^\W\d_]{2,}", text)
             if w not in {"graphsvc", "OpenAPI", "English", "Español"}]
    assert not words, f"{template}: text outside gettext: {words}"


def visible_text(html):
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", _TAG.sub(" ", html))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_reads_in_spanish(client, path):
    response = client.get(path, headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    html = response.get_data(as_text=True)
    assert '<html lang="es">' in html
    text = visible_text(html)
    leftovers = [m.id for m in catalog("es")
                 if isinstance(m.id, str) and " " in m.id and "%(" not in m.id
                 and m.string != m.id and m.id in text]
    assert not leftovers, f"English left on {path}: {leftovers}"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_reads_in_english(client, path):
    html = client.get(path, headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    text = visible_text(html)
    spanish = [m.string for m in catalog("es")
               if isinstance(m.string, str) and " " in m.string and "%(" not in m.string
               and m.string != m.id and m.string in text]
    assert not spanish, f"Spanish left on {path}: {spanish}"


def test_switch_overrides_browser_and_is_remembered(client):
    r = client.get("/?lang=es", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in r.get_data(as_text=True)
    assert "graphsvc_lang=es" in r.headers["Set-Cookie"]
    # the cookie now wins over the browser's language
    r = client.get("/actors", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in r.get_data(as_text=True)
    r = client.get("/actors?lang=en")
    assert '<html lang="en">' in r.get_data(as_text=True)


def test_switch_links_keep_the_page_and_its_filters(client):
    html = client.get("/actors?kind=cso&country=MX").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" lang="es"', html).group(1).replace("&amp;", "&")
    assert link.startswith("/actors?") and "kind=cso" in link and "lang=es" in link


def test_api_errors_follow_the_language(client):
    body = client.get("/api/v1/actors?limit=x",
                      headers={"Accept-Language": "es"}).get_json()
    assert body["error"]["code"] == "bad_request"  # codes never change
    assert body["error"]["message"] == "La solicitud tiene parámetros no válidos."
    assert body["error"]["details"][0]["message"] == "Debe ser un número entero."


def test_country_names_follow_the_language(client):
    es = client.get("/actors", headers={"Accept-Language": "es"}).get_data(as_text=True)
    en = client.get("/actors", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "México" in es and "Estados Unidos" in es
    assert "Mexico" in en and "United States" in en
