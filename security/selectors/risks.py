"""The risk register's heat map: likelihood × impact counts in one grouped query."""

from dataclasses import dataclass

from django.db.models import Count

from .. import choices as c
from ..models.risks import rating

STEPS = (1, 2, 3, 4, 5)
# Tabler colours of the bands, shared by the heat map, the list's badges and the detail page.
RATING_COLORS = {
    c.RiskRating.LOW: "green",
    c.RiskRating.MEDIUM: "yellow",
    c.RiskRating.HIGH: "orange",
    c.RiskRating.EXTREME: "red",
}


@dataclass
class Cell:
    likelihood: int
    impact: int
    count: int
    selected: bool = False

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating(self) -> str:
        return rating(self.score)

    @property
    def color(self) -> str:
        return RATING_COLORS[self.rating]


@dataclass
class HeatMap:
    rows: list[tuple[str, list[Cell]]]  # likelihood 5 → 1 (top to bottom), each with impact 1 → 5
    impacts: list[str]
    total: int

    def count(self, likelihood: int, impact: int) -> int:
        return next(
            cell.count
            for _label, row in self.rows
            for cell in row
            if (cell.likelihood, cell.impact) == (likelihood, impact)
        )

    def by_rating(self) -> dict[str, int]:
        totals = dict.fromkeys(c.RiskRating.values, 0)
        for _label, row in self.rows:
            for cell in row:
                totals[cell.rating] += cell.count
        return totals


def heat_map(risks, *, selected: tuple[int | None, int | None] = (None, None)) -> HeatMap:
    """Counts of ``risks`` (an already gated and filtered queryset) per cell of the 5 × 5 matrix."""
    counts = {
        (row["likelihood"], row["impact"]): row["n"]
        for row in risks.order_by().values("likelihood", "impact").annotate(n=Count("pk"))
    }
    labels = dict(c.Likelihood.choices)
    rows = [
        (
            labels[likelihood],
            [
                Cell(likelihood, impact, counts.get((likelihood, impact), 0), (likelihood, impact) == selected)
                for impact in STEPS
            ],
        )
        for likelihood in reversed(STEPS)
    ]
    return HeatMap(rows=rows, impacts=[label for _value, label in c.Impact.choices], total=sum(counts.values()))
