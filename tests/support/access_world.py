"""A hand-made graph in which every way restricted data could leak has a case
(the GraphView tests and the security layer's tests share it)."""
from graphsvc.model import Actor, Introduction, Tie


def A(id, name, kind="cso", vis="public", **kw):
    return Actor(id=id, name=name, kind=kind, country="MX", visibility=vis, **kw)


def T(s, d, kind, vis="public", **kw):
    return Tie(source=s, target=d, kind=kind, visibility=vis, **kw)


# A hand-made graph: every way restricted data could leak has a case.
ACTORS = [
    A("p1", "Casa Pública Uno", "shelter"),
    A("p2", "Red Pública Dos", "network"),
    A("p3", "Fondo Público Tres", "funder"),
    A("p4", "Oficina Pública Cuatro", "government"),
    A("r1", "Defensora Oculta Uno", "individual", "restricted"),
    A("r2", "Fondo Oculto Dos", "funder", "restricted"),
]
TIES = [
    T("p1", "p2", "formal"),
    T("p2", "p4", "informal"),
    T("p1", "p4", "informal", "restricted"),           # restricted tie, public ends
    T("r1", "p1", "informal"),                          # public tie, restricted end
    T("r2", "p3", "funding", amount=10, currency="USD", year=2021),
    T("p3", "p1", "funding", amount=5, currency="USD", year=2021, channel=["r2"]),
    T("r1", "p4", "informal", "restricted", note="met Defensora Oculta Uno privately"),
]
INTROS = [
    # made, but only a restricted tie joins the pair
    Introduction(source="p1", target="p4", via="p2", status="made"),
    Introduction(source="p2", target="p3", via="p1", status="proposed",
                 note="ask Defensora Oculta Uno first"),
    Introduction(source="p1", target="p3", via="r1", status="proposed"),
    Introduction(source="r1", target="p2", status="made"),
]
RESTRICTED_NAMES = ["Defensora Oculta Uno", "Fondo Oculto Dos"]
RESTRICTED_IDS = ["r1", "r2"]
