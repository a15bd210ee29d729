"""Uploaded file names: path parts and CR/LF never reach storage or a header; the back-office
download never fails on a stored name (issue 13, item 5)."""

import base64

import pytest
from django_scopes import scope
from rest_framework.test import APIClient

from revier.applications.models import Upload
from revier.cases.models import Case, CaseDocument
from revier.core.text import safe_filename
from tests.applications.conftest import FILE_KEY, offer_form
from tests.applications.test_api_and_retention import DATA, PDF
from tests.cases.conftest import INBOX, install_municipality_key
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\anna\\scan.pdf", "scan.pdf"),
        ("bad\r\nX-Injected: 1.pdf", "badX-Injected: 1.pdf"),
        ("rechnung\u202efdp.exe", "rechnungfdp.exe"),
        ("..", "upload"),
        ("  .hidden.pdf", "hidden.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
        ("Mu\u0308ller.pdf", "M\u00fcller.pdf"),
    ],
)
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe


def test_uploaded_names_are_cleaned_and_the_download_never_fails(
    client, zeitz, resident, django_capture_on_commit_callbacks
):
    install_municipality_key(zeitz)
    form = offer_form(zeitz)
    data = {
        **DATA,
        FILE_KEY: {
            "filename": "../../etc/haft\r\npflicht.pdf",
            "content_type": "application/pdf",
            "content_base64": base64.b64encode(PDF).decode(),
        },
    }
    api = APIClient()
    api.force_authenticate(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/zeitz/applications/", {"form": form["version"].pk, "data": data}, format="json"
        )
    assert response.status_code == 201, response.content
    with scope(municipality=zeitz):
        assert Upload.objects.get().filename == "haftpflicht.pdf"
        case = Case.objects.get()
        document = case.documents.get(kind=CaseDocument.Kind.ATTACHMENT)
        assert document.filename == "haftpflicht.pdf"
        # A name stored before names were cleaned: the download still answers.
        CaseDocument.objects.filter(pk=document.pk).update(filename="alt\r\nname.pdf")
    client.force_login(make_staff(zeitz, "case_worker", "clerk@zeitz.example"))
    download = client.get(f"{INBOX}{case.pk}/dokumente/{document.pk}/")
    assert download.status_code == 200
    assert "\n" not in download["Content-Disposition"]
    assert 'filename="altname.pdf"' in download["Content-Disposition"]
