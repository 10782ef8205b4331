"""Import and export schema for users: the template, validation and columns come from this one definition."""

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.io import Column, ForeignKey, Schema, parsers

user_schema = Schema(
    User,
    [
        Column(
            "username",
            _("Username"),
            parser=parsers.regex(r"^[A-Za-z0-9_.@-]{3,150}$", _("Use 3-150 letters, digits or _ . @ -.")),
            required=True,
            unique=True,
            example="zhangwei",
        ),
        Column("full_name", _("Full name"), parser=parsers.text(50), required=True, example="张伟"),
        ForeignKey(
            "unit",
            _("Unit code"),
            "core.Unit",
            required=True,
            example="330122-CZJ",
            help=_("Code of a unit you manage."),
        ),
        Column("title", _("Position"), parser=parsers.text(50), example="科员"),
        Column(
            "email",
            _("Email"),
            parser=parsers.regex(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", _("Not an email address.")),
            example="zhangwei@example.gov.cn",
        ),
    ],
)
