"""Reads of municipalities. Municipalities are the tenants themselves, so no scope is needed.

Lists of municipalities are always bounded: by Land and Kreis (ranges of the AGS, read from its
unique index) or by a search, and paginated by their callers. Nothing reads every municipality
on a request (issue 13: the platform start page once listed all of them).
"""

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Substr

from revier.tenancy.cache import cached
from revier.tenancy.keys import LAENDER
from revier.tenancy.models import Domain, Municipality

# The Länder with municipalities change when a municipality is added: cached briefly.
LAND_COUNTS_KEY = "revier:tenancy:land-counts"
LAND_COUNTS_TIMEOUT = 60
SEARCH_MAX_LENGTH = 100


def municipality_list(*, active_only: bool = True) -> QuerySet[Municipality]:
    qs = Municipality.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("name", "pk")


def _key_range(prefix: str) -> dict:
    """AGS from ``prefix`` (inclusive) to the next prefix of its length: an index range scan."""
    upper = str(int(prefix) + 1).zfill(len(prefix))
    return {"ags__gte": prefix, "ags__lt": upper}


def is_land_key(value: str) -> bool:
    return value in LAENDER


def is_kreis_key(value: str) -> bool:
    return len(value) == 5 and value.isdigit() and value[:2] in LAENDER


def municipality_search(*, q: str = "", land: str = "", kreis: str = "") -> QuerySet[Municipality]:
    """Active municipalities by name, postcode or AGS (``q``), within a Land or Kreis (keys of 2
    and 5 digits, as in the AGS), ordered by name. Callers paginate."""
    qs = municipality_list()
    if land:
        qs = qs.filter(**_key_range(land))
    if kreis:
        qs = qs.filter(**_key_range(kreis))
    q = q.strip()[:SEARCH_MAX_LENGTH]
    if q:
        if q.isdigit():
            qs = qs.filter(Q(ags__startswith=q) | Q(postcode__startswith=q))
        else:
            qs = qs.filter(Q(name__icontains=q) | Q(official_name__icontains=q))
    return qs


def land_counts() -> list[dict]:
    """The Länder that have active municipalities: key, name and number, in the order of the key."""
    counts = cache.get(LAND_COUNTS_KEY)
    if counts is None:
        rows = (
            municipality_list()
            .order_by()
            .annotate(land_key=Substr("ags", 1, 2))
            .values("land_key")
            .annotate(count=Count("pk"))
        )
        counts = {row["land_key"]: row["count"] for row in rows}
        cache.set(LAND_COUNTS_KEY, counts, LAND_COUNTS_TIMEOUT)
    return [
        {"key": key, "name": name, "count": counts[key]}
        for key, name in LAENDER.items()
        if counts.get(key)
    ]


def kreis_counts(*, land: str) -> list[dict]:
    """The Kreise of a Land that have active municipalities (at most about a hundred per Land):
    key (5 digits), name and number, by name."""
    rows = (
        municipality_list()
        .filter(**_key_range(land))
        .order_by()
        .annotate(kreis_key=Substr("ags", 1, 5))
        .values("kreis_key")
        .annotate(kreis_name=Max("kreis"), count=Count("pk"))
    )
    kreise = [
        {"key": row["kreis_key"], "name": row["kreis_name"] or "", "count": row["count"]}
        for row in rows
    ]
    return sorted(kreise, key=lambda k: (k["name"] == "", k["name"], k["key"]))


def kreis_name(kreis: str) -> str:
    """The name of a Kreis as its municipalities give it ('' when none does)."""
    return (
        municipality_list()
        .filter(**_key_range(kreis))
        .exclude(kreis="")
        .values_list("kreis", flat=True)
        .first()
        or ""
    )


def _load_by_slug(slug: str) -> Municipality | None:
    return Municipality.objects.filter(slug=slug, is_active=True).first()


def _load_by_domain(host: str) -> Municipality | None:
    domain = (
        Domain.objects.select_related("municipality")
        .filter(domain=host, municipality__is_active=True)
        .first()
    )
    return domain.municipality if domain else None


def municipality_by_slug(slug: str) -> Municipality | None:
    """The active municipality with this slug (cached per process, see tenancy.cache)."""
    return cached("slug", slug, _load_by_slug)


def municipality_by_domain(host: str) -> Municipality | None:
    """The active municipality served under this custom host name."""
    return cached("domain", host.lower(), _load_by_domain)
