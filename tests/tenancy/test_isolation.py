"""Tenant data is isolated fail-closed: without an active municipality, queries raise."""

import pytest
from django_scopes import ScopeError, scope

from revier.accounts.models import StaffRole
from revier.core.audit import audit_log
from revier.core.models import AuditLogEntry
from revier.news.models import NewsItem
from revier.news.services import news_create
from tests.conftest import make_staff


@pytest.fixture
def two_towns(zeitz, naumburg):
    for town in (zeitz, naumburg):
        with scope(municipality=town):
            news_create(
                municipality=town,
                title=f"Meldung {town.name}",
                summary="s",
                body="b",
                actor=None,
                publish=True,
            )
    return zeitz, naumburg


@pytest.mark.parametrize("model", [NewsItem, StaffRole, AuditLogEntry])
def test_query_without_scope_raises(db, model):
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model.objects.filter(pk=1).exists()
    with pytest.raises(ScopeError):
        model.objects.count()


def test_scope_confines_queries_to_one_municipality(two_towns):
    zeitz, naumburg = two_towns
    with scope(municipality=zeitz):
        assert list(NewsItem.objects.values_list("title", flat=True)) == ["Meldung Zeitz"]
        # A direct lookup of the other town's row by primary key finds nothing.
    with scope(municipality=naumburg):
        naumburg_pk = NewsItem.objects.get().pk
    with scope(municipality=zeitz):
        assert not NewsItem.objects.filter(pk=naumburg_pk).exists()
        assert NewsItem.objects.filter(pk=naumburg_pk).update(title="hijacked") == 0
    with scope(municipality=naumburg):
        assert NewsItem.objects.get().title == "Meldung Naumburg (Saale)"


def test_page_of_one_town_never_shows_the_other(client, two_towns):
    response = client.get("/zeitz/aktuelles/")
    assert response.status_code == 200
    assert b"Meldung Zeitz" in response.content
    assert b"Meldung Naumburg" not in response.content
    naumburg_slug = "meldung-naumburg-saale"
    assert client.get(f"/zeitz/aktuelles/{naumburg_slug}/").status_code == 404
    assert client.get(f"/naumburg/aktuelles/{naumburg_slug}/").status_code == 200


def test_staff_role_of_one_town_grants_nothing_in_another(zeitz, naumburg):
    admin = make_staff(naumburg, "administrator")
    assert admin.has_perm("accounts.manage_staff", naumburg)
    assert not admin.has_perm("accounts.manage_staff", zeitz)
    assert not admin.has_perm("backoffice.access", zeitz)


def test_audit_log_entries_belong_to_their_municipality(zeitz, naumburg, zeitz_admin):
    with scope(municipality=zeitz):
        audit_log(municipality=zeitz, actor=zeitz_admin, action="view", obj=zeitz_admin)
    with scope(municipality=naumburg):
        assert not AuditLogEntry.objects.exists()
    with scope(municipality=zeitz):
        entry = AuditLogEntry.objects.get()
        assert entry.actor_email == zeitz_admin.email
        assert entry.object_type == "accounts.User"
