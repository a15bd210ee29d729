import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    english = Client(headers={"Accept-Language": "en"})
    english.cookies["django_language"] = "en"
    return english


def make_form_version(municipality, leika="99089001001000"):
    from revier.forms.models import Form, FormVersion

    with scope(municipality=municipality):
        form, _new = Form.objects.get_or_create(
            municipality=municipality, leika=leika, defaults={"title": "Hundesteuer"}
        )
        return FormVersion.objects.create(
            municipality=municipality, form=form, number=1, title="Hundesteuer", source="builder"
        )


def make_application(municipality, version, user, reference, *, status="submitted", data=None):
    from revier.applications.models import Application, Upload

    with scope(municipality=municipality):
        application = Application.objects.create(
            municipality=municipality,
            reference=reference,
            form_version=version,
            leika=version.form.leika,
            service_name="Hundesteuer Anmeldung",
            status=status,
            applicant=user,
            email=user.email if user else "",
            data=data or {"name": reference},
            submitted_at=timezone.now() if status != "draft" else None,
        )
        Upload.objects.create(
            municipality=municipality,
            application=application,
            path="feld_10",
            filename=f"{reference}.pdf",
            content_type="application/pdf",
            size=8,
            sha256="0" * 64,
            content=b"%PDF-1.7",
        )
    return application


def make_case(municipality, user, reference, *, closed_days_ago=None, leika="99089001001000"):
    from revier.cases.models import Case, CaseDocument, CaseEvent, Message

    with scope(municipality=municipality):
        case = Case.objects.create(
            municipality=municipality,
            reference=reference,
            leika=leika,
            service_name="Hundesteuer Anmeldung",
            applicant=user,
            applicant_name=f"Name {reference}",
            applicant_email=user.email if user else "x@example.org",
            data={"secret": reference},
            received_at=timezone.now() - dt.timedelta(days=(closed_days_ago or 0) + 30),
            status="closed" if closed_days_ago is not None else "received",
            status_kind="closed" if closed_days_ago is not None else "open",
            closed_at=timezone.now() - dt.timedelta(days=closed_days_ago)
            if closed_days_ago is not None
            else None,
        )
        CaseEvent.objects.create(
            municipality=municipality, case=case, kind="received", public=True, text="public"
        )
        CaseEvent.objects.create(
            municipality=municipality, case=case, kind="note", public=False, text="INTERNAL NOTE"
        )
        Message.objects.create(
            municipality=municipality,
            case=case,
            direction="to_applicant",
            subject=f"Question {reference}",
            body="Please send the vaccination certificate.",
        )
        CaseDocument.objects.create(
            municipality=municipality,
            case=case,
            kind="decision",
            filename="bescheid.pdf",
            content_type="application/pdf",
            size=4,
            sha256="1" * 64,
            content=b"%PDF",
            public=True,
        )
        CaseDocument.objects.create(
            municipality=municipality,
            case=case,
            kind="attachment",
            filename="internal.pdf",
            content_type="application/pdf",
            size=4,
            sha256="2" * 64,
            content=b"%PDF",
            public=False,
        )
    return case
