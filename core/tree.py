"""Materialised paths for the organisation tree.

A unit's path is its ancestors' 4-character base-36 segments followed by its own ("0001000A0003"). "Everything
under P" is the half-open range ``P <= path < succ(P)``: a plain B-tree index serves it on SQLite and PostgreSQL, and
because paths hold only digits and upper-case letters the order is the same under every collation.
"""

from django.db.models import Q

STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_CHILDREN = len(ALPHABET) ** STEPLEN


def segment(number: int) -> str:
    """The fixed-width base-36 segment for the ``number``-th child (1-based)."""
    if not 0 < number < MAX_CHILDREN:
        raise ValueError(f"child number out of range: {number}")
    digits = []
    for _ in range(STEPLEN):
        number, rest = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


def segment_number(seg: str) -> int:
    value = 0
    for char in seg:
        value = value * len(ALPHABET) + ALPHABET.index(char)
    return value


def succ(path: str) -> str | None:
    """The smallest string greater than every string that starts with ``path``; None if there is none."""
    chars = list(path)
    for i in range(len(chars) - 1, -1, -1):
        pos = ALPHABET.index(chars[i])
        if pos + 1 < len(ALPHABET):
            chars[i] = ALPHABET[pos + 1]
            return "".join(chars[: i + 1])
        # carry: drop this character and increment the one before it
    return None


def subtree_q(field: str, path: str, include_descendants: bool = True) -> Q:
    """Q matching ``field`` equal to ``path`` or, with descendants, anywhere in its subtree."""
    if not include_descendants:
        return Q(**{field: path})
    upper = succ(path)
    q = Q(**{f"{field}__gte": path})
    if upper is not None:
        q &= Q(**{f"{field}__lt": upper})
    return q


def parent_path(path: str) -> str:
    return path[:-STEPLEN]


def ancestor_paths(path: str) -> list[str]:
    """Paths of every ancestor, root first, excluding ``path`` itself."""
    return [path[:i] for i in range(STEPLEN, len(path), STEPLEN)]
