from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    """Cursor (keyset) pagination: page 200 costs what page 1 costs. Viewsets set ``cursor_ordering``."""

    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 1000
    ordering = "pk"

    def get_ordering(self, request, queryset, view):
        return (getattr(view, "cursor_ordering", None) or self.ordering,)
