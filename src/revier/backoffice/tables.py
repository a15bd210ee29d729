"""The back office's data table: sortable columns, one bounded page, a selection for bulk actions.

A list page describes its columns once; ``DataTable`` reads the sort from the query string
(``?sort=received`` ascending, ``?sort=-received`` descending), orders the queryset on the server,
cuts one page (with or without a COUNT) and knows which rows were chosen in a POST. The template
``backoffice/_data_table.html`` draws it: sort links in the header cells (``aria-sort`` on the
sorted one), a checkbox per row when the table has a selection, a sticky header. Everything works
without JavaScript. See ADR 0037.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import F, QuerySet

PAGE_SIZE = 50
MAX_PAGE = 10_000
SORT_PARAM = "sort"


@dataclass(frozen=True)
class Column:
    """One column. ``order_by`` names the fields it sorts by (ascending); empty: not sortable."""

    key: str
    label: Any
    order_by: tuple[str, ...] = ()
    numeric: bool = False

    @property
    def sortable(self) -> bool:
        return bool(self.order_by)


@dataclass
class Header:
    column: Column
    url: str = ""
    # "ascending" / "descending" on the column the table is sorted by (the aria-sort value).
    direction: str = ""

    @property
    def label(self):
        return self.column.label

    @property
    def numeric(self) -> bool:
        return self.column.numeric


class CountlessPage:
    """A page without COUNT(*): one row more than shown tells whether there is a next page.
    On large tables (the case inbox) a count would cost more than the page itself."""

    counted = False

    def __init__(self, queryset, number, per_page: int):
        self.number = _page_number(number)
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        self.object_list = rows[:per_page]
        self._has_next = len(rows) > per_page
        self.start_index_value = start + 1 if self.object_list else 0
        self.end_index_value = start + len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return self.start_index_value

    def end_index(self) -> int:
        return self.end_index_value

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _page_number(raw) -> int:
    try:
        number = int(raw or 1)
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), MAX_PAGE)


def selected_ids(request, name: str = "chosen", *, limit: int = PAGE_SIZE) -> list[int]:
    """The ids of the rows chosen in a POST (digits only, at most ``limit``, no repeats)."""
    if request.method != "POST":
        return []
    ids: list[int] = []
    for value in request.POST.getlist(name):
        value = value.strip()
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
        if len(ids) >= limit:
            break
    return ids


@dataclass
class DataTable:
    """A sorted, paginated, optionally selectable table of ``queryset`` for ``request``."""

    request: Any
    queryset: QuerySet
    columns: Sequence[Column]
    default_sort: str
    caption: Any = ""
    per_page: int = PAGE_SIZE
    count: bool = True
    # Name of the checkbox of each row in a POST; empty: no selection column.
    selection: str = ""
    # Old or friendly values of ?sort= (e.g. "due" -> "due"), mapped before use.
    aliases: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._columns = {c.key: c for c in self.columns}
        self.sort = self._read_sort()
        self.descending = self.sort.startswith("-")
        self.sort_key = self.sort.lstrip("-")
        ordered = self.queryset.order_by(*self._ordering())
        number = self.request.GET.get("page")
        if self.count:
            self.page = Paginator(ordered, self.per_page).get_page(number)
        else:
            self.page = CountlessPage(ordered, number, self.per_page)
        self.chosen = (
            set(selected_ids(self.request, self.selection, limit=self.per_page))
            if self.selection
            else set()
        )
        self.rows = [self._row(item) for item in self.page.object_list]
        self.headers = [self._header(c) for c in self.columns]

    # --- sorting -------------------------------------------------------------------------------

    def _read_sort(self) -> str:
        raw = (self.request.GET.get(SORT_PARAM) or "").strip()
        raw = self.aliases.get(raw, raw)
        column = self._columns.get(raw.lstrip("-"))
        if column is None or not column.sortable:
            return self.default_sort
        return raw

    def _ordering(self) -> list:
        column = self._columns[self.sort_key]
        fields = [*column.order_by, "pk"]
        if self.descending:
            return [F(f).desc(nulls_last=True) for f in fields]
        return [F(f).asc(nulls_last=True) for f in fields]

    def _url(self, **changes) -> str:
        query = self.request.GET.copy()
        query.pop("page", None)
        for key, value in changes.items():
            query[key] = value
        return "?" + query.urlencode()

    def _header(self, column: Column) -> Header:
        if not column.sortable:
            return Header(column)
        if column.key == self.sort_key:
            # A second click on the sorted column turns the order round.
            target = column.key if self.descending else f"-{column.key}"
            direction = "descending" if self.descending else "ascending"
            return Header(column, url=self._url(**{SORT_PARAM: target}), direction=direction)
        return Header(column, url=self._url(**{SORT_PARAM: column.key}))

    # --- rows ----------------------------------------------------------------------------------

    def _row(self, item) -> dict:
        # The view may add its own values per row (a label, a status text) to these.
        return {"item": item, "pk": item.pk, "chosen": item.pk in self.chosen}

    @property
    def selectable(self) -> bool:
        return bool(self.selection)

    @property
    def column_count(self) -> int:
        return len(self.columns) + (1 if self.selection else 0)
