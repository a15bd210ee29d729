"""Writes of delivery: routes, enqueueing a package, running a delivery exactly once, keys and
received packages of the built-in back-office route."""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import get_scope
from jwcrypto import jwk

from revier.core import crypto as sealing
from revier.core import outbox
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


def sending_lease() -> timedelta:
    """A "sending" claim older than this belongs to a worker that died: it may be taken over
    (setting ``REVIER_DELIVERY_SENDING_LEASE_SECONDS``, default 10 minutes: longer than any
    handover with its HTTP timeouts). A claim of a process that is gone from this host is taken
    over at once (``_claim_abandoned``)."""
    return timedelta(seconds=settings.REVIER_DELIVERY_SENDING_LEASE_SECONDS)


# Claims looked at per municipality and sweep for a process that is gone.
CLAIMS_CHECKED = 200
# How long after delivery the receiver's answer is asked for; after that staff see "no answer".
ANSWER_WAIT = timedelta(days=30)
# Answers checked per municipality and periodic run; the rest wait for the next run.
ANSWER_BATCH = 200
Status = Delivery.Status
Answer = Delivery.Answer


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4 … minutes after the n-th failed attempt, at most 6 hours."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))


def answer_delay(waited: timedelta) -> timedelta:
    """When to ask for the authority's answer again: often while one is likely (most accept
    within minutes, as their systems fetch automatically), rarely after a day."""
    if waited < timedelta(hours=1):
        return timedelta(minutes=5)
    if waited < timedelta(days=1):
        return timedelta(minutes=30)
    return timedelta(hours=6)


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
        sealing.seal_json(secrets, purpose=selectors.SECRETS_PURPOSE) if secrets else ""
    )
    route.full_clean()
    route.save()
    if actor is not None:
        audit_log(
            municipality=municipality,
            actor=actor,
            action="change",
            obj=route,
            event="delivery.route_set",
            params={"leika": leika, "plugin": plugin},
        )
    return route


# --- deliveries ---------------------------------------------------------------------------------


def delivery_enqueue(*, package: DeliveryPackage) -> Delivery:
    """Persist ``package`` as a pending delivery and hand it to the ``submissions`` queue once
    the surrounding transaction commits (through the outbox: never lost with the broker).
    Enqueueing the same reference again returns the existing delivery (a replayed submit does
    not deliver twice)."""
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
                package_sealed=sealing.seal(package.to_bytes(), purpose=PACKAGE_PURPOSE),
            )
    except IntegrityError:
        return Delivery.objects.get(reference=package.reference)
    # Recorded in this transaction, handed to the queue when it commits (ADR 0030).
    outbox.enqueue(
        deliver_package, municipality_id=delivery.municipality_id, delivery_id=delivery.pk
    )
    return delivery


class PackageDiscarded(DeliveryRefused):
    """The package was removed (handed over, or its retention period ended)."""


def _package_open(sealed: bytes) -> DeliveryPackage:
    return DeliveryPackage.from_bytes(sealing.unseal(sealed, purpose=PACKAGE_PURPOSE))


def delivery_package(*, delivery: Delivery) -> DeliveryPackage:
    sealed = binary_values(Delivery.objects.filter(pk=delivery.pk), "package_sealed")
    if delivery.pk not in sealed:
        raise Delivery.DoesNotExist(f"no delivery {delivery.pk} in the active municipality")
    if not sealed[delivery.pk]:
        raise PackageDiscarded(_("The package has been removed from the platform."))
    return _package_open(sealed[delivery.pk])


def delivery_packages_discard(*, references: list[str]) -> int:
    """Remove the packages of these applications (their retention period has ended). A
    delivery still waiting can then no longer be made: it is marked failed, saying why."""
    if not references:
        return 0
    now = timezone.now()
    deliveries = Delivery.objects.filter(reference__in=references)
    deliveries.exclude(status__in=[Status.DELIVERED, Status.FAILED]).update(
        status=Status.FAILED,
        next_attempt_at=None,
        sending_since=None,
        last_error=_("Removed when the retention period of the application ended."),
        updated_at=now,
    )
    return deliveries.filter(package_discarded_at__isnull=True).update(
        package_sealed=b"", package_discarded_at=now, updated_at=now
    )


def process_identity() -> str:
    """``host:pid`` of this process: who holds a claim."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim_abandoned(delivery: Delivery) -> bool:
    """Whether the ``sending`` claim belongs to a process that no longer exists on this host
    (a worker killed with -9, out of memory). Other hosts' claims wait for the lease."""
    host, _sep, pid = (delivery.sending_by or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, but not ours to signal
        return False
    return False


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
    if (
        delivery.status == Status.SENDING
        and delivery.sending_since > now - sending_lease()
        and not _claim_abandoned(delivery)
    ):
        return None
    claim = {
        "status": Status.SENDING,
        "attempts": delivery.attempts + 1,
        "sending_since": now,
        "sending_by": process_identity(),
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


def _checkpoint(delivery: Delivery, handover: dict) -> None:
    """Record what the receiver now knows of this handover, before the plugin goes on: a later
    attempt (after a crash, a timeout) continues from here. Only the claim holder may; one that
    lost its claim stops (``ClaimLost``) rather than hand over beside the new holder."""
    matched = Delivery.objects.filter(
        pk=delivery.pk, status=Status.SENDING, attempts=delivery.attempts
    ).update(handover=handover, updated_at=timezone.now())
    if not matched:
        raise ClaimLost(f"delivery {delivery.pk}: claim lost during the handover")
    delivery.handover = handover


class ClaimLost(DeliveryTemporaryError):
    """Another attempt took the delivery over (this one was taken for dead)."""


def _finish(delivery: Delivery, **fields) -> Delivery:
    """Leave ``sending``; only the claim holder (same attempt number) may do so."""
    fields = {**fields, "sending_since": None, "sending_by": "", "updated_at": timezone.now()}
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
        if delivery.plugin and delivery.plugin != plugin_id:
            delivery.handover = {}  # another route's unfinished handover does not apply
        result = plugin.deliver(
            package=package,
            options=options,
            delivery=delivery,
            checkpoint=lambda handover: _checkpoint(delivery, handover),
        )
    except ClaimLost as exc:
        logger.warning("%s", exc)
        return Delivery.objects.defer("package_sealed").get(pk=delivery_id)
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
    now = timezone.now()
    return _finish(
        delivery,
        plugin=plugin_id,
        status=Status.DELIVERED,
        # Handed over: the platform keeps no copy (data minimisation; privacy register).
        package_sealed=b"",
        package_discarded_at=now,
        submission_id=result.submission_id[:100],
        case_id=result.case_id[:100],
        authentication_tags=result.authentication_tags,
        handover={},
        delivered_at=now,
        last_error="",
        answer_next_check_at=now + answer_delay(timedelta(0)) if plugin.reads_answers else None,
    )


@transaction.atomic
def delivery_retry(*, delivery: Delivery, actor) -> Delivery:
    """Staff send a failed delivery once more (e.g. after fixing the route)."""
    from revier.delivery.tasks import deliver_package

    current = Delivery.objects.select_for_update().defer("package_sealed").get(pk=delivery.pk)
    if current.status not in (Status.FAILED, Status.RETRYING):
        raise ValidationError(_("Only a failed delivery can be sent again."), code="not_failed")
    if current.package_discarded_at is not None:
        raise ValidationError(
            _("The package has been removed from the platform; it cannot be sent again."),
            code="discarded",
        )
    current.status = Status.PENDING
    current.next_attempt_at = None
    current.save(update_fields=["status", "next_attempt_at", "updated_at"])
    audit_log(
        municipality=current.municipality,
        actor=actor,
        action="change",
        obj=current,
        event="delivery.resent",
    )
    outbox.enqueue(deliver_package, municipality_id=current.municipality_id, delivery_id=current.pk)
    return current


def deliveries_due() -> list[int]:
    """Ids of deliveries in the active municipality that should be attempted now: waiting
    retries whose time has come, claims of workers that died (the lease ran out, or the process
    is gone from this host), and pending ones whose task was lost (older than
    ``REVIER_DELIVERY_PENDING_GRACE_SECONDS`` since written or last enqueued; ``updated_at`` is
    moved on, so one is enqueued again at most once per grace period while a queue is long)."""
    now = timezone.now()
    retrying = Delivery.objects.filter(status=Status.RETRYING, next_attempt_at__lte=now)
    stale = Delivery.objects.filter(status=Status.SENDING, sending_since__lt=now - sending_lease())
    due = list(retrying.values_list("pk", flat=True)) + list(stale.values_list("pk", flat=True))
    claimed = (
        Delivery.objects.filter(status=Status.SENDING, sending_since__gte=now - sending_lease())
        .exclude(sending_by="")
        .only("pk", "sending_by")
        .order_by("sending_since")[:CLAIMS_CHECKED]
    )
    due += [d.pk for d in claimed if _claim_abandoned(d)]
    # Still "pending" this long after it was written or last enqueued: its task was lost (the
    # broker's data lost, say).
    grace = timedelta(seconds=settings.REVIER_DELIVERY_PENDING_GRACE_SECONDS)
    lost = Delivery.objects.filter(status=Status.PENDING, updated_at__lt=now - grace)
    lost_ids = list(lost.order_by("updated_at").values_list("pk", flat=True)[:CLAIMS_CHECKED])
    if lost_ids:
        Delivery.objects.filter(pk__in=lost_ids, status=Status.PENDING).update(updated_at=now)
    return due + lost_ids


# --- the authority's answer -------------------------------------------------------------------


def deliveries_awaiting_answer(*, limit: int = ANSWER_BATCH) -> list[int]:
    """Ids of delivered packages in the active municipality whose answer is due to be read."""
    due = Delivery.objects.filter(
        status=Status.DELIVERED, answer=Answer.NONE, answer_next_check_at__lte=timezone.now()
    )
    return list(due.order_by("answer_next_check_at").values_list("pk", flat=True)[:limit])


def _answer_record(delivery: Delivery, **fields) -> Delivery:
    """Store what was learnt; a delivery with an answer keeps it (runs may overlap)."""
    fields["updated_at"] = timezone.now()
    matched = Delivery.objects.filter(
        pk=delivery.pk, status=Status.DELIVERED, answer=Answer.NONE
    ).update(**fields)
    if not matched:
        return Delivery.objects.defer("package_sealed").get(pk=delivery.pk)
    for key, value in fields.items():
        setattr(delivery, key, value)
    return delivery


def delivery_answer_check(*, delivery_id: int) -> Delivery:
    """Ask the route the package went by for the authority's answer and record it.

    No answer yet, or one that cannot be read (receiver unreachable, a signature that does
    not verify): the error is kept for staff and the next check scheduled, until
    ``ANSWER_WAIT`` after delivery. A route changed to another plugin since: not asked."""
    delivery = Delivery.objects.defer("package_sealed").get(pk=delivery_id)
    if delivery.status != Status.DELIVERED or delivery.answer != Answer.NONE:
        return delivery
    plugin = register.get(delivery.plugin) if delivery.plugin in register else None
    route = selectors.delivery_route_get(leika=delivery.leika)
    if plugin is None or not plugin.reads_answers:
        return _answer_record(delivery, answer_next_check_at=None)
    if route is None or route.plugin != delivery.plugin:
        return _answer_record(
            delivery,
            answer_next_check_at=None,
            answer_error=_("The route has been changed since; the answer is no longer asked."),
        )
    try:
        answer = plugin.answer(
            delivery=delivery, options=selectors.delivery_route_options(route=route)
        )
    except (DeliveryTemporaryError, DeliveryRefused) as exc:
        if isinstance(exc, DeliveryRefused):
            logger.warning("delivery %s: answer not readable: %s", delivery.pk, exc)
        answer, error = None, str(exc) or type(exc).__name__
    else:
        error = ""
    now = timezone.now()
    if answer is None:
        waited = now - (delivery.delivered_at or now)
        return _answer_record(
            delivery,
            answer_error=error,
            answer_next_check_at=None if waited >= ANSWER_WAIT else now + answer_delay(waited),
        )
    if not answer.accepted:
        logger.warning("delivery %s rejected by the authority", delivery.pk)
    return _answer_record(
        delivery,
        answer=Answer.ACCEPTED if answer.accepted else Answer.REJECTED,
        answered_at=answer.answered_at,
        answer_problems=list(answer.problems),
        answer_error="",
        answer_next_check_at=None,
    )


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
                private_jwk_sealed=sealing.seal_json(private, purpose=KEY_PURPOSE),
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
    private = jwk.JWK(**sealing.unseal_json(received.key.private_jwk_sealed, purpose=KEY_PURPOSE))
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
            event="delivery.package_decrypted",
        )
    return OpenedPackage(metadata=metadata, data=data, attachments=attachments)
