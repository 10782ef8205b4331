"""Import schema of findings (our own template, Chinese headers once translated): system code, source, title,
severity, asset, reference, found on, owner's user name, description. The deadline is not a column: each row's
follows its severity by the policy of the system's government. A scanner's own export goes through the scanner
import instead (security.scanner), which maps its columns."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import gate
from core.io import CellError, Column, ForeignKey, Schema, parsers
from core.io.parsers import fold

from .. import choices as c
from ..models import Finding
from ..scanner import DEFAULT_WORDS, SKIP


def severity() -> parsers.Parser:
    """Our severities by code or name, and the usual Chinese words (高危, 中危, 低危, 紧急…; security.scanner)."""
    choice = parsers.choice(c.Severity)
    words = {fold(word): level for word, level in DEFAULT_WORDS.items() if level != SKIP}

    def parse(value: str) -> str:
        try:
            return choice(value)
        except ValueError:
            if fold(value) in words:
                return words[fold(value)]
            raise

    parse.empty, parse.hint, parse.labels = None, choice.hint, choice.labels  # type: ignore[attr-defined]
    return parse


finding_schema = Schema(
    Finding,
    [
        ForeignKey(
            "system",
            _("System code"),
            "inventory.System",
            required=True,
            example="YB-JS-01",
            help=_("Code of a system you can see."),
        ),
        Column("source", _("Source"), required=True, example=c.FindingSource.ASSESSMENT.label),
        Column("title", _("Title"), parser=parsers.text(200), required=True, example="数据库未启用登录失败处理功能"),
        Column("severity", _("Severity"), parser=severity(), required=True, example=c.Severity.HIGH.label),
        Column("asset", _("Asset"), example="10.32.8.21（数据库服务器）"),
        Column("reference", _("Reference"), example="GB/T 22239-2019 8.1.4.1 a)", help=_("A CVE, rule or clause.")),
        Column("found_on", _("Found on"), required=True, example="2026-03-18"),
        ForeignKey(
            "owner",
            _("Owner (user name)"),
            "accounts.User",
            to_field="username",
            example="wang_fang",
            help=_("The user name of an account you can see."),
        ),
        Column("description", _("Description"), example="等级测评发现数据库未配置登录失败锁定策略"),
    ],
)


def check_systems(result, *, user) -> None:
    """Each row's system must be one where the user may import findings (reported on the row, as import_rows would
    refuse the whole file): one query for the file."""
    from inventory.models import System

    header = str(finding_schema.column("system").header)
    ids = {row.get("system_id") for row in result.rows if row.get("system_id")}
    paths = dict(System.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", "owner_unit__path"))
    for number, row in zip(result.row_numbers, result.rows, strict=True):
        system = row.get("system_id")
        if system and not gate.path_allowed(user, Finding, "import", paths.get(system, "")):
            result.errors.append(CellError(number, header, gettext("You may not import findings for this system.")))
    result.errors.sort(key=lambda error: (error.row == 0, error.row))
