"""A small hand-built corridor network (invented, for tests): every expected
value in the query tests is counted by hand from the lists below."""
from graphsvc.model import Actor, Tie
from graphsvc.snapshot import build_snapshot

ACTORS = [
    dict(id="unhcr", name="UNHCR", kind="international_org", country="INT"),
    dict(id="oim-mx", name="OIM México", kind="international_org", country="MX"),
    dict(id="prm", name="State Department PRM", kind="government", country="US",
         roles=["funder", "policymaker"]),
    dict(id="dhs", name="Department of Homeland Security", kind="government", country="US"),
    dict(id="sen", name="A senator", kind="official", country="US"),
    dict(id="rsn", name="A US NGO", kind="cso", country="US", issue_areas=["legal_aid"]),
    dict(id="cws", name="A US faith network", kind="faith_based", country="US"),
    dict(id="us_acad", name="A US university", kind="academia", country="US"),
    dict(id="mx1", name="Mexican CSO one", kind="cso", country="MX", city="Tijuana",
         issue_areas=["legal_aid", "advocacy"]),
    dict(id="mx2", name="Shelter two", kind="shelter", country="MX", city="Tapachula",
         issue_areas=["shelter"]),
    dict(id="mx3", name="Faith three", kind="faith_based", country="MX", city="Monterrey"),
    dict(id="mx4", name="Migrant-led four", kind="migrant_led", country="MX"),
    dict(id="mx5", name="Mexican CSO five", kind="cso", country="MX"),
    dict(id="mx_gov", name="A Mexican ministry", kind="government", country="MX"),
    dict(id="gt1", name="A Guatemalan CSO", kind="cso", country="GT"),
]

TIES = [
    dict(source="mx1", target="unhcr", kind="formal"),
    dict(source="mx1", target="rsn", kind="formal"),
    dict(source="mx1", target="dhs", kind="informal", strength=0.5),
    dict(source="mx2", target="oim-mx", kind="informal"),
    dict(source="mx2", target="cws", kind="informal"),
    # PRM -> UNHCR -> mx2: each hop a tie; the second names its origin funder.
    dict(source="prm", target="unhcr", kind="funding", amount=1000, currency="USD", year=2020),
    dict(source="unhcr", target="mx2", kind="funding", amount=100, currency="USD", year=2020,
         channel=["prm"]),
    dict(source="unhcr", target="mx2", kind="funding", amount=50, currency="USD", year=2021,
         channel=["prm"]),
    dict(source="mx3", target="rsn", kind="informal"),
    dict(source="mx3", target="cws", kind="formal"),
    dict(source="rsn", target="mx3", kind="funding", amount=20, currency="USD", year=2021),
    dict(source="mx4", target="unhcr", kind="formal"),
    dict(source="us_acad", target="mx4", kind="informal"),
    dict(source="mx5", target="mx1", kind="informal"),
    dict(source="mx_gov", target="dhs", kind="formal"),
    dict(source="gt1", target="rsn", kind="formal"),
]


def corridor():
    return build_snapshot([Actor(**a) for a in ACTORS], [Tie(**t) for t in TIES], version=7,
                          meta={"illustrative": "false"})
