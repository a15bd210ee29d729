"""Login through a real OIDC provider (django-oauth-toolkit on loopback) with Django's test
client: authorization code with PKCE, state and nonce checked, the trust level and profile
stored; the level of the session decides about services that require one."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django_scopes import scope
from rest_framework.authtoken.models import Token

from revier.accounts.models import TrustLevel, User
from revier.accounts.oidc import NONCE_STATE_KEY, SESSION_KEY
from tests.conftest import PASSWORD, make_user
from tests.oidc.conftest import CALLBACK_PATH
from tests.oidc.flow import provider_login, query_of

LOGIN = "/zeitz/accounts/oidc/bundid/login/"


def _start(client, next_url="/zeitz/"):
    response = client.post(LOGIN, {"process": "login", "next": next_url})
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def _log_in(client, username, next_url="/zeitz/"):
    back = provider_login(_start(client, next_url), username)
    assert back.startswith(f"http://testserver/zeitz{CALLBACK_PATH}?")
    return client.get(back)


def _form_action(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    directive = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    return directive.split()[1:]


def test_pages_with_provider_buttons_may_post_to_the_provider(zeitz, bundid, oidc_provider):
    """Browsers apply form-action to the redirect after the post: the login page must allow
    the provider's origin, other pages must not."""
    client = Client()
    login = client.get("/zeitz/accounts/login/")
    assert _form_action(login) == ["'self'", oidc_provider]
    confirm = client.get(LOGIN)
    assert oidc_provider in _form_action(confirm)
    assert _form_action(client.get("/zeitz/")) == ["'self'"]


def test_login_page_offers_the_provider_as_a_post_form(zeitz, bundid):
    page = Client().get("/zeitz/accounts/login/?next=/zeitz/leistungen/")
    html = page.content.decode()
    assert page.status_code == 200
    action = f"{LOGIN}?process=login&amp;next=%2Fzeitz%2Fleistungen%2F"
    assert f'action="{action}"' in html
    assert "BundID" in html and 'method="post"' in html


def test_authorization_request_uses_pkce_state_and_nonce(zeitz, bundid, oidc_provider):
    client = Client()
    url = _start(client)
    assert url.startswith(f"{oidc_provider}/o/authorize/?")
    query = query_of(url)
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) >= 43
    assert len(query["state"]) >= 12 and len(query["nonce"]) >= 32
    assert query["redirect_uri"] == f"http://testserver/zeitz{CALLBACK_PATH}"
    assert set(query["scope"].split()) == {"openid", "profile", "email", "address"}
    # A second login gets fresh values.
    again = query_of(_start(client))
    assert again["state"] != query["state"] and again["nonce"] != query["nonce"]


def test_login_stores_trust_level_and_fills_the_profile(zeitz, bundid):
    client = Client()
    response = _log_in(client, "erika", next_url="/zeitz/leistungen/")
    assert response.status_code == 302 and response["Location"] == "/zeitz/leistungen/"
    user = User.objects.get(email="erika.mustermann@example.org")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session[SESSION_KEY] == TrustLevel.HIGH
    assert user.trust_level == TrustLevel.HIGH and user.trust_level_at is not None
    assert (user.first_name, user.last_name) == ("Erika", "Mustermann")
    assert str(user.birth_date) == "1964-08-12"
    assert (user.street, user.postcode, user.city) == ("Heidestraße 17", "06712", "Zeitz")
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).provider == "bundid"
    assert not user.has_usable_password()


def test_existing_account_is_found_by_verified_address_and_keeps_what_was_typed(zeitz, bundid):
    anna = make_user("anna.schmidt@example.org", first_name="Anna")
    anna.street = "Altmarkt 3"
    anna.save()
    client = Client()
    _log_in(client, "anna")
    anna.refresh_from_db()
    assert int(client.session["_auth_user_id"]) == anna.pk
    assert anna.first_name == "Anna"  # not "Annabelle" from the provider
    assert anna.street == "Altmarkt 3"
    assert anna.last_name == "Schmidt" and str(anna.birth_date) == "1980-05-17"
    # The provider reported a level Revier does not know: no level at all.
    assert anna.trust_level == "" and anna.trust_level_at is None
    assert client.session[SESSION_KEY] == ""
    assert anna.check_password(PASSWORD)  # the local password still works


def test_unverified_address_is_not_taken_as_verified(zeitz, bundid):
    client = Client()
    response = _log_in(client, "lena")
    assert response.status_code == 302
    assert "/accounts/confirm-email/" in response["Location"]
    lena = User.objects.get(email="lena@example.org")
    assert not EmailAddress.objects.get(user=lena).verified
    assert "_auth_user_id" not in client.session


def test_tampered_state_is_refused(zeitz, bundid):
    client = Client()
    back = provider_login(_start(client), "erika")
    tampered = back.replace(f"state={query_of(back)['state']}", "state=forged-state-value")
    response = client.get(tampered)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 401  # allauth's authentication error page
    assert not User.objects.filter(email="erika.mustermann@example.org").exists()
    # An answer without any state is refused as well.
    response = client.get(back.split("&state=")[0].split("?state=")[0])
    assert "_auth_user_id" not in client.session


def test_nonce_mismatch_is_refused(zeitz, bundid):
    client = Client()
    back = provider_login(_start(client), "erika")
    # The ID token repeats the nonce sent; here the nonce stashed with the state changes, as if
    # the token belonged to another login.
    session = client.session
    states = session["socialaccount_states"]
    state_id = query_of(back)["state"]
    states[state_id][0][NONCE_STATE_KEY] = "another-nonce"
    session["socialaccount_states"] = states
    session.save()
    response = client.get(back)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 401
    assert response.templates[0].name == "socialaccount/authentication_error.html"
    assert not User.objects.filter(email="erika.mustermann@example.org").exists()


def test_answer_is_bound_to_the_browser_that_started(zeitz, bundid):
    client = Client()
    back = provider_login(_start(client), "erika")
    # Another browser (no state in its session) cannot use the answer: no login CSRF.
    other = Client()
    response = other.get(back)
    assert "_auth_user_id" not in other.session
    assert response.status_code == 401  # allauth's authentication error page
    # The browser that started it logs in; a second use of the same answer is refused.
    assert client.get(back).status_code == 302
    client.logout()
    client.get(back)
    assert "_auth_user_id" not in client.session


@pytest.fixture
def high_service(zeitz):
    from revier.services.services import local_service_set
    from tests.applications.conftest import offer_form

    offer = offer_form(zeitz)
    with scope(municipality=zeitz):
        local_service_set(
            municipality=zeitz,
            service=offer["service"],
            actor=None,
            online=True,
            min_trust_level=TrustLevel.HIGH,
        )
    return offer


def test_service_requires_the_level_of_this_session(zeitz, bundid, high_service, oidc_provider):
    start = f"/zeitz/antrag/neu/{high_service['service'].leika}/"
    # max proves "substantial": refused with a page that offers the provider login.
    make_user("max.mustermann@example.org")
    client = Client()
    _log_in(client, "max")
    max_ = User.objects.get(email="max.mustermann@example.org")
    assert max_.trust_level == TrustLevel.SUBSTANTIAL
    refused = client.get(start)
    assert refused.status_code == 403
    assert refused.templates[0].name == "applications/trust_level_needed.html"
    leika = high_service["service"].leika
    action = f"{LOGIN}?process=login&amp;next=%2Fzeitz%2Fantrag%2Fneu%2F{leika}%2F"
    assert f'action="{action}"' in refused.content.decode()
    assert oidc_provider in _form_action(refused)
    assert client.post(start).status_code == 403

    # erika proves "high": the start page opens and the application starts.
    erika = Client()
    _log_in(erika, "erika", next_url=start)
    assert erika.get(start).status_code == 200
    started = erika.post(start)
    assert started.status_code == 302 and "/seite/0/" in started["Location"]

    # A password login after an eID login is no eID login: the session's level counts.
    erika_user = User.objects.get(email="erika.mustermann@example.org")
    erika_user.set_password(PASSWORD)
    erika_user.save()
    EmailAddress.objects.filter(user=erika_user).update(verified=True)
    erika.logout()
    response = erika.post(
        "/zeitz/accounts/login/", {"login": "erika.mustermann@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert erika.session[SESSION_KEY] == ""
    erika_user.refresh_from_db()
    assert erika_user.trust_level == TrustLevel.HIGH  # stored, but not proven in this session
    assert erika.get(start).status_code == 403


def test_service_page_names_the_level(zeitz, bundid, high_service):
    page = Client().get(f"/zeitz/leistungen/{high_service['service'].leika}/")
    assert page.status_code == 200
    assert "Online-Ausweis" in page.content.decode()


def test_api_refuses_tokens_for_services_with_a_level(zeitz, bundid, high_service):
    from rest_framework.test import APIClient

    url = "/api/v1/zeitz/applications/"
    body = {"form": high_service["version"].pk, "data": {}}
    user = make_user("token@example.org")
    user.trust_level = TrustLevel.HIGH  # even a stored level does not make a token an eID
    user.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = api.post(url, body, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["min_trust_level"] == "high"
    assert response.json()["type"].endswith("trust-level-required")

    # A browser session that logged in with "high" may use the API (its answers are checked).
    erika = Client()
    _log_in(erika, "erika")
    response = erika.post(url, body, content_type="application/json")
    assert response.status_code == 400, response.content
