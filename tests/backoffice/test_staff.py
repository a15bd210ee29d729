import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revier.accounts.models import User
from tests.backoffice.conftest import audit_entries, mu_url, roles_of
from tests.conftest import PASSWORD, make_staff, make_user

pytestmark = pytest.mark.django_db


def _list_queries(client, zeitz) -> int:
    client.get(mu_url(zeitz, "accounts_backoffice:staff_list"))  # warm the municipality cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(mu_url(zeitz, "accounts_backoffice:staff_list"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_staff_list_shows_staff_of_this_municipality_with_roles(
    admin_client, zeitz, naumburg, zeitz_admin
):
    worker = make_staff(zeitz, "case_worker", "clara@zeitz.example")
    with_two = make_staff(zeitz, "planner", "paul@zeitz.example")
    from django_scopes import scope

    from revier.accounts.services import staff_role_grant

    with scope(municipality=zeitz):
        staff_role_grant(municipality=zeitz, user=with_two, role="moderator", actor=None)
    make_staff(naumburg, "administrator", "other@naumburg.example")
    make_user("resident@example.org")

    response = admin_client.get(mu_url(zeitz, "accounts_backoffice:staff_list"))

    assert response.status_code == 200
    members = list(response.context["page"].object_list)
    assert {m.email for m in members} == {zeitz_admin.email, worker.email, with_two.email}
    roles = {m.email: [r.role for r in m.municipal_roles] for m in members}
    assert roles["paul@zeitz.example"] == ["moderator", "planner"]
    html = response.content.decode()
    assert "other@naumburg.example" not in html
    assert "resident@example.org" not in html


def test_staff_list_query_count_does_not_grow_with_staff(admin_client, zeitz):
    make_staff(zeitz, "case_worker", "one@zeitz.example", totp=False)
    few = _list_queries(admin_client, zeitz)
    for i in range(15):
        make_staff(zeitz, "planner" if i % 2 else "archivist", f"p{i}@zeitz.example", totp=False)
    many = _list_queries(admin_client, zeitz)
    assert many == few


def test_viewing_staff_list_and_person_is_audited(admin_client, zeitz, zeitz_admin):
    worker = make_staff(zeitz, "case_worker", "clara@zeitz.example")
    admin_client.get(mu_url(zeitz, "accounts_backoffice:staff_list"))
    admin_client.get(mu_url(zeitz, "accounts_backoffice:staff_detail", user_id=worker.pk))

    views = audit_entries(zeitz, action="view")
    assert [(e.actor_email, e.object_type, e.object_id) for e in views] == [
        (zeitz_admin.email, "accounts.User", ""),
        (zeitz_admin.email, "accounts.User", str(worker.pk)),
    ]
    assert views[1].summary == "viewed staff member"


def test_invite_new_person_creates_account_and_sends_password_link(
    admin_client, zeitz, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            mu_url(zeitz, "accounts_backoffice:staff_invite"),
            {"email": "New.Person@Zeitz.example", "first_name": "Nora", "roles": ["case_worker"]},
        )

    user = User.objects.get(email="new.person@zeitz.example")
    assert response.status_code == 302
    assert response["Location"] == mu_url(
        zeitz, "accounts_backoffice:staff_detail", user_id=user.pk
    )
    assert user.first_name == "Nora"
    assert not user.has_usable_password()
    assert not user.emailaddress_set.get().verified
    assert roles_of(user, zeitz) == {"case_worker"}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@zeitz.example"]
    assert "Zeitz" in message.subject
    assert re.search(r"http://testserver/zeitz/accounts/password/reset/key/\S+/", message.body)
    summaries = [e.summary for e in audit_entries(zeitz)]
    assert summaries == ["invited as staff", "granted role case_worker"]


def test_invite_existing_person_sends_login_link_without_password_link(
    admin_client, zeitz, django_capture_on_commit_callbacks
):
    existing = make_user("known@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            mu_url(zeitz, "accounts_backoffice:staff_invite"),
            {"email": "known@example.org", "roles": ["archivist", "planner"]},
        )
    assert response.status_code == 302
    assert roles_of(existing, zeitz) == {"archivist", "planner"}
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)
    body = mail.outbox[0].body
    assert "/password/reset/key/" not in body
    assert "http://testserver/zeitz/accounts/login/" in body


def test_invite_with_bad_input_keeps_values_and_changes_nothing(admin_client, zeitz):
    users_before = User.objects.count()
    response = admin_client.post(
        mu_url(zeitz, "accounts_backoffice:staff_invite"),
        {"email": "not-an-address", "first_name": "Nora", "last_name": "Neu", "roles": []},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"email", "roles"}
    html = response.content.decode()
    assert 'value="Nora"' in html and 'value="Neu"' in html and 'value="not-an-address"' in html
    assert 'aria-invalid="true"' in html
    assert User.objects.count() == users_before
    assert mail.outbox == []


def test_invite_of_existing_staff_member_is_a_field_error(admin_client, zeitz):
    make_staff(zeitz, "planner", "paul@zeitz.example")
    response = admin_client.post(
        mu_url(zeitz, "accounts_backoffice:staff_invite"),
        {"email": "paul@zeitz.example", "roles": ["moderator"]},
    )
    assert response.status_code == 400
    assert "already staff" in response.context["form"].errors["email"][0]
    assert roles_of(User.objects.get(email="paul@zeitz.example"), zeitz) == {"planner"}
    assert mail.outbox == []


def test_edit_roles_grants_and_revokes_with_audit(admin_client, zeitz):
    worker = make_staff(zeitz, "case_worker", "clara@zeitz.example")
    response = admin_client.post(
        mu_url(zeitz, "accounts_backoffice:staff_detail", user_id=worker.pk),
        {"roles": ["moderator", "planner"]},
    )
    assert response.status_code == 302
    assert roles_of(worker, zeitz) == {"moderator", "planner"}
    changes = [e.summary for e in audit_entries(zeitz, action="change")]
    assert changes == ["revoked role case_worker", "granted role moderator", "granted role planner"]


def test_edit_roles_without_any_role_is_a_field_error(admin_client, zeitz):
    worker = make_staff(zeitz, "case_worker", "clara@zeitz.example")
    response = admin_client.post(
        mu_url(zeitz, "accounts_backoffice:staff_detail", user_id=worker.pk), {}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["roles"] == ["Choose at least one role."]
    assert roles_of(worker, zeitz) == {"case_worker"}


def test_last_administrator_cannot_drop_own_admin_role(admin_client, zeitz, zeitz_admin):
    response = admin_client.post(
        mu_url(zeitz, "accounts_backoffice:staff_detail", user_id=zeitz_admin.pk),
        {"roles": ["planner"]},
    )
    assert response.status_code == 400
    assert "last administrator" in response.content.decode()
    assert roles_of(zeitz_admin, zeitz) == {"administrator"}


def test_remove_from_staff_asks_then_removes(admin_client, zeitz):
    worker = make_staff(zeitz, "case_worker", "clara@zeitz.example")
    url = mu_url(zeitz, "accounts_backoffice:staff_remove", user_id=worker.pk)
    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert roles_of(worker, zeitz) == {"case_worker"}

    response = admin_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == mu_url(zeitz, "accounts_backoffice:staff_list")
    assert roles_of(worker, zeitz) == set()
    assert User.objects.filter(pk=worker.pk).exists()
    assert admin_client.get(url).status_code == 404


def test_last_administrator_cannot_remove_themself(admin_client, zeitz, zeitz_admin):
    response = admin_client.post(
        mu_url(zeitz, "accounts_backoffice:staff_remove", user_id=zeitz_admin.pk)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="kern-alert kern-alert--danger" role="alert"' in html
    assert "You are the last administrator" in html
    assert roles_of(zeitz_admin, zeitz) == {"administrator"}


def test_administrator_can_leave_when_another_remains(client, zeitz, zeitz_admin):
    make_staff(zeitz, "administrator", "second@zeitz.example")
    client.force_login(zeitz_admin)
    response = client.post(
        mu_url(zeitz, "accounts_backoffice:staff_remove", user_id=zeitz_admin.pk)
    )
    assert response.status_code == 302
    assert roles_of(zeitz_admin, zeitz) == set()


def test_staff_of_other_municipality_is_not_found_here(admin_client, zeitz, naumburg):
    other = make_staff(naumburg, "case_worker", "nina@naumburg.example")
    assert (
        admin_client.get(
            mu_url(zeitz, "accounts_backoffice:staff_detail", user_id=other.pk)
        ).status_code
        == 404
    )
    response = admin_client.post(
        mu_url(zeitz, "accounts_backoffice:staff_detail", user_id=other.pk), {"roles": ["planner"]}
    )
    assert response.status_code == 404
    assert roles_of(other, zeitz) == set()


def test_dashboard_lists_roles_and_permitted_sections(client, zeitz):
    moderator = make_staff(zeitz, "moderator", "mo@zeitz.example")
    client.force_login(moderator)
    response = client.get(mu_url(zeitz, "backoffice:dashboard"))
    assert response.status_code == 200
    assert response.context["roles"] == [{"label": "moderator", "available": True, "module": ""}]
    assert [s.key for s in response.context["sections"]] == ["news", "feedback"]
    html = response.content.decode()
    assert mu_url(zeitz, "portal_backoffice:feedback_list") in html
    assert mu_url(zeitz, "accounts_backoffice:staff_list") not in html
