"""Writes of municipalities and their domains. Every write validates fully and is atomic.

``actor`` is the staff member making a change from the back office; their changes are written
to the audit log. Platform code (demo, commands, operator admin) passes no actor.
"""

import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from revier.core.audit import AuditContext, audit_log
from revier.tenancy import cache as tenancy_cache
from revier.tenancy.models import Domain, Municipality

LOGO_MAX_BYTES = 1024 * 1024
# Types are recognised by their first bytes, never by the name or the browser's claim: the
# stored file gets the extension of what it really is, so it cannot be served as HTML or SVG.
_LOGO_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)

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
    tenancy_cache.invalidate(municipality)
    for index, host in enumerate(domains or []):
        domain_add(municipality=municipality, domain=host, is_primary=index == 0)
    return municipality


@transaction.atomic
def municipality_update(
    *, municipality: Municipality, actor=None, context: AuditContext | None = None, **fields
) -> Municipality:
    unknown = set(fields) - MUNICIPALITY_FIELDS - {"name"}
    if unknown:
        raise TypeError(f"Unknown municipality fields: {sorted(unknown)}")
    changed = sorted(k for k, v in fields.items() if getattr(municipality, k) != v)
    for key, value in fields.items():
        setattr(municipality, key, value)
    try:
        municipality.full_clean()
    except ValidationError:
        # Leave the caller's object as it is in the database: nothing was changed.
        municipality.refresh_from_db()
        raise
    municipality.save()
    tenancy_cache.invalidate(municipality)
    if actor is not None and changed:
        audit_log(
            municipality=municipality,
            actor=actor,
            action="change",
            obj=municipality,
            event="tenancy.settings_changed",
            params={"fields": ", ".join(changed)},
            context=context,
        )
    return municipality


@transaction.atomic
def municipality_set_modules(*, municipality: Municipality, modules: list[str]) -> Municipality:
    return municipality_update(municipality=municipality, enabled_modules=sorted(set(modules)))


def _domain_taken() -> ValidationError:
    return ValidationError(
        {"domain": _("This domain is already in use on this platform. Choose another one.")},
        code="domain_taken",
    )


@transaction.atomic
def domain_add(
    *,
    municipality: Municipality,
    domain: str,
    is_primary: bool = False,
    actor=None,
    context: AuditContext | None = None,
) -> Domain:
    host = domain.strip().lower().rstrip(".")
    if Domain.objects.filter(domain=host).exists():
        raise _domain_taken()
    if is_primary:
        municipality.domains.filter(is_primary=True).update(is_primary=False)
    obj = Domain(municipality=municipality, domain=host, is_primary=is_primary)
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        # Another request added the same host in the meantime.
        raise _domain_taken() from None
    tenancy_cache.invalidate(municipality)
    if actor is not None:
        audit_log(
            municipality=municipality,
            actor=actor,
            action="create",
            obj=obj,
            event="tenancy.domain_added",
            params={"host": host},
            context=context,
        )
    return obj


@transaction.atomic
def domain_remove(
    *, municipality: Municipality, domain: Domain, actor=None, context: AuditContext | None = None
) -> None:
    if domain.municipality_id != municipality.pk:
        raise ValidationError(_("This domain belongs to another municipality."))
    host = domain.domain
    domain.delete()
    tenancy_cache.invalidate(municipality)
    if actor is not None:
        audit_log(
            municipality=municipality,
            actor=actor,
            action="delete",
            object_type=Domain._meta.label,
            object_repr=host,
            event="tenancy.domain_removed",
            params={"host": host},
            context=context,
        )


def validate_logo(upload) -> str:
    """Check an uploaded logo; returns its real type's file extension."""
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)d KB; at most 1024 KB are allowed."),
            params={"size": upload.size // 1024},
            code="logo_too_large",
        )
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    for signature, extension in _LOGO_SIGNATURES:
        if head.startswith(signature):
            return extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    raise ValidationError(_("The logo must be a PNG, JPEG or WebP image."), code="logo_type")


@transaction.atomic
def municipality_set_logo(
    *, municipality: Municipality, logo, actor=None, context: AuditContext | None = None
) -> Municipality:
    """Replace the logo with ``logo`` (an uploaded file), or remove it when ``logo`` is None."""
    old = municipality.logo.name if municipality.logo else ""
    if logo is None:
        municipality.logo = ""
    else:
        extension = validate_logo(logo)
        # A fresh name per upload, so that caches never show an old logo.
        name = f"{municipality.slug}-{secrets.token_hex(4)}.{extension}"
        municipality.logo.save(name, File(logo), save=False)
    municipality.save(update_fields=["logo", "updated_at"])
    tenancy_cache.invalidate(municipality)
    if old:
        storage = municipality.logo.storage
        transaction.on_commit(lambda: storage.delete(old))
    if actor is not None:
        audit_log(
            municipality=municipality,
            actor=actor,
            action="change",
            obj=municipality,
            event="tenancy.logo_removed" if logo is None else "tenancy.logo_changed",
            context=context,
        )
    return municipality
