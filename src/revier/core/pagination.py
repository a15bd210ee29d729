"""The API's default pagination (a module of its own: DRF imports it while loading generics)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's page numbers, with a field error (400) for a page that is no positive whole number
    (``?page=0``, ``?page=x``); a page past the end stays 404. Both are documented."""

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw and raw not in self.last_page_strings and not _page_number(raw):
            raise exceptions.ValidationError(
                {self.page_query_param: [_("Give a page number of 1 or more.")]}
            )
        return super().paginate_queryset(queryset, request, view)


def _page_number(raw: str) -> bool:
    """A whole number from 1 to 999,999,999 (more pages than that exist nowhere)."""
    return raw.isascii() and raw.isdigit() and len(raw) < 10 and int(raw) > 0
