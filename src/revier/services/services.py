import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from revier.core.pagecache import public_content_changed
from revier.services import search
from revier.services.models import (
    Addressee,
    LifeSituation,
    LocalService,
    Office,
    Service,
    Themenfeld,
    validate_leika,
)

# Fields a catalogue record may carry, besides "leika" and the life situations.
TEXT_FIELDS = (
    "name",
    "short_text",
    "full_text",
    "requirements",
    "documents",
    "fees",
    "deadlines",
    "processing_time",
    "legal_basis",
)


@dataclass
class Record:
    """One service as an importer read it, with where it came from (for the report)."""

    location: str
    data: dict


@dataclass
class Refusal:
    location: str
    leika: str
    reason: str


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def _clean_record(data: dict) -> dict:
    """Validate and normalise one record; raises ValidationError with a readable message."""
    if "_error" in data:
        raise ValidationError(_("The entry is not an object."))
    leika = str(data.get("leika", "")).strip()
    validate_leika(leika)
    clean = {"leika": leika}
    for name in TEXT_FIELDS:
        value = data.get(name) or ""
        if not isinstance(value, str):
            raise ValidationError(_("%(field)s must be text.") % {"field": name})
        clean[name] = value.strip()
    if not clean["name"]:
        raise ValidationError(_("The service has no name."))
    if len(clean["name"]) > 300:
        raise ValidationError(_("The name is longer than 300 characters."))
    days = data.get("processing_days")
    if days in (None, ""):
        clean["processing_days"] = None
    else:
        try:
            clean["processing_days"] = int(days)
        except (TypeError, ValueError):
            raise ValidationError(_("processing_days must be a whole number of days.")) from None
        if clean["processing_days"] < 0:
            raise ValidationError(_("processing_days must not be negative."))
    themenfeld = (data.get("themenfeld") or "").strip()
    if themenfeld and themenfeld not in Themenfeld.values:
        raise ValidationError(
            _("Unknown Themenfeld %(value)s; expected one of %(choices)s.")
            % {"value": repr(themenfeld), "choices": ", ".join(Themenfeld.values)}
        )
    clean["themenfeld"] = themenfeld
    addressee = (data.get("addressee") or Addressee.CITIZENS).strip()
    if addressee not in Addressee.values:
        raise ValidationError(
            _("Unknown addressee %(value)s; expected one of %(choices)s.")
            % {"value": repr(addressee), "choices": ", ".join(Addressee.values)}
        )
    clean["addressee"] = addressee
    clean["synonyms"] = _string_list(data.get("synonyms"), "synonyms")
    clean["lebenslagen"] = _string_list(data.get("lebenslagen"), "lebenslagen")
    clean["unternehmenslagen"] = _string_list(data.get("unternehmenslagen"), "unternehmenslagen")
    return clean


def _string_list(value, name: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.split("|")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("%(field)s must be a list of texts.") % {"field": name})
    return list(dict.fromkeys(v.strip() for v in value if v.strip()))


def _hash(clean: dict) -> str:
    return hashlib.sha256(json.dumps(clean, sort_keys=True).encode()).hexdigest()


def _life_situations(names: list[str], kind: str, cache: dict) -> list[LifeSituation]:
    result = []
    for name in names:
        slug = slugify(name.replace("&", "und"))[:100] or "lage"
        key = (slug, kind)
        if key not in cache:
            situation, _created = LifeSituation.objects.get_or_create(
                slug=slug, defaults={"name": name, "kind": kind}
            )
            cache[key] = situation
        result.append(cache[key])
    return result


@transaction.atomic
def catalogue_import(
    *, records: Iterable[Record], progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Create or update catalogue services from records, all in one transaction.

    A record that is invalid is refused with its location and reason; the others are written.
    A record whose content is unchanged is not rewritten. A key that appears twice in one import
    is refused the second time.
    """
    result = ImportResult()
    seen: set[str] = set()
    situations: dict = {}
    touched: list[Service] = []
    existing = {s.leika: s for s in Service.objects.defer("search_vector")}
    for n, record in enumerate(records, start=1):
        leika = str(record.data.get("leika", "")).strip()
        try:
            clean = _clean_record(record.data)
        except ValidationError as exc:
            result.refused.append(Refusal(record.location, leika, " ".join(exc.messages)))
            continue
        finally:
            if progress:
                progress(n)
        if leika in seen:
            result.refused.append(
                Refusal(record.location, leika, _("The key appears twice in this import."))
            )
            continue
        seen.add(leika)
        digest = _hash(clean)
        service = existing.get(leika)
        if service is not None and service.content_hash == digest:
            result.unchanged.append(leika)
            continue
        fields = {k: clean[k] for k in (*TEXT_FIELDS, "processing_days", "themenfeld")}
        fields.update(synonyms=clean["synonyms"], addressee=clean["addressee"])
        if service is None:
            service = Service(leika=leika, content_hash=digest, **fields)
            service.full_clean(exclude=["search_text", "search_vector", "content_hash"])
            service.save()
            result.created.append(leika)
        else:
            for key, value in fields.items():
                setattr(service, key, value)
            service.content_hash = digest
            service.full_clean(exclude=["search_text", "search_vector", "content_hash"])
            service.save()
            result.changed.append(leika)
        service.life_situations.set(
            _life_situations(clean["lebenslagen"], LifeSituation.Kind.LEBENSLAGE, situations)
            + _life_situations(
                clean["unternehmenslagen"], LifeSituation.Kind.UNTERNEHMENSLAGE, situations
            )
        )
        touched.append(service)
    search.index_services(touched)
    # The federal catalogue is part of every municipality's service pages (ADR 0033).
    public_content_changed()
    return result


# --- the municipality's overlay ------------------------------------------------------------


def _require(actor, municipality) -> None:
    if actor is not None and not actor.has_perm("services.manage_catalogue", municipality):
        raise PermissionDenied(_("You may not manage the services of this municipality."))


OFFICE_FIELDS = (
    "name",
    "street",
    "postcode",
    "city",
    "opening_hours",
    "phone",
    "email",
    "latitude",
    "longitude",
)


def _unique_office_name(*, municipality, name: str, exclude_pk: int | None = None) -> None:
    qs = Office.objects.filter(municipality=municipality, name=name)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"name": _("There is already an office with this name.")})


@transaction.atomic
def office_create(*, municipality, actor, **fields) -> Office:
    _require(actor, municipality)
    unknown = set(fields) - set(OFFICE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    _unique_office_name(municipality=municipality, name=fields.get("name", ""))
    office = Office(municipality=municipality, **fields)
    office.full_clean()
    office.save()
    public_content_changed(municipality)
    return office


@transaction.atomic
def office_update(*, office: Office, actor, **fields) -> Office:
    _require(actor, office.municipality)
    unknown = set(fields) - set(OFFICE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    if "name" in fields:
        _unique_office_name(
            municipality=office.municipality, name=fields["name"], exclude_pk=office.pk
        )
    for key, value in fields.items():
        setattr(office, key, value)
    office.full_clean()
    office.save()
    public_content_changed(office.municipality)
    return office


@transaction.atomic
def office_delete(*, office: Office, actor) -> None:
    _require(actor, office.municipality)
    if office.local_services.exists():
        raise ValidationError(
            _("The office is still responsible for services; assign them elsewhere first.")
        )
    public_content_changed(office.municipality)
    office.delete()


@transaction.atomic
def local_service_set(
    *,
    municipality,
    service: Service,
    actor,
    office: Office | None = None,
    local_fees: str = "",
    notes: str = "",
    online: bool = False,
    active: bool = True,
    min_trust_level: str | None = None,
) -> LocalService:
    """Offer ``service`` in ``municipality`` (or update how it is offered).
    ``min_trust_level`` None keeps the current requirement."""
    _require(actor, municipality)
    if office is not None and office.municipality_id != municipality.pk:
        raise ValidationError({"office": _("The office belongs to another municipality.")})
    local = LocalService.objects.filter(municipality=municipality, service=service).first()
    if local is None:
        local = LocalService(municipality=municipality, service=service)
    local.office = office
    local.local_fees = local_fees
    local.notes = notes
    local.online = online
    local.active = active
    if min_trust_level is not None:
        local.min_trust_level = min_trust_level
    local.full_clean(exclude=["service"])
    local.save()
    public_content_changed(municipality)
    return local


@transaction.atomic
def local_service_remove(*, local: LocalService, actor) -> None:
    _require(actor, local.municipality)
    public_content_changed(local.municipality)
    local.delete()
