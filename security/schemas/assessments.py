"""Import schemas of assessments and crypto assessments: system code, kind, level, institution, date, score,
conclusion (and, for crypto assessments, the status of items a–h). An empty level takes the system's: its MLPS level,
or for a crypto assessment the crypto level aligned with it (GB/T 39786-2021)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import gate
from core.io import CellError, Column, ForeignKey, Schema, parsers
from inventory.models import System

from .. import choices as c
from .. import crypto
from ..models import Assessment, CryptoAssessment

SYSTEM = _("Code of a system you can see.")


def common_columns(model, level_header) -> list[Column]:
    return [
        ForeignKey("system", _("System code"), "inventory.System", required=True, example="YB-JS-01", help=SYSTEM),
        Column("kind", _("Kind"), default=model._meta.get_field("kind").get_default(), example=_kind_example(model)),
        Column("level", level_header, help=_("Leave empty to take the system's level."), example="3"),
        Column("institution", _("Institution"), example="某某信息安全测评中心"),
        Column("assessed_on", _("Date"), required=True, example="2026-03-18"),
        Column("score", _("Score"), example="86.5"),
        Column("conclusion", _("Conclusion"), required=True, example=_("Basically conforms")),
    ]


def _kind_example(model):
    return _("Assessment (测评)") if model is Assessment else _("Periodic")


assessment_schema = Schema(Assessment, common_columns(Assessment, _("Level")))

cryptoassessment_schema = Schema(
    CryptoAssessment,
    [
        *common_columns(CryptoAssessment, _("Crypto level")),
        *[
            Column(
                f"item_{code}",
                format_lazy(_("Item {code} status"), code=code),
                parser=parsers.choice(c.ItemStatus),
                default="",
                example=_("Compliant") if code in "ade" else _("Not assessed"),
                help=crypto.ITEMS[code],
            )
            for code in crypto.ITEMS
        ],
    ],
)


def complete_rows(result, *, schema: Schema, user) -> None:
    """With one query for the file: each row's system must be one where the user may import this kind of record
    (reported on the row, as import_rows would refuse the whole file), and an empty level takes the system's."""
    model = schema.model
    system_header = str(schema.column("system").header)
    level_header = str(schema.column("level").header)
    ids = {row.get("system_id") for row in result.rows if row.get("system_id")}
    systems = {
        pk: (path, graded or recorded)
        for pk, path, graded, recorded in System.objects.restrict(user, "view")
        .filter(pk__in=ids)
        .values_list("pk", "owner_unit__path", "grading__level", "mlps_level")
    }
    for number, row in zip(result.row_numbers, result.rows, strict=True):
        found = systems.get(row.get("system_id"))
        if found is None:
            continue  # the code's own error is already on the row
        path, level = found
        if not gate.path_allowed(user, model, "import", path):
            message = gettext("You may not import records for this system.")
            result.errors.append(CellError(number, system_header, message))
            continue
        if not row.get("level"):
            row["level"] = crypto.crypto_level(level) if model is CryptoAssessment else level
            if not row["level"]:
                message = gettext("The system has no MLPS level yet: give the level.")
                result.errors.append(CellError(number, level_header, message))
    result.errors.sort(key=lambda error: (error.row == 0, error.row))
