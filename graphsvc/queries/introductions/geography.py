"""Complementary geography: counterpart cities on either side of the border.

Twin cities face each other across a crossing; corridor pairs are a Mexican
city and the US city its people and organisations deal with most, a short
drive away (Monterrey, a "new" border city, with Laredo and San Antonio).
Names are compared without accents or case, so "Ciudad Juárez", "Cd. Juarez"
and "Juárez" are the same city.
"""
from __future__ import annotations

import unicodedata

__all__ = ["COUNTERPART_CITIES", "city_key", "counterpart"]

#: (Mexican city, US city, relation, weight). Weight 1.0 for twin cities
#: across one crossing, 0.6 for cities linked by a main corridor.
COUNTERPART_CITIES: tuple[tuple[str, str, str, float], ...] = (
    ("Tijuana", "San Diego", "twin", 1.0),
    ("Tecate", "Tecate", "twin", 1.0),
    ("Mexicali", "Calexico", "twin", 1.0),
    ("Mexicali", "El Centro", "corridor", 0.6),
    ("San Luis Río Colorado", "Yuma", "twin", 1.0),
    ("Nogales", "Nogales", "twin", 1.0),
    ("Nogales", "Tucson", "corridor", 0.6),
    ("Agua Prieta", "Douglas", "twin", 1.0),
    ("Ciudad Juárez", "El Paso", "twin", 1.0),
    ("Ojinaga", "Presidio", "twin", 1.0),
    ("Ciudad Acuña", "Del Rio", "twin", 1.0),
    ("Piedras Negras", "Eagle Pass", "twin", 1.0),
    ("Nuevo Laredo", "Laredo", "twin", 1.0),
    ("Reynosa", "McAllen", "twin", 1.0),
    ("Reynosa", "Hidalgo", "twin", 1.0),
    ("Matamoros", "Brownsville", "twin", 1.0),
    ("Monterrey", "Laredo", "corridor", 0.6),
    ("Monterrey", "San Antonio", "corridor", 0.6),
)

_ALIASES = {
    "juarez": "ciudad juarez",
    "cd juarez": "ciudad juarez",
    "cd. juarez": "ciudad juarez",
    "acuna": "ciudad acuna",
    "cd acuna": "ciudad acuna",
    "cd. acuna": "ciudad acuna",
    "san luis rio colorado": "san luis rio colorado",
}


def city_key(city: str | None) -> str:
    """Lowercase, accent-free, alias-resolved city name ('' when unknown)."""
    if not city:
        return ""
    text = unicodedata.normalize("NFKD", city)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = " ".join(text.replace(",", " ").split())
    return _ALIASES.get(text, text)


_PAIRS: dict[tuple[str, str], tuple[str, float]] = {}
for _mx, _us, _rel, _w in COUNTERPART_CITIES:
    _PAIRS[(city_key(_mx), city_key(_us))] = (_rel, _w)


def counterpart(city_a, country_a, city_b, country_b) -> tuple[str, float] | None:
    """``(relation, weight)`` when the two places face each other across the
    border (one in MX, the other in the US), else ``None``.

    Examples
    --------
    >>> counterpart("Tijuana", "MX", "San Diego", "US")
    ('twin', 1.0)
    >>> counterpart("El Paso", "US", "Cd. Juárez", "MX")
    ('twin', 1.0)
    >>> counterpart("Tijuana", "MX", "El Paso", "US") is None
    True
    """
    if country_a == "MX" and country_b == "US":
        return _PAIRS.get((city_key(city_a), city_key(city_b)))
    if country_a == "US" and country_b == "MX":
        return _PAIRS.get((city_key(city_b), city_key(city_a)))
    return None
