"""The analysis rules (zombie thresholds, similarity settings, data-quality weights) as versioned data.

``inventory/data/zombie_rules.yaml`` is read once and validated: an unknown, missing or out-of-range key raises
:class:`RulesError` naming the file and the key, so a bad edit fails loudly instead of silently changing results.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).parent / "data" / "zombie_rules.yaml"


class RulesError(ValueError):
    """The rules file is missing, malformed or holds a bad value."""


@dataclass(frozen=True)
class ZombieRules:
    detached_months: int
    replaceable_similarity: float
    idle_months: int
    unmaintained_grace_days: int
    internal_users_below: int
    public_users_below: int


@dataclass(frozen=True)
class SimilarityRules:
    name_weight: float
    purpose_weight: float
    data_weight: float
    vendor_bonus: float
    min_name: float
    duplicate_threshold: float
    max_postings: int
    generic_words: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    version: str
    zombie: ZombieRules
    similarity: SimilarityRules
    quality_weights: dict[str, float]


class _Reader:
    """Walks the parsed YAML, collecting the keys it used so unknown ones can be reported."""

    def __init__(self, path: Path, data):
        self.path = path
        self.data = data

    def fail(self, key: str, message: str):
        raise RulesError(f"{self.path.name}: {key}: {message}")

    def section(self, key: str, known: set[str]) -> dict:
        value = self.get(key)
        if not isinstance(value, dict):
            self.fail(key, "must be a mapping")
        unknown = sorted(set(value) - known)
        if unknown:
            self.fail(key, f"unknown keys {unknown}")
        return value

    def get(self, key: str):
        value = self.data
        for part in key.split("."):
            if not isinstance(value, dict) or part not in value:
                self.fail(key, "missing")
            value = value[part]
        return value

    def integer(self, key: str, minimum: int = 0) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(key, f"must be a whole number of at least {minimum}, got {value!r}")
        return value

    def share(self, key: str, *, positive: bool = False) -> float:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            self.fail(key, f"must be a number from 0 to 1, got {value!r}")
        if positive and value == 0:
            self.fail(key, "must be greater than 0")
        return float(value)


def load_rules(path: Path = RULES_FILE) -> Rules:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{path.name}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesError(f"{path.name}: must be a mapping with version, zombie, similarity and quality")
    r = _Reader(path, data)
    unknown = sorted(set(data) - {"version", "zombie", "similarity", "quality"})
    if unknown:
        r.fail("(top level)", f"unknown keys {unknown}")
    version = r.get("version")
    if not isinstance(version, str | int | float) or not str(version).strip():
        r.fail("version", "must be set")
    r.section("zombie", {"detached", "replaceable", "idle", "unmaintained", "few_users"})
    for name, keys in {
        "detached": {"inactive_months"},
        "replaceable": {"similarity"},
        "idle": {"inactive_months"},
        "unmaintained": {"grace_days"},
        "few_users": {"internal_below", "public_below"},
    }.items():
        r.section(f"zombie.{name}", keys)
    zombie = ZombieRules(
        detached_months=r.integer("zombie.detached.inactive_months", 1),
        replaceable_similarity=r.share("zombie.replaceable.similarity", positive=True),
        idle_months=r.integer("zombie.idle.inactive_months", 1),
        unmaintained_grace_days=r.integer("zombie.unmaintained.grace_days", 0),
        internal_users_below=r.integer("zombie.few_users.internal_below", 1),
        public_users_below=r.integer("zombie.few_users.public_below", 1),
    )
    r.section(
        "similarity",
        {"weights", "vendor_bonus", "min_name", "duplicate_threshold", "max_postings", "generic_words"},
    )
    r.section("similarity.weights", {"name", "purpose", "data"})
    words = r.get("similarity.generic_words")
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        r.fail("similarity.generic_words", "must be a list of non-empty words")
    similarity = SimilarityRules(
        name_weight=r.share("similarity.weights.name", positive=True),
        purpose_weight=r.share("similarity.weights.purpose"),
        data_weight=r.share("similarity.weights.data"),
        vendor_bonus=r.share("similarity.vendor_bonus"),
        min_name=r.share("similarity.min_name", positive=True),
        duplicate_threshold=r.share("similarity.duplicate_threshold", positive=True),
        max_postings=r.integer("similarity.max_postings", 2),
        # Longest first, so "管理系统" goes before "系统" can split it.
        generic_words=tuple(sorted({w.strip() for w in words}, key=len, reverse=True)),
    )
    r.section("quality", {"weights"})
    weights = r.get("quality.weights")
    if not isinstance(weights, dict):
        r.fail("quality.weights", "must be a mapping of check code to weight")
    from inventory.selectors.quality import CHECK_CODES

    missing = sorted(set(CHECK_CODES) - set(weights))
    unknown = sorted(set(weights) - set(CHECK_CODES))
    if missing:
        r.fail("quality.weights", f"no weight for {missing}")
    if unknown:
        r.fail("quality.weights", f"unknown checks {unknown}")
    for code, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            r.fail(f"quality.weights.{code}", f"must be a number greater than 0, got {weight!r}")
    return Rules(
        version=str(version),
        zombie=zombie,
        similarity=similarity,
        quality_weights={code: float(w) for code, w in weights.items()},
    )


@cache
def rules() -> Rules:
    """The validated rules of the shipped file, read once per process."""
    return load_rules()
