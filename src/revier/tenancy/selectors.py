"""Reads of municipalities. Municipalities are the tenants themselves, so no scope is needed."""

from django.db.models import QuerySet

from revier.tenancy.cache import cached
from revier.tenancy.models import Domain, Municipality


def municipality_list(*, active_only: bool = True) -> QuerySet[Municipality]:
    qs = Municipality.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


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
