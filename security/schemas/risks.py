"""Import schema of the risk register. Systems and data resources are written as lists of codes (separated by 、 or
commas, like the inventory's) and resolved with one restricted query per file (``core.io.checks.resolve_codes``);
the owner is a user name, resolved within the importer's scope like any foreign key."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.io import MANAGED_UNIT, Column, ForeignKey, Schema, field_column, parsers

from .. import choices as c
from ..models import Risk

ONE_TO_FIVE = _("A whole number from 1 to 5.")


def codes_of(field: str):
    def export(risk) -> str:
        return "、".join(related.code for related in getattr(risk, field).all())

    return export


risk_schema = Schema(
    Risk,
    [
        Column("title", _("Risk title"), parser=parsers.text(200), required=True, example="政务外网边界防护策略老化"),
        ForeignKey("unit", _("Department code"), "core.Unit", required=True, example="330122-DSJ", help=MANAGED_UNIT),
        field_column(Risk, "description", _("Description"), example="边界防火墙策略三年未梳理，存在过宽放通规则"),
        *[
            Column(name, header, parser=parsers.integer(min=1, max=5), required=True, example=example, help=ONE_TO_FIVE)
            for name, header, example in (
                ("likelihood", _("Likelihood"), 3),
                ("impact", pgettext_lazy("risk", "Impact"), 4),
            )
        ],
        Column(
            "systems",
            _("Information system codes"),
            parser=parsers.code_list(),
            export=codes_of("systems"),
            example="YB-JS-01、SJ-GX-01",
            help=_("Codes of systems you can see, separated by 、 or commas."),
        ),
        Column(
            "data_resources",
            _("Data resource codes"),
            parser=parsers.code_list(),
            export=codes_of("data_resources"),
            example="301001/000001",
            help=_("Codes of data resources you can see, separated by 、 or commas."),
        ),
        field_column(Risk, "treatment", _("Treatment"), example=c.Treatment.REDUCE.label),
        field_column(Risk, "treatment_plan", _("Treatment plan"), example="年内完成策略梳理并启用最小化放通"),
        ForeignKey(
            "owner",
            _("Owner (user name)"),
            "accounts.User",
            to_field="username",
            example="zhang_wei",
            help=_("The user name of an account you can see."),
        ),
        field_column(Risk, "due_date", _("Due date"), example="2026-12-31"),
        field_column(Risk, "status", _("Status"), example=c.RiskStatus.OPEN.label),
    ],
)
