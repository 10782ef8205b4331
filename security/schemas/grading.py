"""Import schema of MLPS gradings: the system by its code and the two harms (GB/T 22240-2020). Imported gradings
are drafts; their levels are computed on commit from the table and the government's setting, never read."""

from django.utils.translation import gettext_lazy as _

from core.io import Column, ForeignKey, Schema, parsers

from ..choices import HarmDegree, HarmObject
from ..models import Grading

OBJECTS = parsers.choice(HarmObject).hint
DEGREES = parsers.choice(HarmDegree).hint

grading_schema = Schema(
    Grading,
    [
        ForeignKey(
            "system",
            _("System code"),
            "inventory.System",
            required=True,
            unique=True,
            example="YB-JS-01",
            help=_("Code of a system in your units that has no grading yet."),
        ),
        Column(
            "business_object",
            _("Business information: object harmed"),
            parser=parsers.choice(HarmObject),
            required=True,
            example=HarmObject.SOCIETY.label,
            help=OBJECTS,
        ),
        Column(
            "business_degree",
            _("Business information: degree of harm"),
            parser=parsers.choice(HarmDegree),
            required=True,
            example=HarmDegree.SERIOUS.label,
            help=DEGREES,
        ),
        Column(
            "service_object",
            _("System service: object harmed"),
            parser=parsers.choice(HarmObject),
            required=True,
            example=HarmObject.CITIZEN.label,
            help=OBJECTS,
        ),
        Column(
            "service_degree",
            _("System service: degree of harm"),
            parser=parsers.choice(HarmDegree),
            required=True,
            example=HarmDegree.GENERAL.label,
            help=DEGREES,
        ),
        Column(
            "rationale",
            _("Rationale"),
            parser=parsers.text(5000),
            required=True,
            example="系统存储全县参保人员个人信息，遭破坏将严重影响医保结算秩序。",
        ),
    ],
)
