"""Run in a subprocess (tests/ops/test_backup_restore.py) against one installation, set by the
environment: ``populate`` adds documents, uploads and a logo file with known random content to
the demo data; ``fingerprint`` prints every application, case, document, upload, received
package and media file with the SHA-256 of its content, as JSON."""

import hashlib
import json
import os
import secrets
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402

from revier.applications.models import Application, Upload  # noqa: E402
from revier.cases.models import Case, CaseDocument  # noqa: E402
from revier.delivery.models import ReceivedPackage  # noqa: E402
from revier.delivery.services import received_package_open  # noqa: E402
from revier.tenancy.models import Municipality  # noqa: E402


def sha(data: bytes) -> str:
    return hashlib.sha256(bytes(data)).hexdigest()


def populate() -> None:
    zeitz = Municipality.objects.get(slug="zeitz")
    zeitz.logo.save("zeitz-logo.png", ContentFile(secrets.token_bytes(20_000)), save=True)
    with scope(municipality=zeitz):
        cases = list(Case.objects.all()[:2])
        assert cases, "the demo made no cases"
        for number, case in enumerate(cases):
            content = secrets.token_bytes(150_000 + number)
            CaseDocument.objects.create(
                municipality=zeitz,
                case=case,
                kind=CaseDocument.Kind.ATTACHMENT,
                filename=f"anlage-{number}.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=sha(content),
                content=content,
            )
            content = secrets.token_bytes(90_000 + number)
            Upload.objects.create(
                municipality=zeitz,
                application=case.application,
                path=f"backup.probe.{number}",
                filename=f"nachweis-{number}.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=sha(content),
                content=content,
            )


def fingerprint() -> dict:
    with scopes_disabled():
        applications = [
            [
                a.municipality.slug,
                a.reference,
                a.status,
                sha(json.dumps(a.raw, sort_keys=True).encode()),
            ]
            for a in Application.objects.select_related("municipality").order_by("pk")
        ]
        cases = [
            [
                c.municipality.slug,
                c.reference,
                c.status,
                c.application_id and c.application.reference,
            ]
            for c in Case.objects.select_related("municipality", "application").order_by("pk")
        ]
        documents = [
            [d.case.reference, d.kind, d.filename, d.size, d.sha256, sha(d.content)]
            for d in CaseDocument.objects.select_related("case").order_by("pk")
        ]
        uploads = [
            [u.application.reference, u.filename, u.size, u.sha256, sha(u.content)]
            for u in Upload.objects.select_related("application").order_by("pk")
        ]
        packages = []
        for received in ReceivedPackage.objects.select_related("key").order_by("pk"):
            # Opening needs the municipality's private key, sealed with REVIER_SECRET_KEY.
            with scope(municipality=received.municipality):
                opened = received_package_open(received=received)
            packages.append([received.reference, sha(opened.data)])
    media_root = Path(settings.MEDIA_ROOT)
    media = sorted(
        [p.relative_to(media_root).as_posix(), sha(p.read_bytes())]
        for p in media_root.rglob("*")
        if p.is_file()
    )
    return {
        "applications": applications,
        "cases": cases,
        "documents": documents,
        "uploads": uploads,
        "packages": packages,
        "media": media,
    }


if __name__ == "__main__":
    if sys.argv[1] == "populate":
        populate()
    else:
        print(json.dumps(fingerprint()))
