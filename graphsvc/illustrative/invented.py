"""Invented organizations for the illustrative network, and their naming scheme.

The naming scheme: every invented name contains the word **Ejemplo**
(Spanish names) or **Example** (English names) as a word of its own, e.g.
"Albergue Ejemplo Ceiba" or "Saguaro Example Legal Services", and every
invented id starts with ``ex-``. No real organization is called that, so an
invented name cannot be read as a real one; :func:`is_invented_name` is the
test. Invented officials are offices, not people ("Enlace Ejemplo, INM en
Tapachula"): the network names no invented person.
"""
from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Mapping

__all__ = [
    "MARKERS",
    "ID_PREFIX",
    "MX_CITIES",
    "US_CITIES",
    "is_invented_name",
    "invent_actors",
    "ISSUE_SILOS",
    "DEFENDER_AREAS",
    "slug",
]

MARKERS = ("Ejemplo", "Example")
ID_PREFIX = "ex-"
_MARKER_RE = re.compile(r"\b(Ejemplo|Example)\b")


def is_invented_name(name: str) -> bool:
    """True when ``name`` follows the invented naming scheme."""
    return bool(_MARKER_RE.search(name))


def slug(text: str) -> str:
    """'Albergue Ejemplo Ceiba' -> 'albergue-ejemplo-ceiba'."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


# city: (region, weight, US partner cities, typical populations, extra languages)
# Weights follow the documents: Mexico City and the border cities hold most of
# the CSOs with US ties; Tapachula is the southern gateway.
MX_CITIES: dict[str, tuple] = {
    "Ciudad de México": ("Ciudad de México", 14, ("Washington", "New York"),
                         ("refugees", "asylum_seekers", "lgbtq", "venezuelans"), ()),
    "Tijuana": ("Baja California", 10, ("San Diego", "Los Angeles"),
                ("haitians", "deportees", "central_americans", "asylum_seekers"), ("ht",)),
    "Tapachula": ("Chiapas", 8, ("Washington", "New York"),
                  ("central_americans", "haitians", "children", "women"), ("ht", "mam")),
    "Monterrey": ("Nuevo León", 7, ("San Antonio", "Houston"),
                  ("venezuelans", "deportees", "central_americans"), ()),
    "Ciudad Juárez": ("Chihuahua", 6, ("El Paso",),
                      ("central_americans", "deportees", "families"), ()),
    "Reynosa": ("Tamaulipas", 3, ("Brownsville", "Houston"),
                ("asylum_seekers", "families", "haitians"), ()),
    "Matamoros": ("Tamaulipas", 3, ("Brownsville", "San Antonio"),
                  ("asylum_seekers", "families"), ()),
    "Nogales": ("Sonora", 3, ("Tucson",), ("deportees", "asylum_seekers"), ()),
    "Mexicali": ("Baja California", 3, ("San Diego", "Los Angeles"),
                 ("deportees", "haitians"), ("ht",)),
    "Saltillo": ("Coahuila", 2, ("San Antonio",), ("central_americans",), ()),
    "Comitán de Domínguez": ("Chiapas", 2, ("Washington",),
                             ("central_americans", "women", "indigenous"), ("tzh",)),
    "Tenosique": ("Tabasco", 2, ("Washington",), ("central_americans", "children"), ()),
    "Guadalajara": ("Jalisco", 2, ("Los Angeles", "Chicago"),
                    ("deportees", "mexicans"), ()),
}
#: Where a Mexican CSO is likelier to have US ties (Mexico City, the border).
US_TIE_WEIGHT = {"Ciudad de México": 3.0, "Tijuana": 3.0, "Mexicali": 3.0,
                 "Nogales": 3.0, "Ciudad Juárez": 3.0, "Reynosa": 3.0,
                 "Matamoros": 3.0, "Monterrey": 1.5}

US_CITIES: dict[str, str] = {
    "San Diego": "California", "Los Angeles": "California", "El Paso": "Texas",
    "Tucson": "Arizona", "Washington": "District of Columbia", "New York": "New York",
    "Houston": "Texas", "San Antonio": "Texas", "Brownsville": "Texas",
    "Chicago": "Illinois",
}
CA_CITIES: dict[str, tuple[str, str]] = {
    "San Salvador": ("SV", "San Salvador"), "Ciudad de Guatemala": ("GT", "Guatemala"),
    "Quetzaltenango": ("GT", "Quetzaltenango"), "Tegucigalpa": ("HN", "Francisco Morazán"),
    "San Pedro Sula": ("HN", "Cortés"),
}

# Primary issue area -> (weight, phase). Services are organised in silos by
# issue area; the generator ties organizations mostly within their silo.
ISSUE_SILOS: dict[str, tuple[int, str]] = {
    "shelter": (8, "humanitarian"), "health": (4, "humanitarian"),
    "legal_aid": (6, "short_medium_term"), "documentation": (4, "short_medium_term"),
    "mental_health": (2, "short_medium_term"), "employment": (3, "long_term"),
    "education": (2, "long_term"), "advocacy": (3, "long_term"),
    "litigation": (2, "long_term"), "monitoring": (2, "long_term"),
}
_PHASE_ORDER = ("humanitarian", "short_medium_term", "long_term")
#: Issue areas of human-rights defenders, whose informal ties with officials
#: are sensitive.
DEFENDER_AREAS = ("advocacy", "litigation", "monitoring")

_ES_WORDS = (
    "Ceiba", "Jacaranda", "Colibrí", "Quetzal", "Mezquite", "Nopal", "Amate",
    "Huizache", "Tecolote", "Cenzontle", "Ocelote", "Ahuehuete", "Maguey", "Biznaga",
    "Pitahaya", "Guayacán", "Liquidámbar", "Ocote", "Encino", "Sabino", "Cardón",
    "Garambullo", "Zapote", "Mamey", "Cacao", "Tlacuache", "Axolote", "Monarca",
    "Garza", "Pelícano", "Golondrina", "Calandria", "Aurora", "Horizonte", "Sendero",
    "Brújula", "Manantial", "Cañada", "Lucero", "Cometa", "Alba", "Brisa", "Marea",
    "Arrecife", "Cantera", "Adobe", "Telar", "Rebozo", "Huipil", "Chicozapote",
    "Tabachín", "Palo Blanco", "Copal", "Henequén", "Jaguar", "Tucán", "Cardenal",
    "Zacatón", "Girasol", "Cempasúchil", "Dalia", "Nardo", "Ámbar", "Obsidiana",
    "Jade", "Turquesa", "Coral", "Ónix", "Cuarzo", "Granate", "Ópalo", "Malaquita",
    "Pirita", "Basalto", "Tezontle", "Caliza", "Arcilla", "Pedernal", "Mica",
)
_EN_WORDS = (
    "Cedar", "Juniper", "Heron", "Saguaro", "Lantern", "Harbor", "Willow", "Beacon",
    "Meadow", "Canyon", "Prairie", "Aspen", "Cottonwood", "Ironwood", "Sparrow",
    "Kestrel", "Bluebird", "Ocotillo", "Yucca", "Sycamore", "Magnolia", "Dogwood",
    "Hemlock", "Granite", "Riverbend", "Palo Verde", "Roadrunner", "Cactus Wren",
    "Tumbleweed", "Sagebrush", "Bluebonnet", "Chaparral", "Arroyo", "Mesa Verde",
)

_MX_NAMES: dict[str, tuple[str, ...]] = {
    "shelter": ("Albergue Ejemplo {w}", "Casa Ejemplo {w}"),
    "faith_based": ("Pastoral Ejemplo {w}", "Misión Ejemplo {w}"),
    "migrant_led": ("Colectivo Ejemplo {w}", "Comunidad Migrante Ejemplo {w}"),
    "cso": ("Centro Ejemplo {w} de Derechos Humanos", "Asociación Ejemplo {w}",
            "Iniciativa Ejemplo {w}", "Clínica Ejemplo {w}"),
}
_US_NAMES = ("{w} Example Legal Services", "Example {w} Refugee Project",
             "{w} Example Immigrant Coalition", "Example {w} Asylum Network",
             "{w} Example Border Ministry")
_CA_NAMES = ("Asociación Ejemplo {w}", "Fundación Ejemplo {w}", "Red Ejemplo {w}")

_OFFICES = (  # (agency actor id, office label, city)
    ("mx-inm", "INM en Tapachula", "Tapachula"),
    ("mx-comar", "COMAR en Tapachula", "Tapachula"),
    ("mx-inm", "INM en Tijuana", "Tijuana"),
    ("mun-tijuana", "Ayuntamiento de Tijuana", "Tijuana"),
    ("mx-inm", "INM en Monterrey", "Monterrey"),
    ("mun-monterrey", "Gobierno Municipal de Monterrey", "Monterrey"),
    ("mx-comar", "COMAR en Ciudad de México", "Ciudad de México"),
    ("mx-inm", "INM en Ciudad Juárez", "Ciudad Juárez"),
)


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys], k=1)[0]


def _mx_kind(rng: random.Random, primary: str) -> str:
    if primary == "shelter":
        return _weighted(rng, {"shelter": 6, "faith_based": 3, "cso": 1})
    if primary in ("employment", "advocacy"):
        return _weighted(rng, {"cso": 5, "migrant_led": 3, "faith_based": 1})
    return _weighted(rng, {"cso": 8, "migrant_led": 1, "faith_based": 1})


def invent_actors(rng: random.Random, n_mx: int) -> list[dict]:
    """Invented actors as plain dicts (Actor fields plus generation hints).

    Hints, removed before the actors are built: ``primary`` (the issue-area
    silo), ``office_of`` (an official's agency).
    """
    es_words = list(_ES_WORDS)
    en_words = list(_EN_WORDS)
    rng.shuffle(es_words)
    rng.shuffle(en_words)
    silo_w = {k: v[0] for k, v in ISSUE_SILOS.items()}
    city_w = {k: v[1] for k, v in MX_CITIES.items()}
    out: list[dict] = []

    def add(rec: dict) -> None:
        rec["id"] = ID_PREFIX + slug(rec["name"])
        out.append(rec)

    # Mexican civil society: the population the survey indicators are about.
    for _ in range(n_mx):
        primary = _weighted(rng, silo_w)
        kind = _mx_kind(rng, primary)
        city = _weighted(rng, city_w)
        region, _, _, pops, langs = MX_CITIES[city]
        others = [k for k in ISSUE_SILOS if k != primary]
        issues = [primary] + rng.sample(others, rng.randint(0, 2))
        name = rng.choice(_MX_NAMES[kind]).format(w=es_words.pop())
        add({
            "name": name, "kind": kind, "country": "MX", "city": city, "region": region,
            "issue_areas": issues,
            "populations": rng.sample(list(pops), rng.randint(1, len(pops))),
            "phases": sorted({ISSUE_SILOS[i][1] for i in issues},
                             key=_PHASE_ORDER.index),
            "languages": ["es"] + [x for x in langs if rng.random() < 0.6]
                         + (["en"] if rng.random() < 0.35 else []),
            "primary": primary,
            # LGBTQ+ collectives and defenders' groups can be at risk if shown.
            "visibility": "restricted" if (kind == "migrant_led" and rng.random() < 0.3)
                          else "public",
        })

    # US civil society doing similar work.
    us_cities = list(US_CITIES)
    for i in range(22):
        city = us_cities[i % len(us_cities)] if i < len(us_cities) else rng.choice(us_cities)
        primary = _weighted(rng, silo_w)
        tpl = rng.choice(_US_NAMES)
        kind = "faith_based" if "Ministry" in tpl else "cso"
        add({
            "name": tpl.format(w=en_words.pop()), "kind": kind, "country": "US",
            "city": city, "region": US_CITIES[city],
            "issue_areas": [primary] + rng.sample(
                [k for k in ISSUE_SILOS if k != primary], rng.randint(0, 2)),
            "populations": rng.sample(["asylum_seekers", "refugees", "central_americans",
                                       "haitians", "families", "children"], 2),
            "phases": [ISSUE_SILOS[primary][1]], "languages": ["en", "es"],
            "primary": primary, "visibility": "public",
        })

    # US foundations (non-government funders).
    for _ in range(4):
        add({
            "name": f"{en_words.pop()} Example Foundation", "kind": "funder",
            "country": "US", "city": rng.choice(["New York", "Chicago", "San Diego",
                                                 "Houston"]),
            "issue_areas": ["funding"], "phases": ["long_term"], "languages": ["en"],
            "roles": ["funder"], "primary": "funding", "visibility": "public",
        })
    for a in out[-4:]:
        a["region"] = US_CITIES[a["city"]]

    # Central American civil society.
    for _ in range(8):
        city = rng.choice(list(CA_CITIES))
        country, region = CA_CITIES[city]
        primary = _weighted(rng, silo_w)
        add({
            "name": rng.choice(_CA_NAMES).format(w=es_words.pop()), "kind": "cso",
            "country": country, "city": city, "region": region,
            "issue_areas": [primary], "populations": ["idps", "children", "deportees"][
                : rng.randint(1, 3)],
            "phases": [ISSUE_SILOS[primary][1]], "languages": ["es"],
            "primary": primary, "visibility": "public",
        })

    # Monterrey's business elite (named as power brokers who stayed away) and
    # two local research observatories.
    add({"name": "Consejo Empresarial Ejemplo de Nuevo León", "kind": "business",
         "country": "MX", "city": "Monterrey", "region": "Nuevo León",
         "issue_areas": ["employment"], "phases": ["long_term"], "languages": ["es"],
         "primary": "employment", "visibility": "public"})
    add({"name": "Cámara Ejemplo de la Industria Regiomontana", "kind": "business",
         "country": "MX", "city": "Monterrey", "region": "Nuevo León",
         "issue_areas": ["employment"], "phases": ["long_term"], "languages": ["es"],
         "primary": "employment", "visibility": "public"})
    for city in ("Tijuana", "Tapachula"):
        add({"name": f"Observatorio Ejemplo de Movilidad de {city}", "kind": "academia",
             "country": "MX", "city": city, "region": MX_CITIES[city][0],
             "issue_areas": ["research", "monitoring"], "languages": ["es"],
             "primary": "research", "visibility": "public"})

    # Officials: liaison offices, never named people; restricted, because
    # their informal ties with defenders can put both at risk.
    for agency, office, city in _OFFICES:
        add({"name": f"Enlace Ejemplo, {office}", "kind": "official", "country": "MX",
             "city": city, "region": MX_CITIES[city][0], "languages": ["es"],
             "roles": ["policymaker"], "office_of": agency, "primary": "",
             "visibility": "restricted"})
    return out

