"""The inbox as the kit's data table (issue 12, ADR 0037): sortable columns by query parameter,
a selection with two bulk actions behind services, and a number of queries that does not grow."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from revier.cases.models import Case
from revier.core.models import AuditLogEntry
from tests.cases.conftest import INBOX, make_case
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def _order(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["case"].reference for row in response.context["rows"]]


def test_columns_sort_on_the_server_both_ways(client, zeitz, worker):
    today = timezone.localdate()
    a = make_case(zeitz, 1, applicant_name="Zora", due_date=today + dt.timedelta(days=3))
    b = make_case(zeitz, 2, applicant_name="Anton", due_date=today + dt.timedelta(days=1))
    c = make_case(zeitz, 3, applicant_name="Mia")  # no due date: last either way
    client.force_login(worker)
    # Default: newest first (make_case makes higher numbers older).
    assert _order(client.get(INBOX)) == [a.reference, b.reference, c.reference]
    assert _order(client.get(INBOX + "?sort=applicant")) == [b.reference, c.reference, a.reference]
    assert _order(client.get(INBOX + "?sort=-applicant")) == [a.reference, c.reference, b.reference]
    assert _order(client.get(INBOX + "?sort=due")) == [b.reference, a.reference, c.reference]
    assert _order(client.get(INBOX + "?sort=-due")) == [a.reference, b.reference, c.reference]
    assert _order(client.get(INBOX + "?sort=received")) == [c.reference, b.reference, a.reference]
    # Anything else is the default order, never an error.
    assert _order(client.get(INBOX + "?sort=nonsense;drop")) == [
        a.reference,
        b.reference,
        c.reference,
    ]

    html = client.get(INBOX + "?sort=applicant&kind=open&page=1").content.decode()
    # The sorted column says so; its link turns the order round and keeps the filter, not the page.
    header = re.search(
        r'<th class="kern-table__header" scope="col" aria-sort="ascending">(.*?)</th>', html
    )
    assert header and 'href="?sort=-applicant&amp;kind=open"' in header.group(1)
    assert 'href="?sort=reference&amp;kind=open"' in html
    assert html.count("aria-sort=") == 1


def test_bulk_assign_and_status_from_the_action_bar(client, zeitz, worker):
    colleague = make_staff(zeitz, "case_worker", "colleague@zeitz.example")
    cases = [make_case(zeitz, n) for n in range(1, 4)]
    client.force_login(worker)
    ids = [str(c.pk) for c in cases[:2]]
    # Assign without choosing a person: the error names the field, nothing changes.
    refused = client.post(INBOX, {"case": ids, "action": "assign", "assignee": ""})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="id_assignee-error"' in html
    assert "Choose who is to work on the chosen cases." in html
    assert 'href="#id_assignee"' in html  # the summary above the table links to the field
    first = cases[0].pk
    assert f'value="{first}" id="case-{first}" checked' in html  # the choice is kept

    done = client.post(INBOX, {"case": ids, "action": "assign", "assignee": str(colleague.pk)})
    assert done.status_code == 302
    with scope(municipality=zeitz):
        assignees = dict(Case.objects.values_list("pk", "assignee_id"))
        assert [assignees[c.pk] for c in cases] == [colleague.pk, colleague.pk, None]
        assert AuditLogEntry.objects.filter(event="cases.assigned").count() == 2
    follow = client.get(done["Location"])
    assert "2 cases have been assigned." in follow.content.decode()

    back = client.post(INBOX, {"case": ids, "action": "assign", "assignee": "none"})
    assert back.status_code == 302
    with scope(municipality=zeitz):
        assert not Case.objects.filter(assignee__isnull=False).exists()

    # Status without a status: the field's message, not a generic one.
    missing = client.post(INBOX, {"case": ids, "action": "status", "to_status": ""})
    assert missing.status_code == 400
    assert "Choose the new status for the chosen cases." in missing.content.decode()
    odd = client.post(INBOX, {"case": ids, "action": "delete-everything"})
    assert odd.status_code == 400
    assert "Choose one of the actions for the chosen cases." in odd.content.decode()


def test_bulk_assign_is_all_or_nothing(client, zeitz, worker):
    """A person who cannot work on one of the cases gets none of them."""
    from revier.cases import services

    outsider = make_staff(zeitz, "moderator", "mod@zeitz.example")
    cases = [make_case(zeitz, n) for n in range(1, 3)]
    from django.core.exceptions import ValidationError

    with scope(municipality=zeitz), pytest.raises(ValidationError) as refused:
        services.case_bulk_assign(case_ids=[c.pk for c in cases], assignee=outsider, actor=worker)
    assert "Nothing was changed." in str(refused.value)
    with scope(municipality=zeitz):
        assert not Case.objects.filter(assignee__isnull=False).exists()


@pytest.mark.parametrize("sort", ["assignee", "-office", "due"])
def test_inbox_queries_stay_constant_with_any_sort(client, zeitz, worker, sort):
    client.force_login(worker)
    client.get(INBOX)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{INBOX}?sort={sort}&kind=open").status_code == 200
        assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
        return len(captured.captured_queries)

    for n in range(1, 4):
        make_case(zeitz, n, assignee=worker)
    few = queries()
    for n in range(4, 80):
        make_case(zeitz, n, assignee=worker if n % 2 else None, leika=f"9910201310{n:04d}")
    assert queries() == few
