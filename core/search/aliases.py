"""Abbreviations and other names of units and terms, as data (``core/data/search_aliases.yaml``).

A group is a set of equal names (人社局, 人力资源和社会保障局). A query that holds a member also looks for every other
member of its group (``core.search.terms``): the expansion happens when the query is read, so the index keeps the
text as written and a new alias works at once, without a rebuild. The file is read once per process and checked
whole: every problem is listed in one error at start-up rather than a search quietly ignoring a group.

A deployment adds its own local names with ``GOVCIO_SEARCH_ALIASES_FILE`` (a file of the same shape, read after the
built-in one).
"""

import re
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings

from .text import normalise

ALIASES_FILE = Path(__file__).resolve().parent.parent / "data" / "search_aliases.yaml"
MAX_MEMBER = 64  # characters: a unit's full name fits, a paragraph does not
MAX_GROUPS = 5000


class AliasDataError(ValueError):
    """The aliases file is malformed; the message lists every problem."""


def parse(text: str, source: str = "aliases") -> list[tuple[str, ...]]:
    """The groups of a YAML text, each member normalised (simplified, lower case); AliasDataError lists every
    problem: not a list, a group of fewer than two names, an empty or overlong name, a name in two groups."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AliasDataError(f"{source}: not valid YAML ({exc.__class__.__name__})") from exc
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise AliasDataError(f"{source}: expected a mapping with a list under 'groups'")
    if len(groups) > MAX_GROUPS:
        raise AliasDataError(f"{source}: {len(groups)} groups, at most {MAX_GROUPS}")
    problems: list[str] = []
    seen: dict[str, int] = {}
    result = []
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, list) or len(group) < 2:
            problems.append(f"group {number}: a list of at least two names")
            continue
        members = []
        for member in group:
            name = normalise(str(member)).strip() if isinstance(member, str | int) else ""
            if not name or len(name) > MAX_MEMBER or not re.search(r"[^\W_]", name):
                problems.append(f"group {number}: {member!r} is not a name of 1 to {MAX_MEMBER} characters")
            elif name in seen and seen[name] != number:
                problems.append(f"group {number}: {member!r} is already in group {seen[name]}")
            elif name not in members:
                seen[name] = number
                members.append(name)
        result.append(tuple(members))
    if problems:
        raise AliasDataError(f"{source}: " + "; ".join(problems))
    return [group for group in result if len(group) > 1]


def load(paths: list[Path]) -> list[tuple[str, ...]]:
    groups = []
    for path in paths:
        groups += parse(Path(path).read_text(encoding="utf-8"), str(path))
    members = [member for group in groups for member in group]
    duplicates = sorted({member for member in members if members.count(member) > 1})
    if duplicates:
        raise AliasDataError(f"names in more than one group: {', '.join(duplicates)}")
    return groups


class Aliases:
    """The groups, and one pattern that finds any member in a normalised query, longest first."""

    def __init__(self, groups: list[tuple[str, ...]]) -> None:
        self.group_of = {member: group for group in groups for member in group}
        members = sorted(self.group_of, key=len, reverse=True)
        # An ASCII member only as a whole word ("ca" is not in "cat"); Chinese has no spaces to wait for.
        parts = [rf"(?<![a-z0-9]){re.escape(m)}(?![a-z0-9])" if m.isascii() else re.escape(m) for m in members]
        self.pattern = re.compile("|".join(parts)) if parts else None

    def split(self, text: str) -> list[tuple[str, tuple[str, ...] | None]]:
        """``text`` as pieces in order: (a member, its group) or (text between members, None)."""
        if self.pattern is None:
            return [(text, None)]
        pieces: list[tuple[str, tuple[str, ...] | None]] = []
        last = 0
        for found in self.pattern.finditer(text):
            if found.start() > last:
                pieces.append((text[last : found.start()], None))
            pieces.append((found.group(), self.group_of[found.group()]))
            last = found.end()
        if last < len(text):
            pieces.append((text[last:], None))
        return pieces


@lru_cache(maxsize=1)
def aliases() -> Aliases:
    paths = [ALIASES_FILE]
    extra = getattr(settings, "GOVCIO_SEARCH_ALIASES_FILE", "")
    if extra:
        paths.append(Path(extra))
    return Aliases(load(paths))
