from django.utils.translation import gettext_lazy as _

from core.tables import Column, Table


class SecurityPolicyTable(Table):
    default_sort = "unit__path"
    columns = [
        Column("unit", _("Government"), accessor="unit.name", sort="unit__path", link=True),
        Column("citizen_especially_serious_level", _("Citizens × especially serious")),
        Column("filing_deadline_days", _("Filing deadline (days)")),
        Column("filing_deadline_kind", _("Counted in")),
        Column("level2_assessment_months", _("Level 2 assessment cycle (months)")),
        Column("due_soon_days", _("“Due soon” window (days)")),
    ]
