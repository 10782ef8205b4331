"""The blast radius (``inventory.impact``) as plain data for pages: the graph ECharts draws."""

from django.utils.translation import gettext as _

from inventory import impact

KIND_LABELS = {
    impact.SYSTEM: lambda: _("Information system"),
    impact.SERVICE: lambda: _("Public service item"),
    impact.RESOURCE: lambda: _("Data resource"),
}


def graph_json(result: impact.Impact) -> dict:
    """Nodes and edges for ECharts: one node per key (a system both up- and downstream is drawn once, downstream),
    plus a placeholder per direction for what is not named."""
    nodes, seen = [], set()
    for node in [result.start, *result.rows()]:
        if node.key in seen:
            continue
        seen.add(node.key)
        nodes.append(
            {
                "id": node.key,
                "name": node.name,
                "kind": node.kind,
                "depth": node.depth,
                "direction": node.direction,
                "unit": node.unit,
                "url": node.url,
                "start": node is result.start,
            }
        )
    edges = [{"source": a, "target": b} for a, b in result.edges()]
    for side in result.sides:
        key = f"x-{side.direction}"
        if any(key in (e["source"], e["target"]) for e in edges):
            label = _("Not shown: {outside} outside your scope, {cut} beyond the list").format(
                outside=side.outside, cut=side.cut
            )
            nodes.append({"id": key, "name": label, "kind": "outside", "depth": 1, "direction": side.direction})
    return {
        "start": result.start.key,
        "depth": result.depth,
        "direction": result.direction,
        "nodes": nodes,
        "edges": edges,
        "labels": {
            **{kind: label() for kind, label in KIND_LABELS.items()},
            "outside": _("Not shown"),
            "depth": _("Depth"),
        },
    }
