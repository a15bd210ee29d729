import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from revier.tenancy.models import Domain, Municipality
from revier.tenancy.services import domain_add
from tests.backoffice.conftest import audit_entries, mu_url

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def _settings_data(municipality, **changes):
    data = {
        "official_name": "Stadt Zeitz",
        "street": "Altmarkt 1",
        "postcode": "06712",
        "city": "Zeitz",
        "phone": "03441 830",
        "email": "rathaus@zeitz.example",
        "website": "https://www.zeitz.de",
        "represented_by": "den Oberbürgermeister",
        "legal_form": municipality.legal_form,
        "vat_id": "",
        "supervisory_authority": "Burgenlandkreis",
        "data_protection_officer": "",
        "data_protection_email": "",
        "accessibility_email": "barrierefrei@zeitz.example",
        "primary_colour": "#0b5394",
        "enabled_modules": ["news"],
    }
    data.update(changes)
    return data


def test_settings_page_shows_current_values(admin_client, zeitz):
    response = admin_client.get(mu_url(zeitz, "tenancy_backoffice:settings"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="rathaus@zeitz.example"' in html
    assert re.search(r'name="enabled_modules" value="news"[^>]*checked', html)


def test_saving_settings_updates_municipality_and_audits(admin_client, zeitz, zeitz_admin):
    response = admin_client.post(
        mu_url(zeitz, "tenancy_backoffice:settings"), _settings_data(zeitz, enabled_modules=[])
    )
    assert response.status_code == 302
    zeitz.refresh_from_db()
    assert (zeitz.street, zeitz.phone, zeitz.primary_colour) == (
        "Altmarkt 1",
        "03441 830",
        "#0b5394",
    )
    assert zeitz.enabled_modules == []
    [entry] = audit_entries(zeitz, action="change")
    assert entry.actor == zeitz_admin
    assert entry.summary.startswith("Changed ") and "enabled_modules" in entry.summary
    # The module is switched off for residents now.
    assert admin_client.get("/zeitz/aktuelles/").status_code == 404


def test_low_contrast_colour_is_rejected_and_nothing_changes(admin_client, zeitz):
    before = Municipality.objects.get(pk=zeitz.pk)
    data = _settings_data(zeitz, primary_colour="#ffff00", street="Neue Straße 5")
    response = admin_client.post(mu_url(zeitz, "tenancy_backoffice:settings"), data)

    assert response.status_code == 400
    errors = response.context["settings_form"].errors
    assert list(errors) == ["primary_colour"]
    assert "4.5:1" in errors["primary_colour"][0]
    html = response.content.decode()
    assert 'value="Neue Straße 5"' in html and 'value="#ffff00"' in html
    after = Municipality.objects.get(pk=zeitz.pk)
    assert (after.street, after.primary_colour, after.updated_at) == (
        before.street,
        before.primary_colour,
        before.updated_at,
    )
    # The page header still shows the stored colour, not the rejected one.
    assert response.context["municipality"].primary_colour == before.primary_colour


def test_bad_email_and_unknown_module_are_field_errors(admin_client, zeitz):
    data = _settings_data(zeitz, email="rathaus(at)zeitz", enabled_modules=["casino"])
    response = admin_client.post(mu_url(zeitz, "tenancy_backoffice:settings"), data)
    assert response.status_code == 400
    assert set(response.context["settings_form"].errors) == {"email", "enabled_modules"}
    zeitz.refresh_from_db()
    assert zeitz.email == "rathaus@zeitz.example"


@pytest.mark.parametrize(("content", "extension"), [(PNG, "png"), (JPEG, "jpg"), (WEBP, "webp")])
def test_logo_upload_is_stored_under_its_real_type(admin_client, zeitz, content, extension):
    upload = SimpleUploadedFile("wappen.gif", content, content_type="image/gif")
    response = admin_client.post(
        mu_url(zeitz, "tenancy_backoffice:settings_logo"), {"logo": upload}
    )
    assert response.status_code == 302
    zeitz.refresh_from_db()
    assert zeitz.logo.name.startswith("municipalities/logos/zeitz-")
    assert zeitz.logo.name.endswith("." + extension)
    with zeitz.logo.open("rb") as stored:
        assert stored.read() == content
    assert [e.summary for e in audit_entries(zeitz, action="change")] == ["Changed the logo"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "must be a PNG, JPEG or WebP"),
        (b"GIF89a" + b"\x00" * 20, "must be a PNG, JPEG or WebP"),
        (PNG + b"\x00" * (1024 * 1024), "at most 1024 KB"),
    ],
)
def test_bad_logo_is_rejected(admin_client, zeitz, content, message):
    upload = SimpleUploadedFile("logo.png", content, content_type="image/png")
    response = admin_client.post(
        mu_url(zeitz, "tenancy_backoffice:settings_logo"), {"logo": upload}
    )
    assert response.status_code == 400
    assert message in response.context["logo_form"].errors["logo"][0]
    zeitz.refresh_from_db()
    assert not zeitz.logo


def test_logo_can_be_removed(admin_client, zeitz):
    admin_client.post(
        mu_url(zeitz, "tenancy_backoffice:settings_logo"),
        {"logo": SimpleUploadedFile("l.png", PNG, content_type="image/png")},
    )
    zeitz.refresh_from_db()
    assert zeitz.logo
    response = admin_client.post(
        mu_url(zeitz, "tenancy_backoffice:settings_logo"), {"remove": "on"}
    )
    assert response.status_code == 302
    zeitz.refresh_from_db()
    assert not zeitz.logo


def test_add_and_remove_domain(admin_client, zeitz, zeitz_admin):
    response = admin_client.post(
        mu_url(zeitz, "tenancy_backoffice:settings_domain_add"),
        {"domain": "Service.Zeitz.DE", "is_primary": "on"},
    )
    assert response.status_code == 302
    domain = Domain.objects.get(municipality=zeitz)
    assert (domain.domain, domain.is_primary) == ("service.zeitz.de", True)

    url = mu_url(zeitz, "tenancy_backoffice:settings_domain_remove", pk=domain.pk)
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url).status_code == 302
    assert not Domain.objects.filter(municipality=zeitz).exists()
    assert [e.summary for e in audit_entries(zeitz)] == [
        "Added the domain service.zeitz.de",
        "Removed the domain service.zeitz.de",
    ]


def test_duplicate_domain_is_a_clear_field_error(admin_client, zeitz, naumburg):
    domain_add(municipality=naumburg, domain="service.naumburg.de")
    response = admin_client.post(
        mu_url(zeitz, "tenancy_backoffice:settings_domain_add"), {"domain": "service.naumburg.de"}
    )
    assert response.status_code == 400
    assert response.context["domain_form"].errors["domain"] == [
        "This domain is already in use on this platform. Choose another one."
    ]
    assert 'value="service.naumburg.de"' in response.content.decode()
    assert Domain.objects.get(domain="service.naumburg.de").municipality == naumburg


def test_invalid_domain_is_a_field_error(admin_client, zeitz):
    response = admin_client.post(
        mu_url(zeitz, "tenancy_backoffice:settings_domain_add"), {"domain": "https://zeitz.de/x"}
    )
    assert response.status_code == 400
    assert "not a valid host name" in response.context["domain_form"].errors["domain"][0]
    assert not Domain.objects.exists()


def test_domain_of_another_municipality_cannot_be_removed(admin_client, zeitz, naumburg):
    foreign = domain_add(municipality=naumburg, domain="service.naumburg.de")
    url = mu_url(zeitz, "tenancy_backoffice:settings_domain_remove", pk=foreign.pk)
    assert admin_client.post(url).status_code == 404
    assert Domain.objects.filter(pk=foreign.pk).exists()


def test_logo_form_without_file_asks_for_one(admin_client, zeitz):
    response = admin_client.post(mu_url(zeitz, "tenancy_backoffice:settings_logo"), {})
    assert response.status_code == 400
    form = response.context["logo_form"]
    assert form.errors == {"logo": ["Choose a file to upload."]}
    # Without a logo there is nothing to remove.
    assert "remove" not in form.fields
