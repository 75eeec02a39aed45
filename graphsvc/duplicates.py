"""Likely duplicate actors: one rule, used wherever actors come in.

Two actors are likely the same when their names match once accents, case,
punctuation and legal suffixes (A.C., I.A.P., S.C., S.A. de C.V., Inc.,
LLC, ...) are ignored, or when their websites share a domain (``www.``
ignored; shared hosts such as facebook.com say nothing). The import warns
about them and "Add actor" offers the existing record; an editor can then
merge the two (:meth:`graphsvc.stores.edits.EditOps.merge_actors`). The
attendance and membership imports match a sheet's names to actors by the
same rule, and name the closest actors when none matches
(:meth:`DuplicateIndex.closest`).
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from .model import Actor

__all__ = ["name_key", "domain_key", "DuplicateIndex", "LEGAL_SUFFIXES"]

#: Legal-form suffixes (as words once dots are dropped), longest first.
LEGAL_SUFFIXES: tuple[tuple[str, ...], ...] = tuple(sorted((
    ("a", "c"), ("ac",), ("iap",), ("sc",), ("abp",), ("a", "b", "p"), ("i", "a", "p"),
    ("s", "c"), ("sa", "de", "cv"), ("s", "a", "de", "c", "v"), ("sapi", "de", "cv"),
    ("sa",), ("de", "cv"), ("sc", "de", "rl"), ("inc",), ("llc",), ("ltd",), ("corp",),
    ("co",), ("pllc",), ("lp",), ("nfp",), ("gmbh",), ("ev",), ("e", "v")),
    key=len, reverse=True))

#: Hosts many unrelated organisations share: a match there means nothing.
SHARED_HOSTS = frozenset({
    "facebook.com", "fb.com", "instagram.com", "twitter.com", "x.com", "linkedin.com",
    "youtube.com", "google.com", "sites.google.com", "wordpress.com", "blogspot.com",
    "wixsite.com", "linktr.ee", "gmail.com", "github.io", "medium.com", "gob.mx",
    "gov", "state.gov"})


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_key(name: str | None) -> str:
    """A name reduced to what tells organisations apart.

    >>> name_key("Sin Fronteras, I.A.P.") == name_key("SIN FRONTERAS") == "sin fronteras"
    True
    >>> name_key("Casa del Migrante en Tijuana A.C.")
    'casa del migrante en tijuana'
    >>> name_key("Alianza Américas, Inc.")
    'alianza americas'
    """
    if not name:
        return ""
    text = _fold(name).replace(".", "")
    words = re.sub(r"[^\w]+", " ", text).split()
    changed = True
    while changed and len(words) > 1:
        changed = False
        for suffix in LEGAL_SUFFIXES:
            n = len(suffix)
            if len(words) > n and tuple(words[-n:]) == suffix:
                words = words[:-n]
                changed = True
                break
    return " ".join(words)


def domain_key(website: str | None) -> str:
    """A website's domain without ``www.``, or ``""`` when it tells nothing.

    >>> domain_key("https://www.SinFronteras.org.mx/quienes-somos")
    'sinfronteras.org.mx'
    >>> domain_key("https://facebook.com/some.page")
    ''
    """
    if not website:
        return ""
    try:
        host = (urlsplit(website.strip()).hostname or "").lower()
    except ValueError:
        return ""
    host = host.removeprefix("www.")
    if not host or host in SHARED_HOSTS or any(host.endswith("." + h) for h in SHARED_HOSTS):
        return ""
    return host


class DuplicateIndex:
    """Actors indexed by name key and domain, to find an actor's likely twins."""

    def __init__(self, actors: Iterable[Actor] = ()):
        self.by_name: dict[str, list[Actor]] = {}
        self.by_domain: dict[str, list[Actor]] = {}
        for a in actors:
            self.add(a)

    def add(self, actor: Actor) -> None:
        if key := name_key(actor.name):
            self.by_name.setdefault(key, []).append(actor)
        if dom := domain_key(actor.website):
            self.by_domain.setdefault(dom, []).append(actor)

    def matches(self, name: str | None, website: str | None = None,
                exclude: str | None = None) -> list[tuple[Actor, str]]:
        """``(actor, reason)`` for each indexed actor that is likely the same
        as one with this name and website; ``reason`` is ``"name"`` or
        ``"website"``. ``exclude`` (an id) is never a match."""
        out: dict[str, tuple[Actor, str]] = {}
        for a in self.by_name.get(name_key(name), ()):
            out.setdefault(a.id, (a, "name"))
        dom = domain_key(website)
        for a in self.by_domain.get(dom, ()) if dom else ():
            out.setdefault(a.id, (a, "website"))
        return [v for k, v in sorted(out.items()) if k != exclude]

    def by_key(self, name: str | None) -> list[Actor]:
        """The indexed actors whose name matches ``name`` by the rule (accents,
        case, punctuation and legal suffixes ignored), by id."""
        return sorted(self.by_name.get(name_key(name), ()), key=lambda a: a.id)

    def closest(self, name: str | None, n: int = 3, cutoff: float = 0.6) -> list[Actor]:
        """Up to ``n`` indexed actors whose names are nearest ``name`` once
        reduced by the rule (a misspelt name finds its actor), nearest first.

        >>> index = DuplicateIndex([Actor(id="cm", name="Casa del Migrante en Tijuana A.C.",
        ...                               kind="shelter", country="MX")])
        >>> [a.id for a in index.closest("Casa del Migrate Tijuana")]
        ['cm']
        """
        key = name_key(name)
        if not key:
            return []
        keys = difflib.get_close_matches(key, list(self.by_name), n=n, cutoff=cutoff)
        out: list[Actor] = []
        for k in keys:
            out += sorted(self.by_name[k], key=lambda a: a.id)
        return out[:n]
