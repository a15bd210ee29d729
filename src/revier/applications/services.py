"""Writes of applying: start (reference reserved), pages, uploads, save and return, submit
(exactly once), payment, and retention."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from revier.applications import answers, selectors
from revier.applications.models import (
    Application,
    IdempotencyKey,
    ReferenceCounter,
    RetentionPolicy,
    Upload,
)
from revier.applications.prefill import prefill_fields
from revier.applications.receipt import receipt_pdf
from revier.applications.uploads import UploadRefused, check_upload
from revier.core.audit import AuditContext, audit_log
from revier.core.db import values_list_binary
from revier.core.mail import send_templated_mail
from revier.core.text import clean_tree, strip_refused, text_problem
from revier.delivery.package import DeliveryPackage, PackageAttachment, PaymentInformation
from revier.delivery.services import delivery_enqueue, delivery_packages_discard
from revier.forms.models import FormVersion
from revier.forms.schema import form_version_compiled, json_schema, schema_uri, validate_answers
from revier.forms.selectors import form_version_tree
from revier.payments import selectors as payment_selectors
from revier.payments import services as payment_services
from revier.payments.models import Fee, Payment
from revier.tenancy.mail import municipality_sender

logger = logging.getLogger(__name__)
Status = Application.Status


# --- reference numbers --------------------------------------------------------------------------


def reference_prefix(municipality) -> str:
    letters = re.sub(r"[^A-Za-z]", "", municipality.slug).upper()
    return (letters[:3] or "REV").ljust(2, "X")


def reference_reserve(*, municipality) -> str:
    """The next reference number of the municipality, e.g. ``ZEI-2026-000123``.

    A counter row per municipality and year, created or incremented by one atomic upsert
    (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, PostgreSQL and SQLite ≥ 3.35): concurrent
    callers are serialised on the row and never draw the same number. Inside a transaction the
    row stays locked until it ends, so call it in a short one or none (see
    ``application_submit_api``). Numbers are unique and increasing, not gapless: one drawn for a
    submission that then fails is not reused.
    """
    year = timezone.localdate().year
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    # Raw SQL because the ORM has no upsert returning the new value; the municipality is
    # explicit in the statement, so it cannot leave the tenant. The table name is the model's,
    # quoted; the values are bound parameters.
    sql = (
        f"INSERT INTO {table} (municipality_id, year, last_number) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (municipality_id, year) DO UPDATE SET last_number = {table}.last_number + 1 "
        "RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [municipality.pk, year])
        (number,) = cursor.fetchone()
    return f"{reference_prefix(municipality)}-{year}-{number:06d}"


# --- starting and filling in --------------------------------------------------------------------


def _check_open(version: FormVersion) -> None:
    if version.status != FormVersion.Status.PUBLISHED:
        raise ValidationError(_("This form is not open for applications."))


@transaction.atomic
def application_start(
    *,
    municipality,
    version: FormVersion,
    actor,
    organisation=None,
    service_name: str = "",
    reference: str = "",
) -> Application:
    """A new draft. ``reference`` is a number drawn before (``reference_reserve``), else one is
    drawn now."""
    return _start(
        municipality=municipality,
        version=version,
        actor=actor,
        organisation=organisation,
        service_name=service_name,
        reference=reference,
    )


def _start(
    *,
    municipality,
    version: FormVersion,
    actor,
    organisation=None,
    service_name: str = "",
    reference: str = "",
    data: dict | None = None,
) -> Application:
    """``application_start`` in the caller's transaction (the API's: no savepoint of its own).
    ``data``: the complete answers, already checked, instead of the prefill."""
    _check_open(version)
    if (
        organisation is not None
        and not actor.memberships.filter(organisation=organisation).exists()
    ):
        raise PermissionDenied(_("You are not a member of this organisation."))
    # Answers the FIM fields allow to take from the person's profile.
    fields = prefill_fields(version=version, user=actor)
    if data is not None:
        fields["data"] = data
    return Application.objects.create(
        municipality=municipality,
        reference=reference or reference_reserve(municipality=municipality),
        form_version=version,
        leika=version.form.leika,
        service_name=(service_name or version.title)[:300],
        applicant=actor,
        organisation=organisation,
        email=getattr(actor, "email", "") or "",
        language=translation.get_language() or "",
        **fields,
    )


def _editable(application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.DRAFT:
        raise ValidationError(_("This application has already been submitted."), code="submitted")
    return locked


def _store_upload(application: Application, path: str, field: dict, uploaded) -> str:
    content = uploaded.read(answers_max_read(field))
    checked = check_upload(field=field, filename=uploaded.name, content=content)
    Upload.objects.update_or_create(
        application=application,
        path=path,
        defaults={
            "municipality_id": application.municipality_id,
            "filename": checked.filename,
            "content_type": checked.content_type,
            "size": len(checked.content),
            "sha256": checked.sha256,
            "content": checked.content,
        },
    )
    return checked.filename


def answers_max_read(field: dict) -> int:
    from revier.applications.uploads import max_bytes

    # Read one byte more than allowed: enough to know it is too large, never the whole file.
    return max_bytes(field) + 1


@dataclass
class StepResult:
    application: Application
    errors: dict[str, list[str]]


@transaction.atomic
def application_step_save(
    *,
    application: Application,
    tree: list[dict],
    step_index: int,
    post,
    files,
    action: str = "continue",
    target: str = "",
) -> StepResult:
    """Keep what the page sent (also when invalid), take over uploads, and check the step.

    ``action``: ``continue`` (check), ``save`` (keep only), ``add``/``remove`` (a repeated
    element at ``target``: ``path`` or ``path/index``).
    """
    application = _editable(application)
    step = tree[step_index]
    raw = answers.read_post(step, application.raw or {}, post)
    errors: dict[str, list[str]] = {}
    # Invisible and invalid characters: an error at the field, and the draft keeps the text
    # without them (PostgreSQL cannot store NUL; bidi overrides spoof names). ADR 0029.
    for path, value in list(raw.get("values", {}).items()):
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                errors.setdefault(path, []).append(problem)
                raw["values"][path] = strip_refused(value)
            else:
                raw["values"][path] = unicodedata.normalize("NFC", value)
    for field, path in answers.step_fields(step, raw):
        if field["datatype"] in ("file", "obj") and path in files:
            try:
                raw["values"][path] = _store_upload(application, path, field, files[path])
            except UploadRefused as exc:
                errors[path] = [str(exc)]
    repeatables = answers.repeatables(step)
    if action == "add" and target:
        node = repeatables.get(re.sub(r"/\d+(?=/|$)", "/*", target))
        if node is not None:
            answers.add_instance(raw, node, target)
    elif action == "remove" and "/" in target:
        path, _sep, index = target.rpartition("/")
        node = repeatables.get(re.sub(r"/\d+(?=/|$)", "/*", path))
        if node is not None and index.isdigit():
            answers.remove_instance(raw, node, path, int(index))
            Upload.objects.filter(application=application, path__startswith=target + "/").delete()
    application.raw = raw
    application.data = answers.to_data(tree, raw)
    if action == "continue":
        schema = json_schema(application.form_version, tree=tree)
        all_errors = validate_answers(
            application.form_version, application.data, schema=schema, tree=tree
        )
        for path, messages in answers.errors_for_step(step, all_errors).items():
            # One message per problem: a refused upload is not also "missing".
            errors.setdefault(path, messages)
    application.save(update_fields=["raw", "data", "updated_at"])
    return StepResult(application=application, errors=errors)


def application_resume_link(*, application: Application, link_for: Callable[[str], str]) -> str:
    """A new private link to the draft (the old one stops working), sent to the applicant."""
    token = secrets.token_urlsafe(32)
    Application.objects.filter(pk=application.pk).update(
        resume_token_hash=hashlib.sha256(token.encode()).hexdigest(), updated_at=timezone.now()
    )
    link = link_for(token)
    if application.email:
        send_templated_mail(
            template="applications/mail/resume",
            context={
                "application": application,
                "municipality": application.municipality,
                "link": link,
            },
            to=[application.email],
            language=application.language or None,
            sender=municipality_sender(application.municipality),
        )
    return link


# --- submitting ---------------------------------------------------------------------------------


def _needs_online_payment(fee: Fee | None, pay_online: bool) -> bool:
    if fee is None or fee.amount <= 0 or fee.policy == Fee.Policy.INACTIVE:
        return False
    plugin_redirects = fee.plugin != "invoice"
    if fee.policy == Fee.Policy.REQUIRED:
        return plugin_redirects
    if fee.policy == Fee.Policy.OPTIONAL:
        return plugin_redirects and pay_online
    return False


@transaction.atomic
def application_submit(
    *,
    application: Application,
    actor,
    declaration: bool,
    pay_online: bool = False,
    receipt_url_for: Callable[[Application], str] | None = None,
) -> Application:
    """Submit once: a second call (double click, replayed POST) returns the application as it
    is. Raises ``ValidationError`` (declaration missing, answers invalid: keyed by path)."""
    application, _payment = _submit(
        application=application,
        actor=actor,
        declaration=declaration,
        pay_online=pay_online,
        receipt_url_for=receipt_url_for,
    )
    return application


def _submit(
    *,
    application: Application,
    actor,
    declaration: bool,
    pay_online: bool = False,
    receipt_url_for: Callable[[Application], str] | None = None,
    answers_checked: bool = False,
    uploads: list[tuple[str, str, bytes]] | None = None,
    prepared: PreparedReceipt | None = None,
) -> tuple[Application, Payment | None]:
    """``application_submit`` in the caller's transaction, which must last until the end (the
    row lock and everything written belong to it). The API calls this inside its own
    transaction: a savepoint per nested service cost two statements each. Also returns the
    payment started with the submission (invoice), if any. ``answers_checked``: the stored
    answers were validated in this same transaction (the API's ``_api_prepare``); ``uploads``
    see ``_complete``; ``prepared``: the receipt made before the transaction
    (``_receipt_prepare``)."""
    # What the submission reads anyway comes in the same query (the lock stays on the row).
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("municipality", "form_version__form", "form_version__municipality")
        .get(pk=application.pk)
    )
    if locked.status != Status.DRAFT:
        return locked, payment_selectors.payment_latest(reference=locked.reference)
    if not declaration:
        raise ValidationError({"declaration": [_("Confirm the declaration to submit.")]})
    version = locked.form_version
    compiled = form_version_compiled(version)  # built once per published version
    tree = compiled.tree
    errors = {} if answers_checked else validate_answers(version, locked.data, compiled=compiled)
    if errors:
        raise ValidationError(errors)
    now = prepared.submitted_at if prepared is not None else timezone.now()
    locked.declaration_at = now
    locked.submitted_at = now
    fee = payment_selectors.fee_for(leika=locked.leika)
    locked.pay_online = _needs_online_payment(fee, pay_online)
    if locked.pay_online:
        locked.status = Status.AWAITING_PAYMENT
        locked.save()
        return locked, None
    payment = None
    if fee is not None and fee.amount > 0 and fee.policy != Fee.Policy.INACTIVE:
        payment = payment_services.payment_start(
            reference=locked.reference,
            fee=fee,
            plugin="invoice",
            description=locked.service_name,
            return_url="",
            notify_url_for=lambda _tid: "",
            account=payment_selectors.payment_account_get(),
        )
    receipt = None
    if prepared is not None and payment is None and prepared.matches(locked):
        receipt = prepared.pdf
    completed = _complete(
        locked,
        tree=tree,
        payment=payment,
        receipt_url_for=receipt_url_for,
        uploads=uploads,
        receipt=receipt,
    )
    return completed, payment


@dataclass(frozen=True)
class PreparedReceipt:
    """A receipt made before the submission's transaction, and what it was made from."""

    pdf: bytes
    submitted_at: dt.datetime
    reference: str
    service_name: str
    language: str

    def matches(self, application: Application) -> bool:
        return (application.reference, application.service_name, application.language) == (
            self.reference,
            self.service_name,
            self.language,
        )


def _receipt_prepare(*, municipality, version, reference: str, data: dict):
    """The receipt of an API submission without a fee, made before its transaction: the PDF
    work (~5 ms, more for long answers) then holds no lock — on SQLite the whole database's
    write lock. With a fee the receipt names the payment started in the transaction, so it is
    made there. None when a fee applies."""
    fee = payment_selectors.fee_for(leika=version.form.leika)
    if fee is not None and fee.amount > 0 and fee.policy != Fee.Policy.INACTIVE:
        return None
    submitted_at = timezone.now()
    draft = Application(
        municipality=municipality,
        reference=reference,
        form_version=version,
        leika=version.form.leika,
        service_name=version.title[:300],
        language=translation.get_language() or "",
        data=data,
        submitted_at=submitted_at,
    )
    tree = form_version_compiled(version).tree
    return PreparedReceipt(
        pdf=receipt_pdf(application=draft, tree=tree),
        submitted_at=submitted_at,
        reference=reference,
        service_name=draft.service_name,
        language=draft.language,
    )


def _payment_information(payment: Payment | None) -> PaymentInformation | None:
    if payment is None:
        return None
    return PaymentInformation(
        transaction_id=payment.transaction_id,
        transaction_reference=payment.transaction_reference,
        payment_method=payment.method,
        status=payment.status,
        gross_amount=payment.amount,
        transaction_timestamp=payment.booked_at or payment.created_at,
    )


def _complete(
    application: Application,
    *,
    tree: list[dict],
    payment: Payment | None,
    receipt_url_for: Callable[[Application], str] | None,
    uploads: list[tuple[str, str, bytes]] | None = None,
    receipt: bytes | None = None,
) -> Application:
    """Receipt, delivery package, delivery and confirmation e-mail (the row is locked).
    ``uploads``: the application's files as (filename, content type, content) in path order,
    when the caller has them in hand (the API stored them in this transaction); else read.
    ``receipt``: made before the transaction from the same answers, else made here."""
    application.status = Status.SUBMITTED
    if receipt is None:
        account = payment_selectors.payment_account_get() if payment else None
        receipt = receipt_pdf(application=application, tree=tree, payment=payment, account=account)
    application.receipt = receipt
    # The answers were saved before and do not change here: not sent again.
    application.save(
        update_fields=[
            "status",
            "receipt",
            "declaration_at",
            "submitted_at",
            "pay_online",
            "updated_at",
        ]
    )
    if uploads is None:
        uploads = values_list_binary(
            Upload.objects.filter(application=application).order_by("path"),
            "filename",
            "content_type",
            "content",
        )
    schema_id = schema_uri(application.form_version)
    package = DeliveryPackage(
        municipality_id=application.municipality_id,
        leika=application.leika,
        service_name=application.service_name,
        reference=application.reference,
        data=json.dumps(application.data, ensure_ascii=False, sort_keys=True).encode(),
        data_schema_uri=schema_id,
        reply_email=application.email,
        sender_reference=application.reference,
        application_date=timezone.localdate(application.submitted_at),
        attachments=(
            *(
                PackageAttachment(
                    filename=filename,
                    mime_type=content_type,
                    content=content,
                    purpose="attachment",
                )
                for filename, content_type, content in uploads
            ),
            PackageAttachment(
                filename=f"{application.reference}.pdf",
                mime_type="application/pdf",
                content=bytes(application.receipt),
                purpose="report",
            ),
        ),
        payment=_payment_information(payment),
    )
    delivery_enqueue(package=package)
    if application.email:
        send_templated_mail(
            template="applications/mail/submitted",
            context={
                "application": application,
                "municipality": application.municipality,
                "receipt_url": receipt_url_for(application) if receipt_url_for else "",
                "payment": payment,
            },
            to=[application.email],
            language=application.language or None,
            sender=municipality_sender(application.municipality),
        )
    return application


def application_payment_start(
    *, application: Application, return_url: str, notify_url_for: Callable[[str], str]
) -> Payment:
    """Start (again) the online payment of an application waiting for it."""
    if application.status not in (Status.AWAITING_PAYMENT, Status.FAILED):
        raise ValidationError(_("This application does not wait for a payment."))
    fee = payment_selectors.fee_for(leika=application.leika)
    if fee is None:
        raise ValidationError(_("This service has no fee."))
    payment = payment_services.payment_start(
        reference=application.reference,
        fee=fee,
        plugin=fee.plugin,
        description=f"{application.service_name} {application.reference}",
        return_url=return_url,
        notify_url_for=notify_url_for,
        account=payment_selectors.payment_account_get(),
    )
    Application.objects.filter(pk=application.pk, status=Status.FAILED).update(
        status=Status.AWAITING_PAYMENT, updated_at=timezone.now()
    )
    return payment


@transaction.atomic
def application_payment_notified(
    *,
    payment: Payment,
    body: bytes,
    headers,
    receipt_url_for: Callable[[Application], str] | None = None,
) -> Payment:
    """Apply the provider's signed report; a booked payment completes the application (handed
    over only now), a failed one marks it failed (the applicant may pay again)."""
    payment = payment_services.payment_notification_apply(
        payment=payment, body=body, headers=headers
    )
    application = (
        Application.objects.select_for_update().filter(reference=payment.reference).first()
    )
    if application is None or application.status not in (Status.AWAITING_PAYMENT, Status.FAILED):
        return payment
    if application.anonymised_at is not None:
        # Its retention period ended before the provider reported: the answers are gone, so
        # nothing can be handed over. The payment stays recorded for the treasury to refund.
        logger.warning(
            "payment %s for %s reported after the application was anonymised",
            payment.pk,
            application.reference,
        )
        audit_log(
            municipality=application.municipality,
            actor=None,
            action="change",
            obj=payment,
            event="applications.payment_after_retention",
            params={"status": str(payment.status)},
        )
        return payment
    if payment.status == Payment.Status.BOOKED:
        _complete(
            application,
            tree=form_version_tree(application.form_version),
            payment=payment,
            receipt_url_for=receipt_url_for,
        )
    elif payment.status in (Payment.Status.FAILED, Payment.Status.CANCELED):
        application.status = Status.FAILED
        application.save(update_fields=["status", "updated_at"])
    return payment


# --- API ----------------------------------------------------------------------------------------


def _api_files(tree: list[dict], data: dict, files) -> tuple[dict, dict, dict[str, list[str]]]:
    """Take base64 objects (and multipart files named by path) out of ``data``."""
    found: dict[str, tuple[str, bytes]] = {}
    errors: dict[str, list[str]] = {}

    def walk(value, path):
        if isinstance(value, dict):
            if set(value) >= {"filename", "content_base64"}:
                try:
                    content = base64.b64decode(value["content_base64"], validate=True)
                except (ValueError, TypeError):
                    errors[path] = [_("The file is not valid base64.")]
                    return str(value.get("filename", ""))
                found[path] = (str(value["filename"]), content)
                return str(value["filename"])
            return {k: walk(v, answers.join(path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, answers.join(path, i)) for i, v in enumerate(value)]
        return value

    cleaned = walk(data, "")
    for name, uploaded in (files or {}).items():
        found[name] = (uploaded.name, uploaded.read())
        _set_path(cleaned, name.split("/"), uploaded.name)
    return cleaned, found, errors


def _set_path(target, parts: list[str], value) -> None:
    """Put ``value`` at a multipart file's path into the answers (creating groups)."""
    for part, following in zip(parts, [*parts[1:], None], strict=True):
        key = int(part) if part.isdigit() and isinstance(target, list) else part
        if following is None:
            in_list = isinstance(target, list) and isinstance(key, int) and key < len(target)
            if isinstance(target, dict) or in_list:
                target[key] = value
            return
        if isinstance(target, dict):
            target = target.setdefault(key, [] if following.isdigit() else {})
        elif isinstance(target, list) and isinstance(key, int):
            while len(target) <= key:
                target.append({})
            target = target[key]
        else:
            return


def _file_fields(tree: list[dict]) -> dict[str, dict]:
    """Generic paths (``*`` for indices) of file fields → field."""
    found = {}

    def walk(node, path):
        here = path
        if answers.is_repeatable(node):
            here = answers.join(path, "*")
        if node["type"] == "field":
            if node["datatype"] in ("file", "obj"):
                found[here if answers.is_repeatable(node) else path] = node
            return
        for child in node["children"]:
            walk(child, answers.join(here, child["key"]))

    for step in tree:
        for node, prefix in answers.step_roots(step):
            walk(node, answers.join(prefix, node["key"]))
    return found


def request_hash(*, form: int, data, files) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps({"form": form, "data": data}, sort_keys=True).encode())
    for name in sorted(files or {}):
        uploaded = files[name]
        digest.update(name.encode() + b"\0" + hashlib.sha256(uploaded.read()).digest())
        uploaded.seek(0)
    return digest.hexdigest()


class IdempotencyConflict(Exception):
    pass


def application_submit_api(
    *,
    municipality,
    version: FormVersion,
    actor,
    data,
    files=None,
    idempotency_key: str = "",
    body_hash: str = "",
    receipt_url_for: Callable[[Application], str] | None = None,
) -> tuple[int, dict]:
    """Create and submit in one go (declaration given by the client). Returns status and body;
    ``ValidationError`` keyed by path, ``IdempotencyConflict`` for a reused key."""
    max_key = IdempotencyKey._meta.get_field("key").max_length
    if len(idempotency_key) > max_key:
        # Refused, never cut: two long keys sharing their first characters are two keys.
        raise ValidationError({"Idempotency-Key": [_("The Idempotency-Key is too long.")]})
    if idempotency_key:
        stored = selectors.idempotency_get(user=actor, key=idempotency_key)
        if stored is not None:
            if stored.request_hash != body_hash:
                raise IdempotencyConflict
            return stored.status_code, stored.response
    # Everything that can be wrong with the request is found before a number is drawn or a row
    # written; the number is drawn by one statement of its own, so concurrent submissions do
    # not queue behind each other's receipt and encryption for the counter's row lock.
    cleaned, uploads = _api_prepare(version=version, data=data, files=files)
    reference = reference_reserve(municipality=municipality)
    # The receipt before the transaction: its PDF work holds no lock (issue 13, item 1).
    prepared = _receipt_prepare(
        municipality=municipality, version=version, reference=reference, data=cleaned
    )
    try:
        with transaction.atomic():
            if idempotency_key:
                # Claim the key first: a concurrent request with the same key waits here and
                # then fails on the constraint, instead of submitting a second time.
                claim = IdempotencyKey.objects.create(
                    municipality=municipality,
                    user=actor,
                    key=idempotency_key,
                    request_hash=body_hash,
                    status_code=0,
                )
            application = _api_create(
                municipality=municipality,
                version=version,
                actor=actor,
                reference=reference,
                cleaned=cleaned,
                uploads=uploads,
            )
            application, payment = _submit(
                application=application,
                actor=actor,
                declaration=True,
                receipt_url_for=receipt_url_for,
                answers_checked=True,  # by _api_prepare, and stored as they are
                prepared=prepared,
                uploads=[
                    (checked.filename, checked.content_type, checked.content)
                    for _path, checked in sorted(uploads, key=lambda item: item[0])
                ],
            )
            body = selectors.application_status_dict(application, payment=payment)
            if idempotency_key:
                claim.application = application
                claim.status_code = 201
                claim.response = body
                claim.save(update_fields=["application", "status_code", "response"])
            return 201, body
    except IntegrityError:
        stored = selectors.idempotency_get(user=actor, key=idempotency_key)
        if stored is None:
            raise
        if stored.request_hash != body_hash:
            raise IdempotencyConflict from None
        return stored.status_code, stored.response


def _api_prepare(*, version, data, files) -> tuple[dict, list]:
    """Check an API submission without writing anything: the answers as the JSON Schema wants
    them, and the files (size, type by content). Returns the cleaned answers and
    ``[(path, CheckedUpload)]``; raises ``ValidationError`` keyed by path with every problem."""
    _check_open(version)
    if not isinstance(data, dict):
        raise ValidationError({"data": [_("Send the answers as a JSON object.")]})
    # NFC, and no surrogates, NUL, control or bidi characters: refused at their place (ADR 0029).
    data, text_errors = clean_tree(data)
    if text_errors:
        raise ValidationError(text_errors)
    compiled = form_version_compiled(version)
    tree = compiled.tree
    cleaned, found, errors = _api_files(tree, data, files)
    file_fields = _file_fields(tree)
    uploads = []
    for path, (filename, content) in found.items():
        generic = re.sub(r"/\d+(?=/|$)", "/*", path)
        field = file_fields.get(generic)
        if field is None:
            errors[path] = [_("There is no file field at this place.")]
            continue
        try:
            uploads.append((path, check_upload(field=field, filename=filename, content=content)))
        except UploadRefused as exc:
            errors[path] = [str(exc)]
    # Every problem in one answer; a file's own error wins over "required" for its place.
    errors = {**validate_answers(version, cleaned, compiled=compiled), **errors}
    if errors:
        raise ValidationError(errors)
    return cleaned, uploads


def _api_create(*, municipality, version, actor, reference, cleaned, uploads) -> Application:
    application = _start(
        municipality=municipality, version=version, actor=actor, reference=reference, data=cleaned
    )
    Upload.objects.bulk_create(
        Upload(
            municipality=municipality,
            application=application,
            path=path,
            filename=checked.filename,
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
            content=checked.content,
        )
        for path, checked in uploads
    )
    return application


# --- retention ----------------------------------------------------------------------------------

DEFAULT_RETENTION = RetentionPolicy(draft_days=30, submitted_days=365, failed_days=90)


@transaction.atomic
def retention_policy_set(
    *, form, actor=None, context: AuditContext | None = None, **values
) -> RetentionPolicy:
    """Set how long a form's applications are kept; a staff ``actor`` is audited."""
    policy = RetentionPolicy.objects.filter(form=form).first() or RetentionPolicy(
        municipality_id=form.municipality_id, form=form
    )
    for name, value in values.items():
        setattr(policy, name, value)
    policy.full_clean(exclude=["form"])
    policy.save()
    if actor is not None:
        audit_log(
            municipality=form.municipality,
            actor=actor,
            action="change",
            obj=form,
            event="applications.retention_set",
            params={
                "draft_days": policy.draft_days,
                "submitted_days": policy.submitted_days,
                "failed_days": policy.failed_days,
                "action": str(policy.action),
            },
            context=context,
        )
    return policy


def _anonymise(queryset) -> int:
    rows = list(queryset.values_list("pk", "reference"))
    if not rows:
        return 0
    ids = [pk for pk, _reference in rows]
    delivery_packages_discard(references=[reference for _pk, reference in rows])
    Upload.objects.filter(application_id__in=ids).delete()
    IdempotencyKey.objects.filter(application_id__in=ids).update(response={})
    return Application.objects.filter(pk__in=ids).update(
        raw={},
        data={},
        email="",
        applicant=None,
        organisation=None,
        resume_token_hash="",
        receipt=None,
        anonymised_at=timezone.now(),
    )


def retention_apply(*, municipality, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete or anonymise what the forms' policies no longer allow to keep. Drafts are
    deleted (an anonymous draft is worth nothing); submitted and failed ones as the policy says.
    Run inside the municipality's scope. Returns the counts and writes one audit entry."""
    now = now or timezone.now()
    policies = {p.form_id: p for p in RetentionPolicy.objects.all()}
    counts = {"drafts_deleted": 0, "deleted": 0, "anonymised": 0}
    form_ids = set(
        Application.objects.filter(anonymised_at__isnull=True)
        .values_list("form_version__form_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        for form_id in form_ids:
            policy = policies.get(form_id, DEFAULT_RETENTION)
            base = Application.objects.filter(form_version__form_id=form_id)
            drafts = base.filter(
                status=Status.DRAFT, updated_at__lt=now - dt.timedelta(days=policy.draft_days)
            )
            counts["drafts_deleted"] += drafts.delete()[1].get("applications.Application", 0)
            expired = base.filter(anonymised_at__isnull=True).filter(
                status=Status.SUBMITTED,
                submitted_at__lt=now - dt.timedelta(days=policy.submitted_days),
            ) | base.filter(anonymised_at__isnull=True).filter(
                status__in=[Status.FAILED, Status.AWAITING_PAYMENT],
                updated_at__lt=now - dt.timedelta(days=policy.failed_days),
            )
            if policy.action == RetentionPolicy.Action.DELETE:
                # The delivery record stays (reference, service, dates); its package goes.
                delivery_packages_discard(
                    references=list(expired.values_list("reference", flat=True))
                )
                counts["deleted"] += expired.delete()[1].get("applications.Application", 0)
            else:
                counts["anonymised"] += _anonymise(expired)
        if any(counts.values()):
            audit_log(
                municipality=municipality,
                actor=None,
                action="delete",
                object_type="applications.Application",
                event="applications.retention_applied",
                params={
                    key: int(counts[key]) for key in ("drafts_deleted", "deleted", "anonymised")
                },
            )
    return counts
