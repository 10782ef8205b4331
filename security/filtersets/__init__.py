"""Filters of the security lists (``GovFilterSet``: choices through the gate, a search box, "within a unit")."""
