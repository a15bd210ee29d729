"""Writes of delivery: routes, enqueueing a package, running a delivery exactly once, keys and
received packages of the built-in back-office route."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import get_scope
from jwcrypto import jwk

from revier.core.audit import audit_log
from revier.core.db import binary_values
from revier.delivery import crypto, envelope, selectors
from revier.delivery.models import (
    Delivery,
    DeliveryRoute,
    MunicipalityKey,
    ReceivedAttachment,
    ReceivedPackage,
    leika_validator,
)
from revier.delivery.package import DeliveryPackage
from revier.delivery.plugins.base import DeliveryRefused, DeliveryTemporaryError
from revier.delivery.registry import UnknownPlugin, register

logger = logging.getLogger(__name__)

PACKAGE_PURPOSE = "delivery.package"
KEY_PURPOSE = "delivery.municipality-key"
DEFAULT_PLUGIN = "backoffice"
MAX_ATTEMPTS = 15
# A "sending" claim older than this belongs to a worker that died: it may be taken over.
SENDING_LEASE = timedelta(minutes=10)
Status = Delivery.Status


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4 … minutes after the n-th failed attempt, at most 6 hours."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))


# --- routes -------------------------------------------------------------------------------------


@transaction.atomic
def delivery_route_set(
    *, municipality, leika: str, plugin: str, options: dict, actor=None
) -> DeliveryRoute:
    """Create or replace the route of one service. Secrets are sealed, never stored plain."""
    errors = {}
    try:
        leika_validator(leika)
    except ValidationError as exc:
        errors["leika"] = exc
    try:
        plugin_obj = register.get(plugin)
    except UnknownPlugin:
        errors["plugin"] = ValidationError(
            _("Unknown delivery route “%(plugin)s”; known are: %(known)s.")
            % {"plugin": plugin, "known": ", ".join(p.id for p in register)},
            code="unknown_plugin",
        )
    if errors:
        raise ValidationError(errors)
    cleaned = plugin_obj.clean_options(options)
    secrets = {k: cleaned.pop(k) for k in plugin_obj.secret_options if k in cleaned}
    route = DeliveryRoute.objects.select_for_update().filter(leika=leika).first()
    if route is None:
        route = DeliveryRoute(municipality=municipality, leika=leika)
    route.plugin = plugin
    route.options = cleaned
    route.secrets_sealed = (
        crypto.seal_json(secrets, purpose=selectors.SECRETS_PURPOSE) if secrets else ""
    )
    route.full_clean()
    route.save()
    if actor is not None:
        audit_log(
            municipality=municipality,
            actor=actor,
            action="change",
            obj=route,
            summary=f"delivery route of {leika} set to {plugin}",
        )
    return route


# --- deliveries ---------------------------------------------------------------------------------


def delivery_enqueue(*, package: DeliveryPackage) -> Delivery:
    """Persist ``package`` as a pending delivery and hand it to the ``submissions`` queue once
    the surrounding transaction commits. Enqueueing the same reference again returns the
    existing delivery (a replayed submit does not deliver twice)."""
    from revier.delivery.tasks import deliver_package

    active = get_scope().get("municipality")
    if getattr(active, "pk", active) != package.municipality_id:
        # The delivery belongs to the active scope, where its task later finds route and keys:
        # it must be the package's municipality.
        raise ValueError("delivery_enqueue needs the package's municipality as active scope")
    try:
        with transaction.atomic():
            # The route is chosen at each attempt (``delivery_run``), so ``plugin`` stays empty
            # until the first one; the back-office list shows the current route meanwhile.
            delivery = Delivery.objects.create(
                municipality_id=package.municipality_id,
                reference=package.reference,
                leika=package.leika,
                service_name=package.service_name[:300],
                package_sealed=crypto.seal(package.to_bytes(), purpose=PACKAGE_PURPOSE),
            )
    except IntegrityError:
        return Delivery.objects.get(reference=package.reference)
    municipality_id, delivery_id = delivery.municipality_id, delivery.pk
    transaction.on_commit(
        lambda: deliver_package.delay(municipality_id=municipality_id, delivery_id=delivery_id)
    )
    return delivery


def _package_open(sealed: bytes) -> DeliveryPackage:
    return DeliveryPackage.from_bytes(crypto.unseal(sealed, purpose=PACKAGE_PURPOSE))


def delivery_package(*, delivery: Delivery) -> DeliveryPackage:
    sealed = binary_values(Delivery.objects.filter(pk=delivery.pk), "package_sealed")
    if delivery.pk not in sealed:
        raise Delivery.DoesNotExist(f"no delivery {delivery.pk} in the active municipality")
    return _package_open(sealed[delivery.pk])


def _claim(delivery_id: int) -> Delivery | None:
    """Move the delivery to ``sending`` if nobody else is at it; None if there is nothing to do.

    One conditional UPDATE on the status and attempt number just read: two workers running the
    same task both try, the database applies them one after the other, and only the first still
    matches — the second sees 0 rows and leaves.
    """
    now = timezone.now()
    delivery = Delivery.objects.defer("package_sealed").get(pk=delivery_id)
    if delivery.status in (Status.DELIVERED, Status.FAILED):
        return None
    if delivery.status == Status.SENDING and delivery.sending_since > now - SENDING_LEASE:
        return None
    claim = {
        "status": Status.SENDING,
        "attempts": delivery.attempts + 1,
        "sending_since": now,
        "next_attempt_at": None,
        "updated_at": now,
    }
    matched = Delivery.objects.filter(
        pk=delivery_id, status=delivery.status, attempts=delivery.attempts
    ).update(**claim)
    if not matched:
        return None
    for key, value in claim.items():
        setattr(delivery, key, value)
    return delivery


def _finish(delivery: Delivery, **fields) -> Delivery:
    """Leave ``sending``; only the claim holder (same attempt number) may do so."""
    fields = {**fields, "sending_since": None, "updated_at": timezone.now()}
    matched = Delivery.objects.filter(
        pk=delivery.pk, status=Status.SENDING, attempts=delivery.attempts
    ).update(**fields)
    if not matched:
        logger.warning("delivery %s: claim lost before finishing", delivery.pk)
        return Delivery.objects.defer("package_sealed").get(pk=delivery.pk)
    for key, value in fields.items():
        setattr(delivery, key, value)
    return delivery


def delivery_run(*, delivery_id: int) -> Delivery:
    """One attempt to deliver. Never delivers a delivered package again; see ``_claim``."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return Delivery.objects.defer("package_sealed").get(pk=delivery_id)
    route = selectors.delivery_route_get(leika=delivery.leika)
    # The current route counts: fixing a broken route also redirects waiting deliveries.
    plugin_id = route.plugin if route else DEFAULT_PLUGIN
    try:
        plugin = register.get(plugin_id)
        options = selectors.delivery_route_options(route=route) if route else {}
        package = delivery_package(delivery=delivery)
        result = plugin.deliver(package=package, options=options, delivery=delivery)
    except DeliveryRefused as exc:
        logger.warning("delivery %s refused: %s", delivery.pk, exc)
        return _finish(delivery, plugin=plugin_id, status=Status.FAILED, last_error=str(exc))
    except Exception as exc:
        # Unreachable receivers, and anything unforeseen: the package is kept and retried.
        if not isinstance(exc, DeliveryTemporaryError):
            logger.exception("delivery %s: unexpected error", delivery.pk)
        final = delivery.attempts >= MAX_ATTEMPTS
        return _finish(
            delivery,
            plugin=plugin_id,
            status=Status.FAILED if final else Status.RETRYING,
            last_error=str(exc) or type(exc).__name__,
            next_attempt_at=None if final else timezone.now() + retry_delay(delivery.attempts),
        )
    return _finish(
        delivery,
        plugin=plugin_id,
        status=Status.DELIVERED,
        submission_id=result.submission_id[:100],
        delivered_at=timezone.now(),
        last_error="",
    )


@transaction.atomic
def delivery_retry(*, delivery: Delivery, actor) -> Delivery:
    """Staff send a failed delivery once more (e.g. after fixing the route)."""
    from revier.delivery.tasks import deliver_package

    current = Delivery.objects.select_for_update().defer("package_sealed").get(pk=delivery.pk)
    if current.status not in (Status.FAILED, Status.RETRYING):
        raise ValidationError(_("Only a failed delivery can be sent again."), code="not_failed")
    current.status = Status.PENDING
    current.next_attempt_at = None
    current.save(update_fields=["status", "next_attempt_at", "updated_at"])
    audit_log(
        municipality=current.municipality,
        actor=actor,
        action="change",
        obj=current,
        summary="delivery sent again",
    )
    municipality_id, delivery_id = current.municipality_id, current.pk
    transaction.on_commit(
        lambda: deliver_package.delay(municipality_id=municipality_id, delivery_id=delivery_id)
    )
    return current


def deliveries_due() -> list[int]:
    """Ids of deliveries in the active municipality that should be attempted now: waiting
    retries whose time has come, and claims of workers that died."""
    now = timezone.now()
    retrying = Delivery.objects.filter(status=Status.RETRYING, next_attempt_at__lte=now)
    stale = Delivery.objects.filter(status=Status.SENDING, sending_since__lt=now - SENDING_LEASE)
    return list(retrying.values_list("pk", flat=True)) + list(stale.values_list("pk", flat=True))


# --- the back office's own key and received packages -----------------------------------------


def municipality_key_get_or_create(*, municipality) -> MunicipalityKey:
    key = selectors.municipality_key_active()
    if key is not None:
        return key
    kid = str(uuid.uuid4())
    public, private = crypto.rsa_key_pair_generate(kid=kid)  # slow (RSA-4096): outside a lock
    try:
        with transaction.atomic():
            return MunicipalityKey.objects.create(
                municipality=municipality,
                kid=kid,
                public_jwk=public,
                private_jwk_sealed=crypto.seal_json(private, purpose=KEY_PURPOSE),
            )
    except IntegrityError:  # another worker created one at the same moment
        return MunicipalityKey.objects.get(is_active=True)


def received_package_store(*, delivery: Delivery, package: DeliveryPackage) -> ReceivedPackage:
    """Store ``package`` encrypted to the municipality's key. Idempotent per delivery."""
    existing = ReceivedPackage.objects.filter(delivery_id=delivery.pk).first()
    if existing is not None:
        return existing
    key = municipality_key_get_or_create(municipality=delivery.municipality)
    public = crypto.public_key_check(key.public_jwk, kid=key.kid)
    sealed = envelope.package_seal(package, key=public)
    with transaction.atomic():
        received = ReceivedPackage.objects.create(
            municipality_id=delivery.municipality_id,
            delivery=delivery,
            key=key,
            reference=package.reference,
            leika=package.leika,
            service_name=package.service_name[:300],
            encrypted_metadata=sealed.encrypted_metadata,
            encrypted_data=sealed.encrypted_data,
        )
        ReceivedAttachment.objects.bulk_create(
            ReceivedAttachment(
                municipality_id=delivery.municipality_id,
                package=received,
                attachment_id=attachment_id,
                encrypted_content=token,
            )
            for attachment_id, token in sealed.encrypted_attachments.items()
        )
    return received


@dataclass(frozen=True)
class OpenedAttachment:
    attachment_id: str
    filename: str
    mime_type: str
    purpose: str
    content: bytes


@dataclass(frozen=True)
class OpenedPackage:
    metadata: dict
    data: bytes
    attachments: list[OpenedAttachment]


def received_package_open(*, received: ReceivedPackage, actor=None) -> OpenedPackage:
    """Decrypt a received package with the municipality's private key and check every hash."""
    private = jwk.JWK(**crypto.unseal_json(received.key.private_jwk_sealed, purpose=KEY_PURPOSE))
    metadata = json.loads(crypto.jwe_decrypt(received.encrypted_metadata, key=private))
    envelope.metadata_validate(metadata)
    data = crypto.jwe_decrypt(received.encrypted_data, key=private)
    structure = metadata["contentStructure"]
    if envelope.sha512_hex(data) != structure["data"]["hash"]["content"]:
        raise ValueError("the data does not match its hash")
    described = {a["attachmentId"]: a for a in structure["attachments"]}
    attachments = []
    for stored in received.attachments.order_by("id"):
        meta = described[str(stored.attachment_id)]
        content = crypto.jwe_decrypt(stored.encrypted_content, key=private)
        if envelope.sha512_hex(content) != meta["hash"]["content"]:
            raise ValueError(f"attachment {stored.attachment_id} does not match its hash")
        attachments.append(
            OpenedAttachment(
                attachment_id=str(stored.attachment_id),
                filename=meta.get("filename", ""),
                mime_type=meta["mimeType"],
                purpose=meta["purpose"],
                content=content,
            )
        )
    if actor is not None:
        audit_log(
            municipality=received.municipality,
            actor=actor,
            action="view",
            obj=received,
            summary="received package decrypted",
        )
    return OpenedPackage(metadata=metadata, data=data, attachments=attachments)
