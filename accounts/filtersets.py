"""Filters of the list of users."""

from core.filtersets import GovFilterSet

from .models import User


class UserFilterSet(GovFilterSet):
    search_fields = ("username", "full_name", "title")

    class Meta:
        model = User
        fields = ["q", "unit", "is_active"]
