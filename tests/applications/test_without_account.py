"""Applying without an account where the service allows it (issue 12, Open Forms' "no login
needed"): the reference and a private, signed link to follow the status; nothing of another
resident or another municipality visible."""

import json

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_scopes import scope, scopes_disabled

from revier.applications.models import Application
from revier.applications.selectors import follow_token
from tests.applications.conftest import LEIKA, offer_form
from tests.applications.test_journey import PDF, PERSON, _login

pytestmark = pytest.mark.django_db


def _allow_without_account(municipality, local, allowed=True):
    from revier.services.services import local_service_set

    with scope(municipality=municipality):
        return local_service_set(
            municipality=municipality,
            service=local.service,
            actor=None,
            online=True,
            without_account=allowed,
        )


@pytest.fixture
def open_form(zeitz):
    offer = offer_form(zeitz)
    _allow_without_account(zeitz, offer["local"])
    return offer


def _apply(client) -> tuple[Application, str]:
    """The whole journey without an account; returns the application and the private link."""
    page = client.get(f"/zeitz/antrag/neu/{LEIKA}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Apply without an account" in html and "/zeitz/accounts/login/?next=" in html
    response = client.post(f"/zeitz/antrag/neu/{LEIKA}/", {"without_account": "yes"})
    assert response.status_code == 302
    with scopes_disabled():
        application = Application.objects.order_by("-id").first()
    assert application.applicant_id is None
    ref = application.reference
    base = f"/zeitz/antrag/{ref}/seite"
    assert client.post(f"{base}/0/", {"continue": "1"}).status_code == 302
    assert client.post(f"{base}/1/", {**PERSON, "continue": "1"}).status_code == 302
    dog = {
        "count:G60000100": "1",
        "G60000100/0/F60000301": "02",
        "G60000100/0/F60000302": "4",
        "G60000100/0/F60000303": "false",
        "continue": "1",
    }
    assert client.post(f"{base}/2/", dog).status_code == 302
    upload = SimpleUploadedFile("haftpflicht.pdf", PDF, content_type="application/pdf")
    assert client.post(f"{base}/3/", {"feld_10": upload, "continue": "1"}).status_code == 302
    done = client.post(f"/zeitz/antrag/{ref}/pruefen/", {"declaration": "yes"})
    assert done["Location"] == f"/zeitz/antrag/{ref}/"
    status = client.get(f"/zeitz/antrag/{ref}/").content.decode()
    assert ref in status and "Your private link" in status
    link = status.split('class="kern-body revier-follow-link"><a class="revier-link" href="')[1]
    link = link.split('"', 1)[0]
    with scopes_disabled():
        application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    return application, link


def test_apply_without_account_and_follow_by_private_link(open_form):
    application, link = _apply(Client())
    assert "/zeitz/antrag/verfolgen/" in link
    path = link.split("testserver", 1)[1]
    # Another browser (no session) sees nothing by the reference, but the link opens it.
    other = Client()
    assert other.get(f"/zeitz/antrag/{application.reference}/").status_code == 404
    response = other.get(path)
    assert response["Location"] == f"/zeitz/antrag/{application.reference}/"
    assert application.reference in other.get(response["Location"]).content.decode()


def test_forged_altered_or_foreign_links_show_nothing(open_form, naumburg, resident):
    application, link = _apply(Client())
    path = link.split("testserver", 1)[1]
    token = path.rstrip("/").rsplit("/", 1)[1]
    client = Client()
    assert client.get(path[:-3] + "xx/").status_code == 404  # altered signature
    # A token made for another reference (guessing the next number) fails the signature.
    payload = {"m": application.municipality_id, "r": application.reference[:-1] + "9"}
    forged_payload = signing.b64_encode(json.dumps(payload, separators=(",", ":")).encode())
    forged = ":".join([forged_payload.decode(), *token.split(":")[1:]])
    assert forged != token
    assert client.get(f"/zeitz/antrag/verfolgen/{forged}/").status_code == 404
    # The same token on another municipality's site: not there.
    naumburg.enabled_modules = ["news", "services"]
    naumburg.save()
    assert client.get(f"/naumburg/antrag/verfolgen/{token}/").status_code == 404
    # A link never opens an application made with an account.
    _login(client, resident)
    response = client.post(f"/zeitz/antrag/neu/{LEIKA}/", {"applicant": "self"})
    assert response.status_code == 302
    with scopes_disabled():
        own = Application.objects.get(applicant=resident)
    assert Client().get(f"/zeitz/antrag/verfolgen/{follow_token(own)}/").status_code == 404


def test_two_residents_without_account_see_only_their_own(open_form):
    first, _link = _apply(Client())
    second_client = Client()
    second, _link2 = _apply(second_client)
    assert second_client.get(f"/zeitz/antrag/{first.reference}/").status_code == 404
    assert second_client.get(f"/zeitz/antrag/{first.reference}/pruefen/").status_code == 404
    assert second_client.get(f"/zeitz/antrag/{second.reference}/").status_code == 200


def test_services_that_need_an_account_send_to_the_login(zeitz):
    offer_form(zeitz)  # without_account not set
    response = Client().get(f"/zeitz/antrag/neu/{LEIKA}/")
    assert response.status_code == 302
    assert "/zeitz/accounts/login/" in response["Location"]
    refused = Client().post(f"/zeitz/antrag/neu/{LEIKA}/", {"without_account": "yes"})
    assert refused.status_code == 302 and "/accounts/login/" in refused["Location"]
    with scopes_disabled():
        assert not Application.objects.exists()


def test_a_trust_level_excludes_applying_without_account(zeitz):
    from django.core.exceptions import ValidationError

    from revier.services.services import local_service_set

    offer = offer_form(zeitz)
    with scope(municipality=zeitz), pytest.raises(ValidationError) as excinfo:
        local_service_set(
            municipality=zeitz,
            service=offer["service"],
            actor=None,
            online=True,
            min_trust_level="STORK-QAA-Level-3",
            without_account=True,
        )
    assert "without_account" in excinfo.value.message_dict
