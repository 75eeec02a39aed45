"""Hand-built graphs for the introduction tests; every expectation is worked by hand.

corridor():

    mx1 (shelter, Tijuana)  --formal--  unhcr  --formal--  us1 (cso, San Diego)
    mx1 --informal-- ws (individual) --informal-- us1, ws --informal-- us2
    mx1 --informal-- tied (US cso, already tied)
    prm --funding--> unhcr --funding[channel prm]--> mx1;  prm --funding--> us1
    prm --informal-- senator;  us2 --formal-- senator;  fund --funding--> us1
    us3 (El Paso, health/women) shares no work with mx1

Degrees in the undirected simple view: mx1 3 (unhcr, ws, tied), unhcr 3
(mx1, us1, prm), ws 3 (mx1, us1, us2), us1 4 (unhcr, ws, prm, fund),
prm 3 (unhcr, us1, senator), us2 2, senator 2, fund 1, tied 1, us3 0.
"""
from graphsvc.model import Actor, Tie


def A(id, kind, country, **kw):
    return Actor(id=id, name=kw.pop("name", id.upper()), kind=kind, country=country, **kw)


def corridor_records():
    actors = [
        A("mx1", "shelter", "MX", name="Casa Tijuana", city="Tijuana",
          issue_areas=["shelter", "legal_aid"], populations=["central_americans", "haitians"],
          phases=["humanitarian"]),
        A("us1", "cso", "US", name="San Diego Aid", city="San Diego",
          issue_areas=["shelter", "legal_aid"], populations=["central_americans"],
          phases=["humanitarian"]),
        A("us2", "cso", "US", name="Boston Legal", city="Boston", issue_areas=["legal_aid"],
          populations=["children"]),
        A("us3", "cso", "US", name="El Paso Health", city="El Paso", issue_areas=["health"],
          populations=["women"]),
        A("tied", "cso", "US", name="Already Tied", city="San Diego",
          issue_areas=["shelter"]),
        A("unhcr", "international_org", "INT", name="UNHCR"),
        A("ws", "individual", "MX", name="Workshop Host"),
        A("prm", "government", "US", name="US PRM", roles=["funder", "policymaker"],
          city="Washington"),
        A("senator", "official", "US", name="Senator", city="Tucson"),
        A("fund", "funder", "US", name="Foundation"),
    ]
    ties = [
        Tie(source="mx1", target="unhcr", kind="formal", subtype="implementing_partner"),
        Tie(source="unhcr", target="us1", kind="formal", subtype="mou"),
        Tie(source="mx1", target="ws", kind="informal", subtype="workshop"),
        Tie(source="ws", target="us1", kind="informal", subtype="workshop"),
        Tie(source="ws", target="us2", kind="informal", subtype="workshop"),
        Tie(source="mx1", target="tied", kind="informal"),
        Tie(source="prm", target="unhcr", kind="funding", amount=1000, currency="USD",
            year=2020),
        Tie(source="unhcr", target="mx1", kind="funding", amount=100, currency="USD",
            year=2020, channel=["prm"]),
        Tie(source="prm", target="us1", kind="funding", amount=50, currency="USD", year=2020),
        Tie(source="prm", target="senator", kind="informal"),
        Tie(source="us2", target="senator", kind="formal"),
        Tie(source="fund", target="us1", kind="funding", amount=5, currency="USD", year=2021),
    ]
    return actors, ties


def both_sides_records():
    """Policymakers on both sides (see tests/queries/test_policymakers_both_sides.py):
    MX CSOs c1-c4; dhs (US, federal) -- c1; segob (MX, federal) -- c3;
    ayto (MX, municipal) -- c2; c3 -- c4; edo (MX, state), dip (MX official,
    legislative), gtgob (GT, federal) and sspc (MX, no level) untied."""
    def G(i, kind, country, level=None):
        return Actor(id=i, name=i.upper(), kind=kind, country=country, level=level,
                     visibility="public")

    actors = [*(G(f"c{i}", "cso", "MX") for i in range(1, 5)),
              G("dhs", "government", "US", "federal"),
              G("segob", "government", "MX", "federal"),
              G("ayto", "government", "MX", "municipal"),
              G("edo", "government", "MX", "state"),
              G("dip", "official", "MX", "legislative"),
              G("gtgob", "government", "GT", "federal"),
              G("sspc", "government", "MX")]
    ties = [Tie(source="c1", target="dhs", kind="formal", visibility="public"),
            Tie(source="c3", target="segob", kind="formal", visibility="public"),
            Tie(source="c2", target="ayto", kind="informal", visibility="public"),
            Tie(source="c3", target="c4", kind="informal", visibility="public")]
    return actors, ties
