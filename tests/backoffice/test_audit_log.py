import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from revier.core.audit import audit_log
from revier.core.models import AuditLogEntry
from tests.backoffice.conftest import mu_url
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def _entry(municipality, actor, action="view", when=None, summary="test entry"):
    with scope(municipality=municipality):
        entry = audit_log(
            municipality=municipality, actor=actor, action=action, object_type="x", summary=summary
        )
        if when is not None:
            AuditLogEntry.objects.filter(pk=entry.pk).update(created_at=when)
    return entry


def _shown(response) -> list[str]:
    return [e.summary for e in response.context["page"].object_list]


def test_lists_only_this_municipality_newest_first(admin_client, zeitz, naumburg, zeitz_admin):
    other = make_staff(naumburg, "administrator", "admin@naumburg.example")
    now = timezone.now()
    _entry(zeitz, zeitz_admin, summary="older", when=now - dt.timedelta(days=2))
    _entry(zeitz, zeitz_admin, summary="newer", when=now - dt.timedelta(days=1))
    _entry(naumburg, other, summary="naumburg secret")

    response = admin_client.get(mu_url(zeitz, "backoffice:audit_log"))

    assert response.status_code == 200
    # The view records itself first (newest), then the older entries follow.
    assert _shown(response) == ["viewed audit log", "newer", "older"]
    assert "naumburg secret" not in response.content.decode()


def test_filters_by_actor_action_and_date_range(admin_client, zeitz, zeitz_admin):
    clerk = make_staff(zeitz, "case_worker", "clerk@zeitz.example")
    day = timezone.make_aware(dt.datetime(2026, 3, 10, 12, 0))
    _entry(zeitz, clerk, "view", day - dt.timedelta(days=1), "clerk before")
    _entry(zeitz, clerk, "view", day.replace(hour=0, minute=5), "clerk early on the 10th")
    _entry(zeitz, clerk, "change", day, "clerk change")
    _entry(zeitz, clerk, "view", day.replace(hour=23, minute=55), "clerk late on the 11th")
    _entry(zeitz, zeitz_admin, "view", day, "admin view")
    url = mu_url(zeitz, "backoffice:audit_log")

    response = admin_client.get(url, {"actor": "CLERK@", "action": "view"})
    assert _shown(response) == ["clerk late on the 11th", "clerk early on the 10th", "clerk before"]

    response = admin_client.get(
        url, {"actor": "clerk", "date_from": "2026-03-10", "date_to": "2026-03-10"}
    )
    assert _shown(response) == ["clerk late on the 11th", "clerk change", "clerk early on the 10th"]
    # "late on the 11th" is 23:55 local time on the 10th: whole local days count.

    response = admin_client.get(url, {"date_to": "2026-03-09"})
    assert _shown(response) == ["clerk before"]


def test_invalid_filter_shows_field_error_and_keeps_values(admin_client, zeitz):
    response = admin_client.get(
        mu_url(zeitz, "backoffice:audit_log"),
        {"actor": "clerk", "date_from": "2026-03-10", "date_to": "2026-03-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "date_to": ["The end date must not be before the start date."]
    }
    html = response.content.decode()
    assert 'value="clerk"' in html and 'value="2026-03-10"' in html


def test_pagination_and_constant_query_count(admin_client, zeitz, zeitz_admin):
    url = mu_url(zeitz, "backoffice:audit_log")
    for i in range(5):
        _entry(zeitz, zeitz_admin, summary=f"e{i}")
    admin_client.get(url, {"action": "view"})  # warm the municipality cache
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url, {"action": "view"})
    with scope(municipality=zeitz):
        AuditLogEntry.objects.bulk_create(
            [
                AuditLogEntry(
                    municipality=zeitz,
                    actor=zeitz_admin,
                    actor_email=zeitz_admin.email,
                    action="view",
                    object_type="x",
                    summary=f"bulk {i}",
                )
                for i in range(120)
            ]
        )
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url, {"action": "view", "page": "2"})
    assert len(many.captured_queries) == len(few.captured_queries)

    page = response.context["page"]
    assert page.number == 2
    assert page.paginator.num_pages == 3
    assert len(page.object_list) == 50
    html = response.content.decode()
    # Page links keep the filter.
    assert "?action=view&amp;page=3" in html and "?action=view&amp;page=1" in html


def test_viewing_the_audit_log_is_itself_recorded(admin_client, zeitz, zeitz_admin):
    admin_client.get(mu_url(zeitz, "backoffice:audit_log"))
    with scope(municipality=zeitz):
        entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type) == (
        zeitz_admin,
        "view",
        "core.AuditLogEntry",
    )
