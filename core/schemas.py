"""Import and export schemas of the organisation app: one definition gives the template, the validation and the
column list."""

from django.utils.translation import gettext_lazy as _

from core.choices import UnitKind
from core.io import Column, Schema, parsers
from core.models import Unit

unit_schema = Schema(
    Unit,
    [
        Column(
            "kind",
            _("Kind"),
            parser=parsers.choice(UnitKind.choices),
            required=True,
            example="部门",
            help=_("Province, city, county / district, township / street, department or subordinate unit."),
        ),
        Column("name", _("Name"), parser=parsers.text(100), required=True, example="示例县数据资源局"),
        Column("short_name", _("Short name"), parser=parsers.text(50), example="数据局"),
        Column(
            "code",
            _("Code"),
            parser=parsers.regex(r"^[0-9A-Za-z-]{2,32}$", _("Use 2-32 letters, digits or -.")),
            required=True,
            unique=True,
            example="330122-DATA",
            help=_("GB/T 2260 division code for regions (6 digits, townships 9); an assigned code for departments."),
        ),
        Column(
            "credit_code",
            _("Unified social credit code"),
            parser=parsers.regex(
                r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
                _("A unified social credit code has 18 characters (GB 32100)."),
            ),
            example="11330122MB1234567X",
        ),
        Column(
            "parent_code",
            _("Parent code"),
            parser=parsers.text(32),
            required=True,
            export=lambda unit: unit.parent.code if unit.parent_id else "",
            example="330122",
            help=_("Code of the parent unit: an existing unit you manage, or a unit earlier in this file."),
        ),
    ],
)
