"""Back office of applications: the list with filters, the detail with the answers (audit log),
the receipt, the retention policies; permissions and bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from revier.applications.models import Application, RetentionPolicy
from revier.core.models import AuditLogEntry
from tests.applications.conftest import LEIKA, offer_form
from tests.applications.test_api_and_retention import DATA, _api
from tests.conftest import make_staff, make_user

pytestmark = pytest.mark.django_db

LIST = "/zeitz/backoffice/antraege/"
RETENTION = "/zeitz/backoffice/antraege/aufbewahrung/"


def _submit_by_api(municipality, version, user) -> str:
    response = _api(user).post(
        f"/api/v1/{municipality.slug}/applications/",
        {"form": version.pk, "data": DATA},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["reference"]


def _bare(municipality, version, reference, *, status="submitted", leika=LEIKA, name="Hund"):
    """An application row without answers: enough for the list, fast to make in numbers."""
    with scope(municipality=municipality):
        return Application.objects.create(
            municipality=municipality,
            reference=reference,
            form_version=version,
            leika=leika,
            service_name=name,
            status=status,
            submitted_at=timezone.now() if status != "draft" else None,
        )


@pytest.fixture
def received(zeitz, dog_form, resident):
    version = dog_form["version"]
    reference = _submit_by_api(zeitz, version, resident)
    _bare(zeitz, version, "ZEI-X-PAY", status="awaiting_payment")
    _bare(zeitz, version, "ZEI-X-OTHER", leika="99115005104000", name="Wohnsitz Anmeldung")
    _bare(zeitz, version, "ZEI-X-DRAFT", status="draft")
    return {"reference": reference, "version": version}


def _refs(response) -> list[str]:
    return sorted(a.reference for a in response.context["page"].object_list)


def test_case_worker_lists_filters_and_reads_with_audit_entry(client, zeitz, naumburg, received):
    naumburg_form = offer_form(naumburg)
    _bare(naumburg, naumburg_form["version"], "NAU-X-1")
    worker = make_staff(zeitz, "case_worker")
    client.force_login(worker)
    reference = received["reference"]

    response = client.get(LIST)
    assert response.status_code == 200
    # Sent applications of Zeitz only: no drafts, nothing of Naumburg.
    assert _refs(response) == sorted([reference, "ZEI-X-PAY", "ZEI-X-OTHER"])
    assert _refs(client.get(LIST + "?status=awaiting_payment")) == ["ZEI-X-PAY"]
    assert _refs(client.get(LIST + "?leika=99115005104000")) == ["ZEI-X-OTHER"]
    assert _refs(client.get(LIST + f"?leika={LEIKA}&status=submitted")) == [reference]
    bad = client.get(LIST + "?status=draft")
    assert bad.status_code == 400
    assert 'id="id_status"' in bad.content.decode()

    with scope(municipality=zeitz):
        before = AuditLogEntry.objects.filter(action="view").count()
    detail = client.get(f"{LIST}{reference}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Schmidt" in html and "1980" in html  # the answers
    assert "haftpflicht.pdf" in html
    assert f'href="{LIST}{reference}/eingangsbestaetigung.pdf"' in html
    with scope(municipality=zeitz):
        entry = AuditLogEntry.objects.filter(action="view").order_by("-id").first()
        assert AuditLogEntry.objects.filter(action="view").count() == before + 1
    assert entry.actor_id == worker.pk
    assert entry.object_repr == reference
    assert entry.summary == "Viewed the application with its answers"

    receipt = client.get(f"{LIST}{reference}/eingangsbestaetigung.pdf")
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    with scope(municipality=zeitz):
        assert AuditLogEntry.objects.filter(
            event="applications.receipt_downloaded", object_repr=reference
        ).exists()

    # A draft, an application without receipt and one of Naumburg are not found.
    assert client.get(f"{LIST}ZEI-X-DRAFT/").status_code == 404
    assert client.get(f"{LIST}ZEI-X-PAY/eingangsbestaetigung.pdf").status_code == 404
    assert client.get(f"{LIST}NAU-X-1/").status_code == 404


def test_permissions(client, zeitz, naumburg, received, resident):
    reference = received["reference"]
    client.force_login(make_staff(naumburg, "case_worker"))
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{reference}/").status_code == 403
    assert client.get(f"{LIST}{reference}/eingangsbestaetigung.pdf").status_code == 403

    client.force_login(resident)
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{reference}/").status_code == 403
    assert client.get("/zeitz/backoffice/gebuehren/").status_code == 403

    client.force_login(make_staff(zeitz, "moderator"))
    assert client.get(LIST).status_code == 403

    # Case workers read applications; fees and retention are the administrator's.
    client.force_login(make_staff(zeitz, "case_worker"))
    assert client.get(LIST).status_code == 200
    assert client.get(RETENTION).status_code == 403
    assert client.get("/zeitz/backoffice/gebuehren/").status_code == 403
    assert client.get("/zeitz/backoffice/gebuehren/konto/").status_code == 403

    client.logout()
    anonymous = client.get(LIST)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_sections_in_the_menu(client, zeitz, received):
    client.force_login(make_staff(zeitz, "case_worker"))
    html = client.get("/zeitz/backoffice/").content.decode()
    assert f'href="{LIST}"' in html
    assert f'href="{RETENTION}"' not in html
    assert 'href="/zeitz/backoffice/gebuehren/"' not in html
    client.force_login(make_staff(zeitz, "administrator", email="chef@zeitz.example"))
    html = client.get("/zeitz/backoffice/").content.decode()
    assert f'href="{RETENTION}"' in html and 'href="/zeitz/backoffice/gebuehren/"' in html


def test_retention_policy_edit_and_bad_input(client, zeitz, naumburg, received, zeitz_admin):
    client.force_login(zeitz_admin)
    form = received["version"].form
    # Another municipality's form is not found here.
    other = offer_form(naumburg, with_file=False)["version"].form_id
    assert client.get(f"{RETENTION}{other}/").status_code == 404
    listing = client.get(RETENTION)
    assert listing.status_code == 200
    assert [r["own"] for r in listing.context["rows"]] == [False]
    url = f"{RETENTION}{form.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["submitted_days"] == 365

    bad = client.post(
        url, {"draft_days": "0", "submitted_days": "730", "failed_days": "x", "action": "delete"}
    )
    assert bad.status_code == 400
    errors = bad.context["form"].errors
    assert set(errors) == {"draft_days", "failed_days"}
    assert 'value="730"' in bad.content.decode()
    with scope(municipality=zeitz):
        assert not RetentionPolicy.objects.exists()

    good = client.post(
        url, {"draft_days": "14", "submitted_days": "730", "failed_days": "60", "action": "delete"}
    )
    assert good.status_code == 302 and good["Location"] == RETENTION
    with scope(municipality=zeitz):
        policy = RetentionPolicy.objects.get(form=form)
        assert (policy.draft_days, policy.submitted_days, policy.failed_days, policy.action) == (
            14,
            730,
            60,
            "delete",
        )
        assert AuditLogEntry.objects.filter(
            summary="Set the retention to 14/730/60 days, then delete"
        ).exists()


def test_list_query_count_is_independent_of_size(client, zeitz, dog_form):
    version = dog_form["version"]
    client.force_login(make_staff(zeitz, "case_worker"))
    counts = []
    for size in (1, 25):
        while True:
            with scope(municipality=zeitz):
                existing = Application.objects.count()
            if existing >= size:
                break
            _bare(zeitz, version, f"ZEI-S-{existing:03d}")
        client.get(LIST)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_detail_for_an_anonymised_application(client, zeitz, received):
    with scope(municipality=zeitz):
        Application.objects.filter(reference="ZEI-X-OTHER").update(anonymised_at=timezone.now())
    client.force_login(make_user("cw@zeitz.example"))
    assert client.get(f"{LIST}ZEI-X-OTHER/").status_code == 403
    client.force_login(make_staff(zeitz, "case_worker"))
    response = client.get(f"{LIST}ZEI-X-OTHER/")
    assert response.status_code == 200
    assert "anonymised" in response.content.decode()
