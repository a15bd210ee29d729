import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from revier.portal.models import AccessibilityFeedback
from tests.backoffice.conftest import audit_entries, mu_url
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def _status(feedback) -> str:
    with scope(municipality=feedback.municipality):
        return AccessibilityFeedback.objects.get(pk=feedback.pk).status


def test_moderator_lists_feedback_of_this_municipality(client, zeitz, naumburg, make_feedback):
    mine = make_feedback(message="Contrast of the footer is too low.")
    make_feedback(municipality=naumburg, message="Naumburg only.")
    client.force_login(make_staff(zeitz, "moderator", "mo@zeitz.example"))

    response = client.get(mu_url(zeitz, "portal_backoffice:feedback_list"))

    assert response.status_code == 200
    assert [f.pk for f in response.context["page"].object_list] == [mine.pk]
    assert "Naumburg only." not in response.content.decode()


def test_list_filters_by_status_with_constant_queries(admin_client, zeitz, make_feedback):
    first = make_feedback(message="first")
    url = mu_url(zeitz, "portal_backoffice:feedback_list")
    admin_client.get(url)  # warm the municipality cache
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for i in range(12):
        make_feedback(message=f"more {i}")
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)

    with scope(municipality=zeitz):
        AccessibilityFeedback.objects.filter(pk=first.pk).update(status="closed")
    response = admin_client.get(url, {"status": "closed"})
    assert [f.pk for f in response.context["page"].object_list] == [first.pk]


def test_detail_with_personal_data_is_audited(admin_client, zeitz, zeitz_admin, make_feedback):
    feedback = make_feedback(name="Erika Muster", email="erika@example.org")
    response = admin_client.get(mu_url(zeitz, "portal_backoffice:feedback_detail", pk=feedback.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Erika Muster" in html and "erika@example.org" in html
    [entry] = audit_entries(zeitz, action="view")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        zeitz_admin,
        "portal.AccessibilityFeedback",
        str(feedback.pk),
    )


def test_mark_answered_then_closed(admin_client, zeitz, make_feedback):
    feedback = make_feedback()
    url = mu_url(zeitz, "portal_backoffice:feedback_detail", pk=feedback.pk)

    response = admin_client.post(url, {"status": "answered"})
    assert response.status_code == 302
    assert _status(feedback) == "answered"
    admin_client.post(url, {"status": "closed"})
    assert _status(feedback) == "closed"
    assert [e.summary for e in audit_entries(zeitz, action="change")] == [
        "Changed the status from new to answered",
        "Changed the status from answered to closed",
    ]


def test_unknown_status_is_a_field_error(admin_client, zeitz, make_feedback):
    feedback = make_feedback()
    response = admin_client.post(
        mu_url(zeitz, "portal_backoffice:feedback_detail", pk=feedback.pk), {"status": "deleted"}
    )
    assert response.status_code == 400
    assert "status" in response.context["form"].errors
    assert _status(feedback) == "new"


def test_feedback_of_another_municipality_is_not_found(
    admin_client, zeitz, naumburg, make_feedback
):
    foreign = make_feedback(municipality=naumburg)
    url = mu_url(zeitz, "portal_backoffice:feedback_detail", pk=foreign.pk)
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url, {"status": "closed"}).status_code == 404
    assert _status(foreign) == "new"


def test_set_status_service_rejects_unknown_status(zeitz, zeitz_admin, make_feedback):
    from django.core.exceptions import ValidationError

    from revier.portal.services import accessibility_feedback_set_status

    feedback = make_feedback()
    with scope(municipality=zeitz), pytest.raises(ValidationError):
        accessibility_feedback_set_status(feedback=feedback, status="gone", actor=zeitz_admin)
    assert _status(feedback) == "new"
