import functools
import string
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassValidator:
    """At least ``min_classes`` of: lower-case, upper-case, digits, symbols (GB/T 22239-2019 8.1.4.1)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        groups = [string.ascii_lowercase, string.ascii_uppercase, string.digits]
        count = sum(any(c in group for c in password) for group in groups)
        count += any(not c.isalnum() for c in password)
        return count

    def validate(self, password, user=None):
        if self.classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(n)d kind of character: lower-case, upper-case, digits, symbols.",
            "Your password must mix at least %(n)d kinds of characters: lower-case, upper-case, digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}


class NotUsernameValidator:
    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(_("Your password must not contain your username."), code="password_has_username")

    def get_help_text(self):
        return _("Your password must not contain your username.")


PATTERNS_FILE = Path(__file__).parent / "data" / "common_patterns.yaml"
# A shifted digit key stands for its digit in a keyboard walk (!QAZ@WSX is 1qaz2wsx typed with shift).
UNSHIFT = str.maketrans("!@#$%^&*()_+", "1234567890-=")
MIN_WALK = 4
MAX_CHECKED = 256  # a longer password is long enough


@dataclass(frozen=True)
class _Patterns:
    stems: frozenset[str]
    surnames: frozenset[str]
    given: frozenset[str]
    walks: tuple[str, ...]
    substitutions: dict[str, str]


@functools.cache
def load_patterns(path: Path = PATTERNS_FILE) -> _Patterns:
    """Read and check the lists (reference data, the same for every process)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    words = {}
    for key in ("stems", "surnames", "given", "walks"):
        values = [str(v) for v in data.get(key) or []]
        bad = [v for v in values if not v or v != v.lower() or not v.isascii() or not v.isalnum()]
        if not values or bad:
            raise ValueError(f"{path.name}: {key} must be a list of lower-case ASCII letters and digits: {bad}")
        words[key] = values
    substitutions = {str(k): str(v) for k, v in (data.get("substitutions") or {}).items()}
    return _Patterns(
        stems=frozenset(words["stems"]),
        surnames=frozenset(words["surnames"]),
        given=frozenset(words["given"]),
        walks=tuple(words["walks"]) + tuple(w[::-1] for w in words["walks"]),
        substitutions=substitutions,
    )


class CommonPatternValidator:
    """Refuse a password built only from common pieces: pinyin names, words such as admin or password (also as
    P@ssw0rd), keyboard walks (qwerty, 1qaz2wsx), with digits (years, birthdays) and symbols around them.

    Django's CommonPasswordValidator knows whole passwords; this knows how Chinese users build them, so
    Zhangwei@1990 or Admin@12345 fail although neither is on its list. The pieces are data
    (accounts/data/common_patterns.yaml). The check is a cover of the password, left to right, by pieces: digits,
    ASCII symbols and spaces cover themselves; a password with letters that pieces cover entirely is refused.
    """

    def __init__(self, path: str | None = None):
        patterns = load_patterns(Path(path) if path else PATTERNS_FILE)
        self.stems, self.surnames, self.given = patterns.stems, patterns.surnames, patterns.given
        self.walks = patterns.walks
        self.substitutions = patterns.substitutions
        self._words = self.stems | self.surnames | self.given
        self._walk_parts = {
            walk[i:j] for walk in self.walks for i in range(len(walk)) for j in range(i + MIN_WALK, len(walk) + 1)
        }
        self._longest_walk = max(len(w) for w in self.walks)

    def _matches(self, text: str, at: int, word: str) -> bool:
        if at + len(word) > len(text):
            return False
        for offset, letter in enumerate(word):
            char = text[at + offset]
            if char != letter and letter not in self.substitutions.get(char, ""):
                return False
        return True

    def _steps(self, text: str, keys: str, at: int):
        """The ends of every piece that starts at ``at``."""
        char = text[at]
        if char.isdigit() or (char.isascii() and not char.isalnum()):
            yield at + 1  # filler: digits, ASCII symbols, spaces
        for word in self._words:
            if self._matches(text, at, word):
                yield at + len(word)
        for end in range(at + MIN_WALK, min(len(text), at + self._longest_walk) + 1):
            if keys[at:end] in self._walk_parts:
                yield end

    def is_common(self, password: str) -> bool:
        text = password.lower()[:MAX_CHECKED]
        if not any("a" <= c <= "z" for c in text):
            return False  # digits and symbols alone are the other validators' business
        keys = text.translate(UNSHIFT)
        reachable = [False] * (len(text) + 1)
        reachable[0] = True
        for at in range(len(text)):
            if reachable[at]:
                for end in self._steps(text, keys, at):
                    reachable[end] = True
        return reachable[len(text)]

    def validate(self, password, user=None):
        if self.is_common(password):
            raise ValidationError(
                _(
                    "Your password is made only of common pieces (a name, a word such as admin or password, a "
                    "keyboard row, a year or other digits). Add something nobody would guess."
                ),
                code="password_common_pattern",
            )

    def get_help_text(self):
        return _("Your password must not be made only of names, common words, keyboard rows and years.")
