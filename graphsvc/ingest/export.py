"""Export the whole graph: JSON, CSV, GraphML and GEXF.

- **json**: lossless. A ``graphsvc-graph`` document with ``format_version``,
  dataset ``meta``, every actor, tie, introduction, event and group record. ``graphsvc
  import --json`` reads it back exactly.
- **csv**: ``actors.csv`` and ``ties.csv`` in the ``--output`` directory, one
  column per field, lists joined with ``;``; for pandas, R and spreadsheets,
  and re-importable with ``graphsvc import --actors ... --ties ...``.
- **graphml** (R/igraph, Gephi, Cytoscape) and **gexf** (Gephi), written by
  NetworkX from the snapshot: lists are ``;``-joined text, missing values are
  left out, and each edge keeps ``directed`` (true only for funding) because
  one file holds undirected and directed ties at once. Every format keeps a
  tie's ``since`` and ``until``. GEXF is version 1.3 and, when any tie is
  dated, *dynamic*: each dated tie also gets ``start``/``end`` (its
  ``since``/``until``), which Gephi's timeline reads. Actors carry no dates,
  so nodes have none (present at every date).

Like NetworkX's writers, each writer takes the graph to write: the reader's
snapshot (:mod:`graphsvc.snapshot`), so an export holds exactly what its
reader may see, and the JSON writer the introduction records that reader
may see. Every writer takes ``extra_node_attrs`` (column -> {actor id:
value}) so computed columns, such as centrality scores, can ride along with
the actors.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import networkx as nx

from ..errors import GraphsvcError
from ..model import Actor, Introduction, Tie
from .columns import EXPORT_LIST_SEPARATOR
from .importer import GRAPH_FORMAT, GRAPH_FORMAT_VERSION, Progress
from .safe_write import atomic_path, write_csv_rows

__all__ = ["EXPORT_FORMATS", "export_graph", "graph_document", "write_json", "write_csv",
           "write_graphml", "write_gexf", "actor_records", "tie_records", "flat_graph",
           "flat_two_mode", "write_two_mode_graphml"]

EXPORT_FORMATS = {
    "json": "Lossless full graph (graphsvc import --json reads it back)",
    "csv": "actors.csv and ties.csv in the output directory (pandas, R, spreadsheets)",
    "graphml": "GraphML for R/igraph, Gephi, Cytoscape",
    "gexf": "GEXF for Gephi",
}

ACTOR_FIELDS = list(Actor.model_fields)
TIE_FIELDS = list(Tie.model_fields)
# Tie fields first in a useful order for reading: id, ends, kind.
TIE_COLUMNS = ["id", "source", "target", "kind"] + [
    f for f in TIE_FIELDS if f not in ("id", "source", "target", "kind")]

ExtraAttrs = Mapping[str, Mapping[str, object]] | None


def actor_records(G: nx.MultiDiGraph) -> list[dict]:
    """Actor records from a snapshot, by id, fields in model order."""
    out = []
    for node in sorted(G.nodes):
        attrs = G.nodes[node]
        out.append({"id": node, **{f: attrs[f] for f in ACTOR_FIELDS if f in attrs
                                   and f != "id"}})
    return out


def tie_records(G: nx.MultiDiGraph) -> list[dict]:
    """Tie records from a snapshot, by id (``directed`` is derived, not kept)."""
    out = []
    for u, v, key, attrs in G.edges(keys=True, data=True):
        rec = {"id": key, "source": u, "target": v}
        rec.update({f: attrs[f] for f in TIE_COLUMNS if f in attrs and f not in rec})
        out.append(rec)
    out.sort(key=lambda r: r["id"])
    return out


def graph_document(G: nx.MultiDiGraph, introductions: Iterable[Introduction] = (), *,
                   extra_node_attrs: ExtraAttrs = None, events: Iterable = (),
                   groups: Iterable = ()) -> dict:
    """The full-graph JSON document (what ``export --format json`` writes).

    ``introductions``, ``events`` and ``groups`` are written as given: pass
    the records the reader may see
    (:meth:`graphsvc.service.GraphService.introductions`,
    :meth:`graphsvc.service.GraphService.records`).
    """
    meta = {k: v for k, v in G.graph.items() if k not in ("version", "as_of")}
    intros = [i.to_record() for i in introductions]
    doc = {"format": GRAPH_FORMAT, "format_version": GRAPH_FORMAT_VERSION,
           "meta": meta, "actors": actor_records(G), "ties": tie_records(G),
           "introductions": intros, "events": [e.to_record() for e in events],
           "groups": [g.to_record() for g in groups]}
    if G.graph.get("as_of"):
        # The day the ties are in force on ("all": every tie ever recorded);
        # not a dataset setting, so outside meta (an import ignores it).
        doc["as_of"] = G.graph["as_of"]
    if extra_node_attrs:
        # Kept apart from the actor records so the document still imports.
        doc["node_attributes"] = {name: {k: values[k] for k in sorted(values) if k in G}
                                  for name, values in extra_node_attrs.items()}
    return doc


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return json.dumps(value, ensure_ascii=False)  # evidence entries
    if isinstance(value, list):
        return EXPORT_LIST_SEPARATOR.join(str(v) for v in value)
    return value


def _write_csv(path: Path, columns: list[str], records: list[dict], tick) -> None:
    def rows():
        yield columns
        for rec in records:
            yield [_csv_cell(rec.get(c)) for c in columns]
            if tick:
                tick(1)

    # The one safe writer: formula-looking text is neutralised, the file atomic.
    write_csv_rows(path, rows())


def flat_graph(G: nx.MultiDiGraph, extra_node_attrs: ExtraAttrs = None) -> nx.MultiDiGraph:
    """A copy of the snapshot that GraphML and GEXF writers can hold.

    Lists become ``;``-joined text, ``None`` and empty lists are left out,
    and nodes get ``label`` (the name) for Gephi.
    """
    H: nx.MultiDiGraph = nx.MultiDiGraph()
    H.graph.update({k: v for k, v in G.graph.items() if v is not None})

    def flat(attrs: Mapping) -> dict:
        out = {}
        for k, v in attrs.items():
            if v is None or v == []:
                continue
            if isinstance(v, list) and isinstance(v[0], dict):  # evidence entries
                out[k] = json.dumps(v, ensure_ascii=False)
            elif isinstance(v, list):
                out[k] = EXPORT_LIST_SEPARATOR.join(map(str, v))
            else:
                out[k] = v
        return out

    for node, attrs in G.nodes(data=True):
        data = flat(attrs)
        data.setdefault("label", attrs.get("name", node))
        for name, values in (extra_node_attrs or {}).items():
            if values.get(node) is not None:
                data[name] = values[node]
        H.add_node(node, **data)
    for u, v, key, attrs in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=key, **flat(attrs))
    return H


def write_json(G: nx.MultiDiGraph, path, introductions: Iterable[Introduction] = (), *,
               extra_node_attrs: ExtraAttrs = None, events: Iterable = (),
               groups: Iterable = ()) -> None:
    """Write :func:`graph_document` to ``path``."""
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(graph_document(G, introductions, extra_node_attrs=extra_node_attrs,
                                 events=events, groups=groups),
                  fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def write_csv(G: nx.MultiDiGraph, directory, *, extra_node_attrs: ExtraAttrs = None,
              progress: Progress | None = None) -> list[Path]:
    """Write ``actors.csv`` and ``ties.csv`` into ``directory`` (created if
    missing); return their paths."""
    output = Path(directory)
    if output.exists() and not output.is_dir():
        raise GraphsvcError(
            f"{output} is a file; CSV export writes actors.csv and ties.csv "
            "into a directory.", hint="Give a directory for --output.")
    output.mkdir(parents=True, exist_ok=True)
    actors, ties = actor_records(G), tie_records(G)
    extra = dict(extra_node_attrs or {})
    for rec in actors:
        for name, values in extra.items():
            rec[name] = values.get(rec["id"])
    tick = progress("writing CSV", len(actors) + len(ties)) if progress else None
    paths = [output / "actors.csv", output / "ties.csv"]
    _write_csv(paths[0], ACTOR_FIELDS + list(extra), actors, tick)
    _write_csv(paths[1], TIE_COLUMNS, ties, tick)
    return paths


def write_graphml(G: nx.MultiDiGraph, path, *, extra_node_attrs: ExtraAttrs = None) -> None:
    """GraphML of :func:`flat_graph` (R/igraph, Gephi, Cytoscape)."""
    # The tie id is both the GraphML edge id and an "id" data key: igraph
    # 1.0 misreads edge ids (and says it keeps the data key instead),
    # NetworkX reads both.
    nx.write_graphml(flat_graph(G, extra_node_attrs), path, encoding="utf-8",
                     prettyprint=True)


def flat_two_mode(B: nx.Graph) -> nx.Graph:
    """A copy of the two-mode graph (actors, events, groups) that GraphML can
    hold: every node keeps its ``type`` (actor, event or group), lists
    become ``;``-joined text, ``None`` and empty lists are left out, and
    nodes get ``label`` (an actor's name, an event's or group's title).
    ``graph["node_types"]`` names the types present, so R/igraph can set
    ``V(g)$type <- V(g)$type != "actor"`` for its bipartite functions."""
    H: nx.Graph = nx.Graph()
    H.graph.update({k: v for k, v in B.graph.items()
                    if v is not None and not isinstance(v, (dict, list, tuple))})

    def flat(attrs) -> dict:
        out = {}
        for k, v in attrs.items():
            if v is None or v == [] or isinstance(v, dict):
                continue
            out[k] = EXPORT_LIST_SEPARATOR.join(map(str, v)) if isinstance(
                v, (list, tuple)) else v
        return out

    types = []
    for node, attrs in B.nodes(data=True):
        data = flat(attrs)
        data.setdefault("label", attrs.get("name") or attrs.get("title") or str(node))
        if data.get("type") not in types:
            types.append(data.get("type"))
        H.add_node(node, **data)
    H.graph["node_types"] = EXPORT_LIST_SEPARATOR.join(
        t for t in ("actor", "event", "group") if t in types)
    H.add_edges_from((u, v, flat(d)) for u, v, d in B.edges(data=True))
    return H


def write_two_mode_graphml(B: nx.Graph, path) -> None:
    """GraphML of the two-mode graph (:func:`flat_two_mode`), one file."""
    with atomic_path(path) as tmp:
        nx.write_graphml(flat_two_mode(B), tmp, encoding="utf-8", prettyprint=True)


#: GEXF 1.3 namespaces (NetworkX writes 1.2draft; the elements it writes are
#: the same in 1.3, so the document is renamed into 1.3 after writing).
GEXF_NS = "http://gexf.net/1.3"
_GEXF_12 = ('xmlns="http://www.gexf.net/1.2draft"',
            'xmlns:viz="http://www.gexf.net/1.2draft/viz"',
            'xsi:schemaLocation="http://www.gexf.net/1.2draft '
            'http://www.gexf.net/1.2draft/gexf.xsd"',
            'version="1.2"')
_GEXF_13 = (f'xmlns="{GEXF_NS}"', f'xmlns:viz="{GEXF_NS}/viz"',
            f'xsi:schemaLocation="{GEXF_NS} {GEXF_NS}/gexf.xsd"', 'version="1.3"')


def dynamic_graph(G: nx.MultiDiGraph, extra_node_attrs: ExtraAttrs = None
                  ) -> nx.MultiDiGraph:
    """:func:`flat_graph` with ``start``/``end`` on every dated tie (its
    ``since``/``until``, ISO dates), as GEXF's dynamic mode spells them."""
    H = flat_graph(G, extra_node_attrs)
    for _u, _v, d in H.edges(data=True):
        if d.get("since"):
            d["start"] = str(d["since"])
        if d.get("until"):
            d["end"] = str(d["until"])
    return H


def write_gexf(G: nx.MultiDiGraph, path, *, extra_node_attrs: ExtraAttrs = None) -> None:
    """GEXF 1.3 of :func:`dynamic_graph` (Gephi): dynamic, with
    ``timeformat="date"``, when any tie is dated."""
    import io

    buffer = io.BytesIO()
    nx.write_gexf(dynamic_graph(G, extra_node_attrs), buffer, encoding="utf-8",
                  prettyprint=True, version="1.2draft")
    text = buffer.getvalue().decode("utf-8")
    head, sep, body = text.partition("<meta")
    for old, new in zip(_GEXF_12, _GEXF_13):
        head = head.replace(old, new, 1)
    # 1.3 has no graph name attribute (1.2draft's, always empty here).
    body = re.sub(r'(<graph [^>]*?) name="[^"]*"', r"\1", body, count=1)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(head + sep + body)


def export_graph(G: nx.MultiDiGraph, fmt: str, output, *,
                 introductions: Iterable[Introduction] = (),
                 extra_node_attrs: ExtraAttrs = None,
                 progress: Progress | None = None, events: Iterable = (),
                 groups: Iterable = ()) -> list[str]:
    """Write ``G`` in ``fmt`` to ``output``; return the files written.

    ``G`` is the reader's snapshot and ``introductions`` the records that
    reader may see, and so are ``events`` and ``groups`` (only the JSON
    format holds them). ``output`` is a file
    for json, graphml and gexf, and a directory (created if missing) for
    csv, which gets ``actors.csv`` and ``ties.csv``.
    """
    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        raise GraphsvcError(f"unknown export format '{fmt}'.",
                            hint=f"Use one of: {', '.join(EXPORT_FORMATS)}.")
    output = Path(output)
    try:
        if fmt == "csv":
            return [str(p) for p in write_csv(G, output, extra_node_attrs=extra_node_attrs,
                                              progress=progress)]
        tick = progress(f"writing {fmt}", 1) if progress else None
        if fmt == "json":
            write_json(G, output, introductions, extra_node_attrs=extra_node_attrs,
                       events=events, groups=groups)
        elif fmt == "graphml":
            write_graphml(G, output, extra_node_attrs=extra_node_attrs)
        else:
            write_gexf(G, output, extra_node_attrs=extra_node_attrs)
        if tick:
            tick(1)
        return [str(output)]
    except OSError as exc:
        raise GraphsvcError(f"cannot write {output}: {exc.strerror or exc}.",
                            hint="Check that the folder exists and is writable.") from None
