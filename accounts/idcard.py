"""Resident ID card numbers (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def check_character(first17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    if len(value) != 18 or not value[:17].isdigit():
        raise ValidationError(_("An ID card number has 18 characters: 17 digits and a check digit or X."))
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("The date of birth in this ID card number is not a real date.")) from None
    if check_character(value[:17]) != value[17]:
        raise ValidationError(_("The check digit of this ID card number is wrong."))
