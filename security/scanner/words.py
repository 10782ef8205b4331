"""Severity words: what the scanners write (OpenVAS/GVM, Nessus, the Chinese scanners, in English and in Chinese)
and which of our severities each means, or that the row is skipped — informational, a log entry, a false positive
(not problems to rectify), counted by reason."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.io import parsers
from core.io.parsers import fold

from ..choices import Severity

SKIP = "skip"

# Why a row is skipped: the reasons the preview and the command line count.
INFO, LOG, FALSE_POSITIVE, REPEATED = "info", "log", "false_positive", "repeated"
REASONS = {
    INFO: _("informational"),
    LOG: _("log entries"),
    FALSE_POSITIVE: _("false positives"),
    REPEATED: _("repeated rows (identical to an earlier row of the file)"),
}

# The usual words of Chinese and international scanners (GB/T 30279-2020 grades: 超危/高危/中危/低危).
DEFAULT_WORDS = {
    "紧急": Severity.CRITICAL,
    "严重": Severity.CRITICAL,
    "超危": Severity.CRITICAL,
    "高危": Severity.HIGH,
    "高": Severity.HIGH,
    "中危": Severity.MEDIUM,
    "中": Severity.MEDIUM,
    "低危": Severity.LOW,
    "低": Severity.LOW,
    "信息": SKIP,
    "提示": SKIP,
    "日志": SKIP,
    "无": SKIP,
    "误报": SKIP,
    "Critical": Severity.CRITICAL,
    "High": Severity.HIGH,
    "Medium": Severity.MEDIUM,
    "Low": Severity.LOW,
    "Info": SKIP,
    "Log": SKIP,
    "None": SKIP,
    "False Positive": SKIP,
}
# A skipped word's reason (folded); any other skipped word is informational.
SKIP_REASONS = {
    fold(word): reason
    for reason, words in {
        LOG: ("Log", "日志", "Debug"),
        FALSE_POSITIVE: ("False Positive", "误报", "False-Positive", "FP"),
    }.items()
    for word in words
}
# The known formats need no mapping: their words are these, whatever a saved mapping says.
KNOWN_WORDS = {fold(word): level for word, level in DEFAULT_WORDS.items()} | {
    fold("Informational"): SKIP,
    fold("Information"): SKIP,
    fold("信息性"): SKIP,
}


def skip_reason(word: str) -> str:
    return SKIP_REASONS.get(fold(word), INFO)


def level_parser():
    return parsers.choice([*Severity.choices, (SKIP, _("skip"))])


def words_text(words: dict) -> str:
    return "\n".join(f"{word} = {level}" for word, level in words.items())


def parse_words(text: str) -> dict[str, str]:
    """``高危 = high`` per line (our severity as its code or its name, or ``skip``); ValidationError naming the line."""
    words, problems, level = {}, [], level_parser()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        word, sep, target = line.replace("＝", "=").rpartition("=")
        word, target = word.strip(), target.strip()
        if not sep or not word or not target:
            problems.append(gettext("Line {n}: write the scanner's word, “=” and our severity.").format(n=number))
            continue
        try:
            words[word] = level(target)
        except ValueError as exc:
            problems.append(gettext("Line {n}: {error}").format(n=number, error=exc))
    if problems:
        raise ValidationError(problems)
    if not words:
        raise ValidationError(gettext("Map at least one severity word."))
    return words
