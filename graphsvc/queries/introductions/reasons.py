"""Plain-language reasons, one sentence per part of the score."""
from __future__ import annotations

__all__ = ["label", "listing", "reason_text"]


def label(value: str) -> str:
    """'legal_aid' -> 'legal aid'; 'lgbtq' -> 'LGBTQ+'."""
    special = {"lgbtq": "LGBTQ+", "idps": "IDPs", "short_medium_term":
               "short and medium term", "central_americans": "Central Americans",
               "haitians": "Haitians", "venezuelans": "Venezuelans", "cubans": "Cubans",
               "mexicans": "Mexicans"}
    return special.get(value, str(value).replace("_", " "))


def listing(items, limit: int = 4) -> str:
    items = [str(x) for x in items]
    if len(items) > limit:
        items = items[:limit] + [f"{len(items) - limit} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def reason_text(code: str, info: dict) -> str:
    if code == "common_contacts":
        n = info["count"]
        who = listing(info["names"], 3)
        return (f"{n} contact{'s' if n != 1 else ''} in common ({who})" if n > 0
                else "no contacts in common")
    if code == "issue_areas":
        return "Both work on " + listing(label(x) for x in info["shared"])
    if code == "populations":
        return "Both serve " + listing(label(x) for x in info["shared"])
    if code == "phases":
        n = len(info["shared"])
        return ("Both work in the " + listing(label(x) for x in info["shared"])
                + (" phase" if n == 1 else " phases"))
    if code == "geography":
        if info["relation"] == "same_city":
            return f"Both are in {info['city_u']}"
        kind = "twin border cities" if info["relation"] == "twin" else \
            "cities on the same border corridor"
        return (f"Counterpart places across the border: {info['city_u']} and "
                f"{info['city_v']} ({kind})")
    if code == "funding_channel":
        return "Both receive money that comes from " + listing(info["names"])
    if code == "bridge":
        return ("They sit in different groups of the network (the group around "
                f"{info['hub_u']} and the one around {info['hub_v']}); the "
                "introduction would bridge the two groups")
    raise KeyError(code)
