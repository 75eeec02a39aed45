"""Working languages: a shared one helps an introduction, a gap needs a broker.

Actors record the languages they work in (ISO 639 codes, ``languages``).
For a pair ``u``, ``v``:

- both record languages and share one: the score gains
  ``LANGUAGE_POINTS["shared_language"]`` (reason ``shared_language``);
- both record languages and share none, and a broker on the route speaks a
  language of each (a mutual contact, the most trusted first; without a
  mutual contact, an intermediary on the most trusted chain): no change to
  the score, that broker is preferred and named (reason ``language_broker``:
  "Ask X, who works in Spanish and English");
- both record languages, share none and nobody on the route bridges them:
  the score loses ``-LANGUAGE_POINTS["language_gap"]`` (reason
  ``language_gap``);
- either records no language: unknown, not a mismatch; nothing changes.

The same rule serves suggestions, brokers and plans: :func:`language_bridge`
is what :mod:`.scoring` and :mod:`.brokers` both call.
"""
from __future__ import annotations

__all__ = ["LANGUAGE_POINTS", "speaks_both", "bridging_languages", "language_bridge",
           "language_state"]

#: Points a pair's languages add to the score (see the module notes). The
#: gap outweighs every attribute part but common contacts, so a pair that
#: cannot talk falls below a comparable pair that can, without vanishing
#: from a list where it is the only one with contacts in common.
LANGUAGE_POINTS: dict[str, float] = {"shared_language": 0.05, "language_gap": -0.15}


def speaks_both(langs, lu, lv) -> bool:
    """Whether ``langs`` holds a language of each side."""
    return bool(langs) and not langs.isdisjoint(lu) and not langs.isdisjoint(lv)


def bridging_languages(langs, lu, lv) -> list[str]:
    """``[a language of u, a language of v]`` that a broker speaking ``langs``
    uses (the first of each in alphabetical order)."""
    return [min(langs & lu), min(langs & lv)]


def _gap(idx, u, v):
    lu, lv = idx.languages[u], idx.languages[v]
    if not lu or not lv or not lu.isdisjoint(lv):
        return None
    return lu, lv


def language_bridge(idx, u, v, paths=None):
    """The broker who speaks a language of ``u`` and one of ``v``, or ``None``.

    Only asked when both record languages and share none (otherwise
    ``None``). With mutual contacts, the most trusted bilingual one (trust of
    the two ties multiplied, then id); without, the first intermediary on the
    most trusted chain (``paths``, from :func:`.brokers._paths`) who does.
    """
    gap = _gap(idx, u, v)
    if gap is None:
        return None
    lu, lv = gap
    au, av = idx.adj[u], idx.adj[v]
    mutual = [z for z in au if z in av and z not in (u, v)]
    if mutual:
        ok = [z for z in mutual if speaks_both(idx.languages[z], lu, lv)]
        if not ok:
            return None
        return min(ok, key=lambda z: (-au[z][0] * av[z][0], str(z)))
    if paths is None or v not in paths:
        return None
    x = paths[v][2]
    chain = []
    while x is not None and x != u:
        chain.append(x)
        x = paths[x][2]
    for z in reversed(chain):
        if speaks_both(idx.languages[z], lu, lv):
            return z
    return None


def language_state(idx, u, v, paths=None) -> tuple:
    """``("unknown",)``, ``("shared", languages)``, ``("bridged", broker)``
    or ``("gap", languages_u, languages_v)``."""
    lu, lv = idx.languages[u], idx.languages[v]
    if not lu or not lv:
        return ("unknown",)
    shared = lu & lv
    if shared:
        return ("shared", sorted(shared))
    z = language_bridge(idx, u, v, paths)
    if z is not None:
        return ("bridged", z)
    return ("gap", sorted(lu), sorted(lv))
