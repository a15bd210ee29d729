"""Reads of municipalities. Municipalities are the tenants themselves, so no scope is needed."""

from django.db.models import QuerySet

from revier.tenancy.models import Domain, Municipality


def municipality_list(*, active_only: bool = True) -> QuerySet[Municipality]:
    qs = Municipality.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def municipality_by_slug(slug: str) -> Municipality | None:
    return Municipality.objects.filter(slug=slug, is_active=True).first()


def municipality_by_domain(host: str) -> Municipality | None:
    domain = (
        Domain.objects.select_related("municipality")
        .filter(domain=host.lower(), municipality__is_active=True)
        .first()
    )
    return domain.municipality if domain else None
