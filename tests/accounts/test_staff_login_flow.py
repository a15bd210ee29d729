"""The staff's way in (issue 12, ADR 0037): no second password prompt right after logging in,
the same TOTP secret across reloads until it is confirmed, and the page asked for at the end."""

import pytest
from django_scopes import scope

from revier.accounts.services import staff_role_grant
from tests.conftest import PASSWORD, enable_totp, make_user, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/zeitz/accounts/login/"
ACTIVATE = "/zeitz/accounts/2fa/totp/activate/"
WANTED = "/zeitz/backoffice/protokoll/?action=view"


def _staff(zeitz, email="clerk@zeitz.example", role="administrator"):
    user = make_user(email)
    with scope(municipality=zeitz):
        staff_role_grant(municipality=zeitz, user=user, role=role, actor=None)
    return user


def test_totp_setup_right_after_login_asks_no_password_and_ends_on_the_page_asked_for(
    client, zeitz
):
    _staff(zeitz)
    # The page asked for sends to the login, which keeps it as ?next=.
    response = client.get(WANTED)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN + "?next=")
    response = client.post(
        response["Location"], {"login": "clerk@zeitz.example", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == WANTED
    # No TOTP yet: the back office sends to the set-up, straight away (no reauthentication).
    response = client.get(WANTED)
    assert response["Location"] == ACTIVATE
    setup = client.get(ACTIVATE)
    assert setup.status_code == 200, setup.get("Location")
    secret = setup.context["form"].secret
    # A reload shows the same secret: the authenticator app scanned it already.
    assert client.get(ACTIVATE).context["form"].secret == secret
    # A wrong code keeps it as well.
    wrong = client.post(ACTIVATE, {"code": "000000"})
    assert wrong.status_code == 200 and wrong.context["form"].secret == secret
    done = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert done.status_code == 302
    codes = client.get(done["Location"])
    html = codes.content.decode()
    assert f'href="{WANTED.replace("&", "&amp;")}"' in html
    assert "Continue to the page you asked for" in html
    assert client.get(WANTED).status_code == 200
    # Offered once: arriving in the back office forgets it.
    assert "Continue to the page you asked for" not in client.get(done["Location"]).content.decode()


def test_login_with_totp_lands_on_the_page_asked_for(client, zeitz):
    user = _staff(zeitz)
    secret = enable_totp(user)
    response = client.get(WANTED)
    response = client.post(
        response["Location"], {"login": "clerk@zeitz.example", "password": PASSWORD}
    )
    assert response["Location"] == "/zeitz/accounts/2fa/authenticate/"
    response = client.post(response["Location"], {"code": totp_code(secret)})
    assert response.status_code == 302 and response["Location"] == WANTED


def test_a_foreign_next_is_not_followed(client, zeitz):
    user = _staff(zeitz)
    secret = enable_totp(user)
    response = client.post(
        LOGIN + "?next=https://evil.example/x",
        {"login": "clerk@zeitz.example", "password": PASSWORD},
    )
    response = client.post(response["Location"], {"code": totp_code(secret)})
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_a_later_change_of_the_second_factor_asks_for_the_password(client, zeitz, settings):
    """The reauthentication window still holds: an old login does not count."""
    _staff(zeitz)
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    client.post(LOGIN, {"login": "clerk@zeitz.example", "password": PASSWORD})
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith("/zeitz/accounts/reauthenticate/")
