"""The inventory's background tasks (``core.tasks``): the impact graph's build."""

from django_tasks import task


@task()
def build_impact_graph() -> str | None:
    """Build the impact graph from the links and make it current in every process (``inventory.graph``)."""
    from .graph import build

    version = build()
    return version.name if version is not None else None
