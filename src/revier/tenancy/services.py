"""Writes of municipalities and their domains. Every write validates fully and is atomic."""

from django.db import transaction

from revier.tenancy.models import Domain, Municipality

MUNICIPALITY_FIELDS = {
    "official_name",
    "kreis",
    "is_active",
    "primary_colour",
    "street",
    "postcode",
    "city",
    "phone",
    "email",
    "website",
    "represented_by",
    "legal_form",
    "vat_id",
    "supervisory_authority",
    "data_protection_officer",
    "data_protection_email",
    "accessibility_email",
    "enabled_modules",
}


@transaction.atomic
def municipality_create(
    *, slug: str, name: str, ags: str, ars: str, domains: list[str] | None = None, **fields
) -> Municipality:
    unknown = set(fields) - MUNICIPALITY_FIELDS
    if unknown:
        raise TypeError(f"Unknown municipality fields: {sorted(unknown)}")
    municipality = Municipality(slug=slug, name=name, ags=ags, ars=ars, **fields)
    municipality.full_clean()
    municipality.save()
    for index, host in enumerate(domains or []):
        domain_add(municipality=municipality, domain=host, is_primary=index == 0)
    return municipality


@transaction.atomic
def municipality_update(*, municipality: Municipality, **fields) -> Municipality:
    unknown = set(fields) - MUNICIPALITY_FIELDS - {"name"}
    if unknown:
        raise TypeError(f"Unknown municipality fields: {sorted(unknown)}")
    for key, value in fields.items():
        setattr(municipality, key, value)
    municipality.full_clean()
    municipality.save()
    return municipality


@transaction.atomic
def municipality_set_modules(*, municipality: Municipality, modules: list[str]) -> Municipality:
    return municipality_update(municipality=municipality, enabled_modules=sorted(set(modules)))


@transaction.atomic
def domain_add(*, municipality: Municipality, domain: str, is_primary: bool = False) -> Domain:
    if is_primary:
        municipality.domains.filter(is_primary=True).update(is_primary=False)
    obj = Domain(municipality=municipality, domain=domain.strip().lower(), is_primary=is_primary)
    obj.full_clean()
    obj.save()
    return obj
