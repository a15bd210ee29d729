"""The worked example of a tenant-scoped permission: the staff list of a municipality."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from revier.accounts.services import staff_role_grant
from revier.core.models import AuditLogEntry
from tests.api.conftest import token_header
from tests.conftest import PASSWORD, make_staff, make_user


@pytest.fixture
def both_staffed(zeitz, naumburg):
    """Staff in both towns; one person works for both with different roles."""
    make_staff(zeitz, "case_worker", "sachbearbeitung@zeitz.example", totp=False)
    make_staff(naumburg, "archivist", "archiv@naumburg.example", totp=False)
    shared = make_staff(zeitz, "moderator", "shared@burgenlandkreis.example", totp=False)
    with scope(municipality=naumburg):
        staff_role_grant(municipality=naumburg, user=shared, role="planner", actor=None)
    return shared


@pytest.mark.django_db
def test_administrator_sees_only_own_staff_with_their_roles_here(
    client, naumburg_admin, both_staffed
):
    response = client.get("/api/v1/naumburg/staff/", **token_header(naumburg_admin))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["results"] == [
        {"email": "administrator@naumburg.example", "first_name": "", "last_name": "",
         "roles": ["administrator"]},
        {"email": "archiv@naumburg.example", "first_name": "", "last_name": "",
         "roles": ["archivist"]},
        # The Zeitz role of the shared person stays hidden from Naumburg.
        {"email": "shared@burgenlandkreis.example", "first_name": "", "last_name": "",
         "roles": ["planner"]},
    ]  # fmt: skip


@pytest.mark.django_db
def test_administrator_of_another_municipality_is_forbidden(client, zeitz, naumburg_admin):
    response = client.get("/api/v1/zeitz/staff/", **token_header(naumburg_admin))

    assert response.status_code == 403
    with scope(municipality=zeitz):
        assert not AuditLogEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["case_worker", "moderator"])
def test_other_roles_are_forbidden(client, zeitz, role):
    user = make_staff(zeitz, role)

    assert client.get("/api/v1/zeitz/staff/", **token_header(user)).status_code == 403


@pytest.mark.django_db
def test_filter_by_role(client, zeitz_admin, both_staffed):
    response = client.get("/api/v1/zeitz/staff/?role=moderator", **token_header(zeitz_admin))

    assert [p["email"] for p in response.json()["results"]] == ["shared@burgenlandkreis.example"]


@pytest.mark.django_db
def test_reading_the_list_is_audited(client, zeitz, naumburg, zeitz_admin):
    client.get("/api/v1/zeitz/staff/?role=administrator", **token_header(zeitz_admin))

    with scope(municipality=zeitz):
        entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.actor_email, entry.action) == (
        zeitz_admin,
        "administrator@zeitz.example",
        "view",
    )
    assert entry.object_type == "accounts.StaffRole"
    assert entry.event == "accounts.staff_listed_api"
    assert entry.summary == "Listed staff through the API (/api/v1/zeitz/staff/?role=administrator)"
    assert entry.ip_address == "127.0.0.1"
    with scope(municipality=naumburg):
        assert not AuditLogEntry.objects.exists()


@pytest.mark.django_db
def test_session_of_administrator_with_two_factor_authentication(client, zeitz_admin):
    client.force_login(zeitz_admin)

    response = client.get("/api/v1/zeitz/staff/")

    assert response.status_code == 200
    assert response.json()["results"][0]["email"] == "administrator@zeitz.example"


@pytest.mark.django_db
def test_session_without_two_factor_authentication_is_forbidden(client, zeitz):
    admin = make_staff(zeitz, "administrator", totp=False)
    client.force_login(admin)

    response = client.get("/api/v1/zeitz/staff/")

    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
    # A token issued by the operator is enough.
    assert client.get("/api/v1/zeitz/staff/", **token_header(admin)).status_code == 200


@pytest.mark.django_db
def test_resident_session_is_forbidden(client, zeitz, resident):
    assert client.login(email=resident.email, password=PASSWORD)

    assert client.get("/api/v1/zeitz/staff/").status_code == 403


@pytest.mark.django_db
def test_query_count_does_not_grow_with_staff(client, zeitz, zeitz_admin):
    headers = token_header(zeitz_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/zeitz/staff/", **headers).status_code == 200
        return len(ctx.captured_queries)

    client.get("/api/v1/zeitz/staff/", **headers)  # warm the per-process municipality cache
    one = queries()
    for n in range(8):
        make_staff(zeitz, "case_worker", f"person{n}@zeitz.example", totp=False)
    make_user("not-staff@example.org")
    assert client.get("/api/v1/zeitz/staff/", **headers).json()["count"] == 9
    assert queries() == one
