"""Demo inventory for the demo organisation tree (core.demo): systems, service items, the data resource catalog
with its data items, and the links between systems, at the scale profiles of DOMAIN.md §2.

Registered as a core.demo extension in ``InventoryConfig.ready()``. Everything is drawn from the extension's own
``random.Random`` in a fixed order, so a seed always yields the same inventory; dates are relative to the day of
generation, so that "last active" and contract ends stay meaningful. core.demo rebuilds the search index after the
transaction commits, which covers the registered inventory models.
"""

import random

from .generate import run


def extension(rng: random.Random, units: list, stdout) -> dict:
    """core.demo extension: fill the inventory of the demo tree ``units`` (in path order); returns the counts."""
    return run(rng, units, stdout)


__all__ = ["extension", "run"]
