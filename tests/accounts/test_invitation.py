"""An invited colleague's whole way in: invitation mail, password, address, TOTP, back office."""

import pytest
from django.core import mail
from django_scopes import scope

from revier.accounts.models import StaffRole, User
from tests.accounts.conftest import link_in_last_mail
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Rathaus-Zeitz-Neu-2026"


def test_invited_person_sets_password_confirms_address_and_sets_up_totp(
    client, zeitz, zeitz_admin, run_on_commit
):
    client.force_login(zeitz_admin)
    with run_on_commit():
        response = client.post(
            "/zeitz/backoffice/mitarbeitende/einladen/",
            {"email": "nora@zeitz.example", "roles": ["case_worker"]},
        )
    assert response.status_code == 302
    set_link = link_in_last_mail(r"/zeitz/accounts/password/reset/key/[^/\s]+/")
    client.logout()

    # 1. The link from the invitation sets the first password.
    response = client.get(set_link)
    assert response.status_code == 302
    with run_on_commit():
        response = client.post(
            response["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
    assert response.status_code == 302
    nora = User.objects.get(email="nora@zeitz.example")
    assert nora.check_password(NEW_PASSWORD)

    # 2. The first login confirms the address (allauth's mandatory verification).
    outbox_before = len(mail.outbox)
    with run_on_commit():
        response = client.post(
            "/zeitz/accounts/login/", {"login": "nora@zeitz.example", "password": NEW_PASSWORD}
        )
    assert response["Location"] == "/zeitz/accounts/confirm-email/"
    assert len(mail.outbox) == outbox_before + 1
    confirm = link_in_last_mail(r"/zeitz/accounts/confirm-email/[^/\s]+/")
    response = client.post(confirm)
    assert response.status_code == 302
    assert nora.emailaddress_set.get().verified

    # 3. The back office first asks for TOTP.
    response = client.get("/zeitz/backoffice/")
    assert response["Location"] == "/zeitz/accounts/2fa/totp/activate/"
    # The password was set a minute ago: no second prompt for it (ADR 0037).
    setup = client.get("/zeitz/accounts/2fa/totp/activate/")
    assert setup.status_code == 200
    secret = setup.context["form"].secret
    response = client.post("/zeitz/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302

    response = client.get("/zeitz/backoffice/")
    assert response.status_code == 200
    assert [r["label"] for r in response.context["roles"]] == ["case worker"]
    with scope(municipality=zeitz):
        assert list(StaffRole.objects.filter(user=nora).values_list("role", flat=True)) == [
            "case_worker"
        ]
