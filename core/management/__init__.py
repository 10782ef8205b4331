"""What govcio's commands share: the account a command acts as."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def add_user_argument(parser, what: str = "the command") -> None:
    """``--user NAME`` (default ``$GOVCIO_USER``): the account ``what`` is made as — its permissions and scope apply
    and the audit names it, as on the pages."""
    parser.add_argument(
        "--user",
        default=os.environ.get("GOVCIO_USER", ""),
        help=f"The account {what} is made as: its permissions and scope apply, the audit names it "
        "(default: $GOVCIO_USER).",
    )


def acting_user(username: str):
    """The active account named by ``--user``; a command error naming what is missing otherwise."""
    actor = get_user_model().objects.filter(username=username, is_active=True).first() if username else None
    if actor is None:
        raise CommandError(f"no active user {username}" if username else "give --user: the account the command acts as")
    return actor
