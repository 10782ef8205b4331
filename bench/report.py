"""Summarise results files as the Markdown tables of bench/README.md.

    python -m bench.report bench/results/2026-11-27-county-sqlite.json bench/results/2026-11-27-city-postgres.json …

One table: a row per scenario, a column per file (scale and database), each cell "p50 / p95 ms (× baseline)", or
the rate for imports, exports and verification. Scenario names that carry a count ("export 502 systems") are
grouped by their words without the numbers.
"""

import json
import re
import sys
from pathlib import Path

RATES = ("rows_per_s", "records_per_s")


def key(scenario: str) -> str:
    """The scenario without its counts and names: "export 502 systems .csv (2008 rows)" → "export systems .csv"."""
    name = re.sub(r"\s*\([^)]*(\d|[^\x00-\x7f])[^)]*\)", "", scenario)
    return re.sub(r"\s+", " ", re.sub(r"\b\d+\b", "", name)).strip()


def cell(result: dict) -> str:
    extra = result.get("extra", {})
    if "rps" in extra:
        return (
            f"{extra['rps']:g} req/s, {extra['errors']} errors, p95 {result['p95_ms']:g} ms, "
            f"RSS {extra['worker_rss_mb']:g} MB"
        )
    for name in RATES:
        if name in extra:
            text = f"{extra[name]:,}/s"
            if extra.get("commit_" + name):
                text += f" (commit {extra['commit_' + name]:,}/s)"
            return text
    text = f"{result['p50_ms']:g} / {result['p95_ms']:g}"
    if result.get("ratio"):
        text += f" (×{result['ratio']:g})"
    if result.get("met") is False:
        text = f"**{text}**"
    return text


def table(paths: list[Path]) -> str:
    columns, rows = [], {}
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        column = f"{data['scale']} {data['db']}"
        columns.append(column)
        for result in data["results"]:
            rows.setdefault(key(result["scenario"]), {})[column] = cell(result)
    lines = ["| scenario | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    for name, cells in rows.items():
        lines.append(f"| {name} | " + " | ".join(cells.get(column, "") for column in columns) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table([Path(arg) for arg in sys.argv[1:]]))
