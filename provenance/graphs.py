"""The site network and the document lineage graph as GraphML or GEXF files (``provenance graph``),
for Gephi, Cytoscape and networkx: the one module that imports networkx.

Nodes and edges come from the store as dicts (:meth:`Store.site_network`,
:meth:`Store.document_network`); attribute values are written as the formats allow: ids and times as
strings (an id past 2^53 would be rounded by readers that parse numbers as doubles), numbers as
numbers, and a missing value left off the node or edge (neither format has a null).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import networkx as nx

from .errors import InputError

__all__ = ["GRAPH_FORMATS", "graph_format", "site_graph", "document_graph", "write_graph"]

#: File suffixes and the format each writes.
GRAPH_FORMATS = {".graphml": "graphml", ".gexf": "gexf"}


def graph_format(path: str | os.PathLike[str]) -> str:
    """The format a file's suffix asks for (``graphml`` or ``gexf``); InputError for any other."""
    suffix = Path(path).suffix.lower()
    if suffix not in GRAPH_FORMATS:
        raise InputError(str(path), f"write a .graphml or .gexf file (the suffix chooses the format), not {suffix or 'no suffix'!r}")
    return GRAPH_FORMATS[suffix]


def site_graph(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> nx.DiGraph:
    """Sites as nodes (``label``: the site's name, else its host; ``documents``), and an edge from
    each source site to each site copying it, weighted by ``copies`` (with ``edges``, credited and
    changed shares, median and p90 lag in hours, mean containment)."""
    graph = nx.DiGraph(name="site network: source site → copying site")
    for node in nodes:
        graph.add_node(node["site"], **_attributes({"label": node["site_name"] or node["site"], **node}))
    for edge in edges:
        source, copy = edge["source_site"], edge["copy_site"]
        attributes = {k: v for k, v in edge.items() if k not in ("source_site", "copy_site")}
        graph.add_edge(source, copy, weight=edge["copies"], **_attributes(attributes))
    return graph


def document_graph(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> nx.DiGraph:
    """Documents linked by copy-like edges as nodes (``label``: site — title; site, URL,
    publication time, story), and an edge from each source to its copy (relation, containment,
    confidence, credited, lag in hours, changed)."""
    graph = nx.DiGraph(name="document lineage: source → copy")
    for node in nodes:
        label = f"{node['site_name'] or node['site'] or ''} — {node['title'] or node['url']}".strip(" —")
        graph.add_node(str(node["doc_id"]), **_attributes({"label": label, **node}))
    for edge in edges:
        attributes = {k: v for k, v in edge.items() if k not in ("source_id", "copy_id")}
        graph.add_edge(str(edge["source_id"]), str(edge["copy_id"]), weight=edge["containment"],
                       **_attributes(attributes))
    return graph


def write_graph(graph: nx.DiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as the file's suffix says (:func:`graph_format`); InputError when it cannot."""
    fmt = graph_format(path)
    target = Path(path)
    temporary = target.with_name(f".{target.name}.part")
    try:
        if fmt == "graphml":
            nx.write_graphml(graph, temporary)
        else:
            nx.write_gexf(graph, temporary)
        os.replace(temporary, target)
    except (OSError, nx.NetworkXError) as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(str(target), f"cannot write the graph: {exc}") from None


def _attributes(values: dict[str, Any]) -> dict[str, Any]:
    """Values as GraphML and GEXF can hold them: ids and times as text, no None."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key == "id" or key.endswith("_id"):
            value = str(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            value = " ".join(map(str, value))
        out[key] = value
    return out
