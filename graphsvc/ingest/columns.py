"""Column names and cell values as people write them, mapped to model fields.

Headers are matched ignoring case, accents, spaces and punctuation, in
English or Spanish (``País`` -> ``country``, ``Áreas temáticas`` ->
``issue_areas``). Vocabulary values also accept Spanish synonyms
(``albergue`` -> ``shelter``, ``financiamiento`` -> ``funding``), and
countries may be written as names (``México``, ``EE.UU.``). Nothing here
decides whether a value is valid: the models in :mod:`graphsvc.model` do;
this module only translates what people write into what the models read.
"""
from __future__ import annotations

import json
import re
import unicodedata

import pycountry

__all__ = [
    "fold",
    "header_key",
    "ACTOR_COLUMNS",
    "TIE_COLUMNS",
    "IGNORED_COLUMNS",
    "LIST_FIELDS",
    "LIST_SEPARATORS",
    "EXPORT_LIST_SEPARATOR",
    "map_headers",
    "column_names",
    "split_list",
    "country_code",
    "actor_value",
    "tie_value",
    "parse_direction",
    "parse_evidence",
    "ATTENDANCE_COLUMNS",
    "attendance_value",
]

#: Separators accepted inside a list cell; exports join with the first.
LIST_SEPARATORS = ";|,"
EXPORT_LIST_SEPARATOR = ";"


def fold(text: str) -> str:
    """Lowercase without accents: 'País' -> 'pais'."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def header_key(header: str) -> str:
    """The form headers are compared in: 'Áreas temáticas' -> 'areas_tematicas'."""
    return re.sub(r"[^a-z0-9]+", "_", fold(header)).strip("_")


def _table(spec: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for field, names in spec.items():
        for name in (field, *names):
            key = header_key(name)
            if out.get(key, field) != field:  # a name may stand for one thing only
                raise ValueError(f"'{name}' names both {out[key]} and {field}")
            out[key] = field
    return out


_SHARED = {
    "id": ("identificador", "clave"),
    "kind": ("tipo", "type", "clase"),
    "provenance": ("procedencia", "fuente", "origen_del_dato"),
    "source_ref": ("referencia", "reference", "ref", "source_reference"),
    "visibility": ("visibilidad",),
}

#: Header (as :func:`header_key` folds it) -> Actor field.
ACTOR_COLUMNS: dict[str, str] = _table({
    **_SHARED,
    "name": ("nombre", "organizacion", "organización", "organization", "actor"),
    "country": ("país", "pais"),
    "city": ("ciudad", "municipio", "localidad"),
    "region": ("región", "estado", "state", "provincia", "departamento"),
    "issue_areas": ("áreas temáticas", "areas tematicas", "temas", "areas",
                    "issues", "issue areas"),
    "populations": ("poblaciones", "población", "poblacion", "population",
                    "poblacion atendida", "populations served"),
    "phases": ("fases", "fase", "phase"),
    "languages": ("idiomas", "idioma", "lenguas", "language"),
    "roles": ("rol", "role", "papeles"),
    "level": ("nivel", "nivel de gobierno", "orden de gobierno", "government level"),
    "description": ("descripción", "descripcion"),
    "website": ("sitio web", "sitio", "web", "url", "página web", "pagina"),
})

#: Header -> Tie field; ``actor_a``/``actor_b``/``direction`` are the
#: alternative way to name a tie's ends (see :func:`parse_direction`).
TIE_COLUMNS: dict[str, str] = _table({
    **_SHARED,
    "source": ("origen", "from", "de", "funder", "financiador", "fuente_del_dinero"),
    "target": ("destino", "to", "a", "para", "recipient", "beneficiario",
               "receptor"),
    "actor_a": ("actor_1", "actor a", "actor 1"),
    "actor_b": ("actor_2", "actor b", "actor 2"),
    "direction": ("dirección", "direccion", "sentido"),
    "subtype": ("subtipo",),
    "strength": ("fuerza", "intensidad", "peso", "weight"),
    "amount": ("monto", "importe", "cantidad"),
    "currency": ("moneda", "divisa"),
    "year": ("año", "ano", "anio"),
    "channel": ("canal", "via", "vía", "channels"),
    "since": ("desde", "inicio", "start", "fecha inicio", "fecha de inicio"),
    "until": ("hasta", "fin", "end", "fecha fin", "fecha de fin"),
    "note": ("nota", "notas", "notes", "comentario", "comentarios", "comment"),
    "evidence": ("evidencia", "evidencias", "fuentes", "enlaces", "links"),
})

#: Header -> field of an attendance or membership sheet (a sign-in sheet):
#: who (an actor id, an organisation, a name), at which event or in which
#: group, in what role, and, for members, since and until when. ``kind``,
#: ``country`` and ``city`` describe an organisation created from the sheet
#: (``--create-missing``).
ATTENDANCE_COLUMNS: dict[str, str] = _table({
    "id": ("identificador", "clave", "actor_id", "id_actor"),
    "organisation": ("organización", "organizacion", "organization", "institución",
                     "institucion", "institution", "org", "dependencia", "actor"),
    "name": ("nombre", "nombre completo", "full name", "participante", "participant",
             "asistente", "attendee", "persona", "person"),
    "event": ("evento", "taller", "workshop", "reunión", "reunion", "event_id"),
    "group": ("grupo", "mesa", "grupo de trabajo", "working group", "group_id"),
    "date": ("fecha", "día", "dia", "day"),
    "role": ("rol", "papel", "función", "funcion", "cargo en el evento"),
    "since": ("desde", "inicio", "start", "fecha de inicio", "miembro desde"),
    "until": ("hasta", "fin", "end", "fecha de fin", "miembro hasta"),
    "visibility": ("visibilidad",),
    "kind": ("tipo", "type", "tipo de organización", "tipo de organizacion"),
    "country": ("país", "pais"),
    "city": ("ciudad", "municipio", "localidad"),
    "email": ("correo", "correo electrónico", "correo electronico", "e-mail", "mail"),
    "position": ("cargo", "puesto", "title", "job title"),
    "signature": ("firma",),
})

#: Columns our own rejected-rows report adds; ignored on import, so a
#: corrected report can be imported as it is.
IGNORED_COLUMNS = frozenset({"file", "row", "reasons", "archivo", "fila", "motivos"})

LIST_FIELDS = frozenset({"issue_areas", "populations", "phases", "languages",
                         "roles", "channel"})


def map_headers(headers: list[str], table: dict[str, str]
                ) -> tuple[dict[str, str], list[str], dict[str, list[str]]]:
    """Map original headers to fields.

    Returns ``(mapping, unknown, clashes)``: original header -> field for
    every recognised column, the headers recognised as nothing, and
    field -> headers for fields named by more than one column.
    """
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    by_field: dict[str, list[str]] = {}
    for h in headers:
        key = header_key(h)
        if not key or key in IGNORED_COLUMNS:
            continue
        field = table.get(key)
        if field is None:
            unknown.append(h)
            continue
        mapping[h] = field
        by_field.setdefault(field, []).append(h)
    clashes = {f: hs for f, hs in by_field.items() if len(hs) > 1}
    return mapping, unknown, clashes


def column_names(table: dict[str, str]) -> dict[str, list[str]]:
    """Field -> the header keys accepted for it (for help and docs)."""
    out: dict[str, list[str]] = {}
    for key, field in table.items():
        out.setdefault(field, []).append(key)
    return out


def split_list(value) -> list:
    """A list cell as a list: 'legal_aid; health' -> ['legal_aid', 'health'].

    Lists (from JSON) pass through; text splits on ``;``, ``|`` or ``,``.
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() if not isinstance(v, str) else v.strip() for v in value
                if v is not None and str(v).strip()]
    parts = re.split(r"[;|,]", str(value))
    return [p.strip() for p in parts if p.strip()]


# --- value synonyms -----------------------------------------------------------
# Keys are folded with header_key; every canonical value maps to itself, so
# exported files read back unchanged.

def _synonyms(spec: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return _table(spec)


ACTOR_KIND_SYNONYMS = _synonyms({
    "cso": ("osc", "ong", "ngo", "sociedad civil", "organizacion de la sociedad civil",
            "civil society", "asociacion civil", "a.c.", "iap"),
    "shelter": ("albergue", "casa del migrante", "casa de migrantes", "refugio"),
    "faith_based": ("religiosa", "basada en la fe", "organizacion religiosa",
                    "iglesia", "faith based", "faith-based"),
    "migrant_led": ("liderada por migrantes", "colectivo migrante", "migrant led"),
    "network": ("red", "coalicion", "foro", "coalition", "forum"),
    "international_org": ("organismo internacional", "organizacion internacional",
                          "international organization", "io", "oi"),
    "government": ("gobierno", "dependencia", "gobierno federal", "gobierno estatal",
                   "gobierno municipal", "agency"),
    "official": ("funcionario", "funcionaria", "legislador", "legisladora",
                 "servidor publico", "legislator"),
    "funder": ("financiador", "financiadora", "donante", "fundacion", "donor",
               "foundation"),
    "academia": ("academia", "universidad", "centro de investigacion", "university",
                 "think tank"),
    "business": ("empresa", "sector privado", "private sector", "company"),
    "individual": ("persona", "individuo", "person"),
})

TIE_KIND_SYNONYMS = _synonyms({
    "formal": ("formal",),
    "informal": ("informal",),
    "funding": ("financiamiento", "financiacion", "fondos", "donativo", "donacion",
                "grant", "financing"),
})

PHASE_SYNONYMS = _synonyms({
    "humanitarian": ("humanitaria", "ayuda humanitaria", "humanitario",
                     "ayuda humanitaria inmediata"),
    "short_medium_term": ("corto y mediano plazo", "corto_mediano_plazo",
                          "corto mediano plazo", "short medium term"),
    "long_term": ("largo plazo", "largo_plazo"),
})

ROLE_SYNONYMS = _synonyms({
    "funder": ("financiador", "financiadora", "donante"),
    "policymaker": ("tomador de decisiones", "responsable de politicas",
                    "decisor", "policy maker"),
})

PROVENANCE_SYNONYMS = _synonyms({
    "survey": ("encuesta",),
    "workshop": ("taller",),
    "public_report": ("informe publico", "informe", "reporte publico", "report"),
    "facilitator_note": ("nota del facilitador", "nota de facilitacion",
                         "nota", "note"),
    "introduction": ("introduccion", "presentacion"),
    "import": ("importacion", "importado"),
    "illustrative": ("ilustrativo", "ilustrativa"),
})

PARTICIPANT_ROLE_SYNONYMS = _synonyms({
    "organiser": ("organizer", "organizador", "organizadora", "convocante", "anfitrion",
                  "anfitriona", "host", "organización", "organizacion"),
    "speaker": ("ponente", "expositor", "expositora", "panelista", "presentador",
                "presentadora", "facilitador", "facilitadora", "facilitator", "panelist"),
    "participant": ("participante", "asistente", "attendee", "invitado", "invitada"),
})

MEMBER_ROLE_SYNONYMS = _synonyms({
    "chair": ("coordinador", "coordinadora", "coordinacion", "presidente", "presidenta",
              "copresidente", "co-chair", "cochair", "coordinator", "lead"),
    "member": ("miembro", "integrante", "socio", "socia"),
    "observer": ("observador", "observadora"),
})

VISIBILITY_SYNONYMS = _synonyms({
    "public": ("publico", "publica", "pública", "público"),
    "restricted": ("restringido", "restringida", "privado", "privada", "private"),
})

LEVEL_SYNONYMS = _synonyms({
    "federal": ("nacional", "national"),
    "state": ("estatal", "estado"),
    "municipal": ("municipio", "local", "ayuntamiento"),
    "legislative": ("legislativo", "legislativa", "congreso", "legislature"),
})

LANGUAGE_SYNONYMS = _synonyms({
    "es": ("espanol", "español", "spanish", "castellano"),
    "en": ("ingles", "inglés", "english"),
    "fr": ("frances", "francés", "french"),
    "ht": ("criollo haitiano", "creole", "haitian creole", "kreyol", "kreyòl"),
    "pt": ("portugues", "portugués", "portuguese"),
})

#: Spanish (and common) country names pycountry does not know, folded.
_COUNTRY_NAMES = _synonyms({
    "MX": ("méxico", "mexico", "mex"),
    "US": ("estados unidos", "estados unidos de america", "ee uu", "eeuu", "eua",
           "usa", "us", "united states of america", "u s", "u s a"),
    "GT": ("guatemala",),
    "HN": ("honduras",),
    "SV": ("el salvador", "salvador"),
    "NI": ("nicaragua",),
    "CR": ("costa rica",),
    "PA": ("panamá", "panama"),
    "BZ": ("belice", "belize"),
    "HT": ("haití", "haiti"),
    "CU": ("cuba",),
    "VE": ("venezuela",),
    "CO": ("colombia",),
    "EC": ("ecuador",),
    "PE": ("perú", "peru"),
    "BR": ("brasil", "brazil"),
    "CA": ("canadá", "canada"),
    "DE": ("alemania",),
    "ES": ("españa", "espana"),
    "GB": ("reino unido",),
    "FR": ("francia",),
    "CH": ("suiza",),
    "INT": ("internacional", "international", "int", "global", "regional"),
})


def country_code(value) -> str | None:
    """A country as its ISO code when it can be recognised, else as written.

    ``'México'`` -> ``'MX'``, ``'EE.UU.'`` -> ``'US'``, ``'Guatemala'`` ->
    ``'GT'``, ``'internacional'`` -> ``'INT'``. Unrecognised text is returned
    unchanged so the model can say what is wrong with it.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    key = header_key(text)
    if key in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[key]
    if len(text) == 2 and text.isalpha():
        return text.upper()
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return text


def _synonym(table: dict[str, str], value):
    if not isinstance(value, str):
        return value
    return table.get(header_key(value), value)


ISSUE_AREA_SYNONYMS = _synonyms({
    "legal_aid": ("asesoria legal", "asesoría legal", "asistencia legal",
                  "asistencia juridica", "asesoria juridica", "defensa legal"),
    "shelter": ("albergue", "alojamiento", "refugio"),
    "health": ("salud",),
    "mental_health": ("salud mental", "apoyo psicosocial", "psicosocial"),
    "documentation": ("documentacion", "documentos", "regularizacion"),
    "employment": ("empleo", "trabajo", "medios de vida", "livelihoods"),
    "education": ("educacion",),
    "housing": ("vivienda",),
    "advocacy": ("incidencia", "incidencia politica", "cabildeo"),
    "litigation": ("litigio", "litigio estrategico"),
    "monitoring": ("monitoreo", "documentacion de violaciones", "observacion"),
    "protection": ("proteccion",),
    "integration": ("integracion", "integracion local", "inclusion"),
    "research": ("investigacion",),
    "funding": ("financiamiento", "financiacion"),
})

POPULATION_SYNONYMS = _synonyms({
    "central_americans": ("centroamericanos", "centroamericanas", "personas centroamericanas"),
    "haitians": ("haitianos", "haitianas", "personas haitianas"),
    "venezuelans": ("venezolanos", "venezolanas"),
    "cubans": ("cubanos", "cubanas"),
    "mexicans": ("mexicanos", "mexicanas"),
    "deportees": ("deportados", "deportadas", "personas deportadas", "retornados"),
    "idps": ("desplazados internos", "desplazamiento interno", "personas desplazadas"),
    "asylum_seekers": ("solicitantes de asilo", "solicitantes de refugio"),
    "refugees": ("refugiados", "refugiadas", "personas refugiadas"),
    "children": ("niños", "ninos", "niñas y niños", "ninas y ninos", "niñez", "nnA",
                 "infancia", "menores", "adolescentes"),
    "women": ("mujeres",),
    "lgbtq": ("lgbt", "lgbti", "lgbtiq", "lgbtq+", "lgbtiq+", "personas lgbti"),
    "indigenous": ("indigenas", "indígenas", "pueblos indigenas"),
    "families": ("familias",),
})


def _label_value(table: dict[str, str], value):
    """A free label: a known synonym, else the label folded to plain letters,
    so 'Atención psicológica' becomes 'atencion_psicologica'."""
    if not isinstance(value, str):
        return value
    key = header_key(value)
    return table.get(key, key or value)


_ACTOR_VALUE_TABLES = {
    "kind": ACTOR_KIND_SYNONYMS,
    "phases": PHASE_SYNONYMS,
    "roles": ROLE_SYNONYMS,
    "provenance": PROVENANCE_SYNONYMS,
    "visibility": VISIBILITY_SYNONYMS,
    "languages": LANGUAGE_SYNONYMS,
    "level": LEVEL_SYNONYMS,
}
_TIE_VALUE_TABLES = {
    "kind": TIE_KIND_SYNONYMS,
    "provenance": PROVENANCE_SYNONYMS,
    "visibility": VISIBILITY_SYNONYMS,
}


def actor_value(field: str, value):
    """Translate one actor cell (already a list for list fields)."""
    if field == "country":
        return country_code(value)
    if field in ("issue_areas", "populations"):
        synonyms = ISSUE_AREA_SYNONYMS if field == "issue_areas" else POPULATION_SYNONYMS
        return [_label_value(synonyms, v) for v in value]
    table = _ACTOR_VALUE_TABLES.get(field)
    if table is None:
        return value
    if isinstance(value, list):
        return [_synonym(table, v) for v in value]
    return _synonym(table, value)


def parse_evidence(value):
    """An evidence cell as evidence entries: JSON (one object or a list of
    objects with url, title, date, note, as exports write it) or addresses
    separated by spaces, ``;`` or ``|``. The model checks each entry.

    >>> parse_evidence("https://a.org/x ; https://b.org")
    [{'url': 'https://a.org/x'}, {'url': 'https://b.org'}]
    >>> parse_evidence('[{"url": "https://a.org", "title": "Report"}]')
    [{'url': 'https://a.org', 'title': 'Report'}]
    """
    if value is None or isinstance(value, list):
        return value or []
    if isinstance(value, dict):
        return [value]
    text = str(value).strip()
    if text.startswith(("[", "{")):
        try:
            parsed = json.loads(text)
        except ValueError:
            return [{"url": text}]  # refused by the model, with its message
        return parsed if isinstance(parsed, list) else [parsed]
    return [{"url": part} for part in re.split(r"[\s;|]+", text) if part]


def tie_value(field: str, value):
    """Translate one tie cell."""
    if field == "evidence":
        return parse_evidence(value)
    table = _TIE_VALUE_TABLES.get(field)
    return _synonym(table, value) if table else value


_DIRECTIONS = {
    "a_b": "a->b", "a_to_b": "a->b", "ab": "a->b", "1_2": "a->b", "a_hacia_b": "a->b",
    "b_a": "b->a", "b_to_a": "b->a", "ba": "b->a", "2_1": "b->a", "b_hacia_a": "b->a",
}


def parse_direction(value) -> str | None:
    """``'a->b'`` or ``'b->a'`` (also ``A → B``, ``1->2``); None if unreadable."""
    if value is None:
        return None
    text = str(value).strip().lower().replace("→", "->")
    return _DIRECTIONS.get(header_key(text))


def attendance_value(field: str, value, *, members: bool = False):
    """Translate one cell of an attendance (or, with ``members``,
    membership) sheet: roles, visibility, kind and country synonyms."""
    if field == "role":
        return _synonym(MEMBER_ROLE_SYNONYMS if members else PARTICIPANT_ROLE_SYNONYMS,
                        value)
    if field == "visibility":
        return _synonym(VISIBILITY_SYNONYMS, value)
    if field == "kind":
        return _synonym(ACTOR_KIND_SYNONYMS, value)
    if field == "country":
        return country_code(value)
    return value
