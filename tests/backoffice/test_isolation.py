"""Tenant isolation of the back office: staff of one municipality never reach another's.

The walk over every back-office page and API operation of every module is
tests/kit/test_isolation_by_construction.py; here: the framework's own pages in detail (what a
refused POST leaves unchanged, roles inside one municipality, the login and TOTP redirects)."""

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver
from django_scopes import ScopeError, scope

from revier.accounts.models import StaffRole, User
from revier.portal.models import AccessibilityFeedback
from revier.tenancy.models import Domain, Municipality
from revier.tenancy.services import domain_add
from tests.backoffice.conftest import mu_url, roles_of
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


# The platform's own back-office pages: the shell and the pages of accounts, portal, tenancy.
NAMESPACES = ("backoffice", "accounts_backoffice", "portal_backoffice", "tenancy_backoffice")


def _backoffice_url_names() -> dict[str, str]:
    """Page name -> namespaced URL name."""
    resolver = get_resolver(settings.MUNICIPALITY_URLCONF)
    names = {}
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in NAMESPACES:
            names.update({p.name: f"{entry.namespace}:{p.name}" for p in entry.url_patterns})
    assert names, "the back office is not mounted"
    return names


@pytest.fixture
def zeitz_pages(zeitz, make_feedback):
    """Every back-office page of Zeitz, with real objects of Zeitz in the URLs."""
    worker = make_staff(zeitz, "case_worker", "clara@zeitz.example")
    feedback = make_feedback()
    domain = domain_add(municipality=zeitz, domain="service.zeitz.de")
    kwargs = {
        "staff_detail": {"user_id": worker.pk},
        "staff_remove": {"user_id": worker.pk},
        "feedback_detail": {"pk": feedback.pk},
        "settings_domain_remove": {"pk": domain.pk},
    }
    names = _backoffice_url_names()
    # Guard: a page added later without an entry here would need kwargs; fail loudly.
    assert {"dashboard", "staff_list", "audit_log", "settings"} <= set(names)
    return {
        name: mu_url(zeitz, full_name, **kwargs.get(name, {})) for name, full_name in names.items()
    }


def test_naumburg_administrator_gets_403_on_every_zeitz_page(client, naumburg_admin, zeitz_pages):
    client.force_login(naumburg_admin)
    for name, url in zeitz_pages.items():
        response = client.get(url)
        assert response.status_code == 403, name
        html = response.content.decode()
        # The KERN error page of the portal, naming the municipality.
        assert "kern-heading" in html, name
        assert "only for staff of Zeitz" in html, name


def test_naumburg_administrator_cannot_change_zeitz_by_post(
    client, zeitz, naumburg, naumburg_admin, zeitz_pages, zeitz_admin
):
    client.force_login(naumburg_admin)
    worker_id = int(zeitz_pages["staff_detail"].rstrip("/").rsplit("/", 1)[1])
    before = Municipality.objects.get(pk=zeitz.pk)

    posts = [
        ("staff_invite", {"email": "spy@naumburg.example", "roles": ["administrator"]}),
        ("staff_detail", {"roles": ["administrator"]}),
        ("staff_remove", {}),
        ("feedback_detail", {"status": "closed"}),
        ("settings", {"email": "hijacked@naumburg.example", "primary_colour": "#000000"}),
        ("settings_logo", {"remove": "on"}),
        ("settings_domain_add", {"domain": "evil.example"}),
        ("settings_domain_remove", {}),
    ]
    for name, data in posts:
        assert client.post(zeitz_pages[name], data).status_code == 403, name

    worker = User.objects.get(pk=worker_id)
    assert roles_of(worker, zeitz) == {"case_worker"}
    assert roles_of(zeitz_admin, zeitz) == {"administrator"}
    assert not User.objects.filter(email="spy@naumburg.example").exists()
    with scope(municipality=zeitz):
        assert list(AccessibilityFeedback.objects.values_list("status", flat=True)) == ["new"]
        assert StaffRole.objects.count() == 2
    after = Municipality.objects.get(pk=zeitz.pk)
    assert (after.email, after.primary_colour, after.updated_at) == (
        before.email,
        before.primary_colour,
        before.updated_at,
    )
    assert list(Domain.objects.values_list("domain", flat=True)) == ["service.zeitz.de"]


def test_case_worker_without_admin_role_gets_403_on_admin_pages(client, zeitz, zeitz_pages):
    client.force_login(make_staff(zeitz, "case_worker", "worker2@zeitz.example"))
    assert client.get(zeitz_pages["dashboard"]).status_code == 200
    admin_only = [
        "staff_list",
        "staff_invite",
        "staff_detail",
        "staff_remove",
        "audit_log",
        "settings",
        "settings_domain_remove",
        "feedback_list",
        "feedback_detail",
    ]
    for name in admin_only:
        response = client.get(zeitz_pages[name])
        assert response.status_code == 403, name
        assert "Your role does not allow this." in response.content.decode(), name
    for name in ["settings", "settings_logo", "settings_domain_add", "staff_invite"]:
        assert client.post(zeitz_pages[name], {"email": "x@example.org"}).status_code == 403


def test_resident_gets_403(client, resident, zeitz_pages):
    client.force_login(resident)
    for name, url in zeitz_pages.items():
        assert client.get(url).status_code == 403, name


def test_anonymous_is_redirected_to_login(client, zeitz_pages):
    for name, url in zeitz_pages.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/zeitz/accounts/login/?next=/zeitz/backoffice/")


def test_staff_without_totp_is_sent_to_totp_setup(client, zeitz):
    client.force_login(make_staff(zeitz, "administrator", "nototp@zeitz.example", totp=False))
    response = client.get(mu_url(zeitz, "accounts_backoffice:staff_list"))
    assert response.status_code == 302
    assert response["Location"] == "/zeitz/accounts/2fa/totp/activate/"


def test_staff_roles_outside_a_scope_raise_scope_error(zeitz_admin):
    with pytest.raises(ScopeError):
        list(StaffRole.objects.all())
