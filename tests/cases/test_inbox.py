"""The inbox (filters, sort, pages without a count, constant number of queries), the dashboard,
the administrator's configuration (workflows, office members) and who may see what."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from revier.cases.models import Case, OfficeMember, Workflow
from revier.services.models import Office
from tests.cases.conftest import INBOX, make_case
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def _refs(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return sorted(row["case"].reference for row in response.context["rows"])


def test_filters_and_sort(client, zeitz, worker):
    with scope(municipality=zeitz):
        office = Office.objects.create(municipality=zeitz, name="Steueramt")
    today = timezone.localdate()
    a = make_case(zeitz, 1, assignee=worker, due_date=today - dt.timedelta(days=1))
    b = make_case(zeitz, 2, status="in_progress", office=office, due_date=today)
    c = make_case(zeitz, 3, status="waiting", status_kind="waiting", leika="99115005104000")
    d = make_case(
        zeitz,
        4,
        status="closed",
        status_kind="closed",
        result="granted",
        due_date=today - dt.timedelta(days=30),
    )
    client.force_login(worker)
    page = client.get(INBOX)
    assert _refs(page) == sorted(x.reference for x in [a, b, c, d])
    # The filter's shortcut to one's own open cases, next to "Show all".
    html = page.content.decode()
    assert f'href="{INBOX}?assignee=mine&amp;kind=open">My open cases</a>' in html
    assert f'href="{INBOX}">Show all</a>' in html
    assert _refs(client.get(INBOX + "?status=in_progress")) == [b.reference]
    assert _refs(client.get(INBOX + "?kind=waiting")) == [c.reference]
    assert _refs(client.get(INBOX + f"?office={office.pk}")) == [b.reference]
    assert _refs(client.get(INBOX + "?assignee=mine")) == [a.reference]
    assert _refs(client.get(INBOX + "?assignee=none")) == sorted(x.reference for x in [b, c, d])
    # Overdue: open or waiting and past the due date; a closed case is never overdue.
    overdue = client.get(INBOX + "?overdue=on")
    assert _refs(overdue) == [a.reference]
    assert "overdue" in overdue.content.decode()
    assert _refs(client.get(INBOX + "?q=PERSON 3")) == [c.reference]
    assert _refs(client.get(INBOX + "?q=zei-c-000002")) == [b.reference]
    due = client.get(INBOX + "?sort=due")
    assert [row["case"].reference for row in due.context["rows"]] == [
        d.reference,
        a.reference,
        b.reference,
        c.reference,
    ]
    bad = client.get(INBOX + "?kind=nonsense")
    assert bad.status_code == 400 and 'id="id_kind-error"' in bad.content.decode()


def test_pages_without_count_and_constant_queries(client, zeitz, worker):
    client.force_login(worker)
    client.get(INBOX)  # warm the municipality cache and the session

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries), [
            q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()
        ]
        return len(captured.captured_queries)

    url = INBOX + "?kind=open&assignee=none&sort=due"
    for n in range(1, 6):
        make_case(zeitz, n)
    few = queries(url)
    for n in range(6, 61):
        make_case(zeitz, n, leika=f"9910201310{n:04d}")
    many = queries(url)
    assert few == many
    first = client.get(url)
    assert len(first.context["rows"]) == 50 and first.context["page"].has_next()
    second = client.get(url + "&page=2")
    assert len(second.context["rows"]) == 10 and not second.context["page"].has_next()
    assert "Previous page" in second.content.decode()


def test_dashboard_numbers_and_chart(client, zeitz, worker):
    now = timezone.now()
    today = timezone.localdate()
    make_case(zeitz, 1, received_at=now, due_date=today - dt.timedelta(days=1))
    make_case(zeitz, 2, received_at=now)
    make_case(
        zeitz,
        3,
        received_at=now - dt.timedelta(weeks=2),
        status="closed",
        status_kind="closed",
        result="granted",
        closed_at=now,
    )
    make_case(zeitz, 4, received_at=now - dt.timedelta(weeks=30))  # outside the 12 weeks
    client.force_login(worker)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(INBOX + "uebersicht/")
    assert response.status_code == 200
    assert len(captured.captured_queries) < 25
    weeks = response.context["weeks"]
    assert len(weeks) == 12
    this_week = weeks[-1]
    assert (this_week["received"], this_week["open"], this_week["overdue"]) == (2, 2, 1)
    assert this_week["closed"] == 1
    assert weeks[-3]["received"] == 1 and weeks[-3]["open"] == 0
    assert sum(w["received"] for w in weeks) == 3
    totals = response.context["totals"]
    assert (totals["open"], totals["overdue"]) == (3, 1)
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html and "<table" in html
    assert "style=" not in html.split("<main")[1]
    assert "revier/charts.css" in html


def test_workflow_configuration(client, zeitz, zeitz_admin, worker):
    case = make_case(zeitz, 1, status="in_progress")
    client.force_login(zeitz_admin)
    url = INBOX + "einstellungen/ablauf/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "in_progress | " in html and " | in progress | open" in html

    statuses = (
        "received | eingegangen | received | open\n"
        "in_progress | in Bearbeitung | in progress | open\n"
        "site_visit | Ortstermin | site visit | open\n"
        "closed | abgeschlossen | closed | closed"
    )
    stranded = client.post(
        url,
        {
            "name": "Standard",
            "initial": "received",
            "statuses": statuses,
            "transitions": "received: in_progress\nin_progress: site_visit, closed",
        },
    )
    assert stranded.status_code == 400
    html = stranded.content.decode()
    assert "site_visit" in html and "never be closed" in html
    assert "Ortstermin" in html  # nothing lost
    with scope(municipality=zeitz):
        assert not Workflow.objects.exists()
    # A status still used by a case cannot disappear.
    dropped = client.post(
        url,
        {
            "name": "Standard",
            "initial": "received",
            "statuses": "received | eingegangen | received | open\n"
            "closed | abgeschlossen | closed | closed",
            "transitions": "received: closed",
        },
    )
    assert dropped.status_code == 400 and "in_progress" in dropped.content.decode()
    malformed = client.post(
        url, {"name": "S", "initial": "received", "statuses": "received | x", "transitions": ""}
    )
    assert malformed.status_code == 400 and 'id="id_statuses-error"' in malformed.content.decode()

    saved = client.post(
        url,
        {
            "name": "Standard",
            "initial": "received",
            "statuses": statuses,
            "transitions": "received: in_progress\nin_progress: site_visit, closed\n"
            "site_visit: in_progress, closed",
        },
    )
    assert saved.status_code == 302
    client.force_login(worker)
    assert client.get(INBOX + "einstellungen/").status_code == 403
    moved = client.post(f"{INBOX}{case.pk}/status/", {"status-to_status": "site_visit"})
    assert moved.status_code == 302
    case.refresh_from_db()
    assert case.status == "site_visit"
    assert "site visit" in client.get(INBOX).content.decode()  # the English label


def test_office_members_and_sections(client, zeitz, zeitz_admin, worker, resident):
    with scope(municipality=zeitz):
        office = Office.objects.create(municipality=zeitz, name="Bürgerbüro")
    client.force_login(zeitz_admin)
    url = f"{INBOX}einstellungen/dienststellen/{office.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"users": [resident.pk]}).status_code == 400
    assert client.post(url, {"users": [worker.pk]}).status_code == 302
    with scope(municipality=zeitz):
        assert list(OfficeMember.objects.values_list("user_id", flat=True)) == [worker.pk]
    html = client.get("/zeitz/backoffice/").content.decode()
    for href in [INBOX, INBOX + "uebersicht/", INBOX + "einstellungen/"]:
        assert f'href="{href}"' in html

    client.force_login(make_staff(zeitz, "moderator", "mod@zeitz.example"))
    assert client.get(INBOX).status_code == 403
    assert client.get(INBOX + "uebersicht/").status_code == 403
    client.force_login(resident)
    assert client.get(INBOX).status_code == 403
    client.logout()
    assert client.get(INBOX).status_code == 302
    with scope(municipality=zeitz):
        assert Case.objects.count() == 0
