"""Demo security data for the demo tree (core.demo) and its inventory: security policies, MLPS gradings with expert
opinions and filings, assessments and self-inspections, crypto assessments, findings and the risk register, at the
scale profiles of DOMAIN.md §2 (issue 4: "works in Chinese on the demo data").

Registered as a core.demo extension in ``SecurityConfig.ready()``, after the inventory's (its app comes first in
INSTALLED_APPS): it needs the systems. Everything is drawn from the extension's own ``random.Random`` in a fixed
order (systems in code order), so a seed always yields the same data; dates are relative to the day of generation.
"""

import random

from .generate import run


def extension(rng: random.Random, units: list, stdout) -> dict:
    """core.demo extension: the security data of the demo tree ``units`` (in path order); returns the counts."""
    return run(rng, units, stdout)


__all__ = ["extension", "run"]
