"""The API's default pagination (a module of its own: DRF imports it while loading generics)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page numbers, with a field error (400) for a page that is no positive whole number
    (``?page=0``, ``?page=x``); a page past the end stays 404. Both are documented."""

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings:
            if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
                raise exceptions.ValidationError(
                    {self.page_query_param: [_("Give a page number of 1 or more.")]}
                )
        return super().paginate_queryset(queryset, request, view)
