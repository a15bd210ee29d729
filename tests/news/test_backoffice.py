"""The news back office: list, write, edit, publish or schedule, unpublish, delete."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from revier.news.models import NewsItem
from tests.conftest import make_staff
from tests.news.conftest import add_news, audit_summaries, in_days, reload

pytestmark = pytest.mark.django_db

BASE = "/zeitz/backoffice/aktuelles/"
GOOD = {"title": "Stadtfest 2027", "summary": "Drei Tage Musik.", "body": "Auf dem Altmarkt."}


def count(municipality) -> int:
    with scope(municipality=municipality):
        return NewsItem.objects.count()


# --- list -------------------------------------------------------------------------------------


def test_list_shows_every_status_and_the_section_is_current(moderator_client, zeitz, moderator):
    add_news(zeitz, "Entwurf")
    add_news(zeitz, "Geplant", publish_at=in_days(3))
    add_news(zeitz, "Stadtfest", publish=True, actor=moderator)

    page = moderator_client.get(BASE).content.decode()

    assert "3 news items" in page
    for title in ("Entwurf", "Geplant", "Stadtfest"):
        assert f">{title}</a>" in page
    assert ">draft</span>" in page and ">scheduled</span>" in page and ">published</span>" in page
    assert "moderator@zeitz.example" in page  # the author
    assert f'href="{BASE}" aria-current="page"' in page


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("status=draft", ["Entwurf"]),
        ("status=scheduled", ["Geplant"]),
        ("status=published", ["Stadtfest"]),
        ("q=stadt", ["Stadtfest"]),
        ("q=summary+of+ge", ["Geplant"]),  # the summary is searched too
        ("q=stadt&status=draft", []),
    ],
)
def test_list_filters_by_status_and_search(moderator_client, zeitz, query, titles):
    add_news(zeitz, "Entwurf")
    add_news(zeitz, "Geplant", publish_at=in_days(3))
    add_news(zeitz, "Stadtfest", publish=True)

    response = moderator_client.get(f"{BASE}?{query}")

    assert response.status_code == 200
    shown = [i.title for i in response.context["page"].object_list]
    assert shown == titles
    if not titles:
        assert "No news items match." in response.content.decode()


def test_list_with_an_unknown_status_is_400_and_shows_everything(moderator_client, zeitz):
    add_news(zeitz, "Entwurf")

    response = moderator_client.get(f"{BASE}?status=secret")

    assert response.status_code == 400
    assert 'id="id_status-error"' in response.content.decode()
    assert len(response.context["page"].object_list) == 1


def test_list_is_paginated(moderator_client, zeitz):
    for n in range(52):
        add_news(zeitz, f"Meldung {n}")

    first = moderator_client.get(BASE)
    second = moderator_client.get(f"{BASE}?page=2")

    assert len(first.context["page"].object_list) == 50
    assert [i.title for i in second.context["page"].object_list] == ["Meldung 1", "Meldung 0"]
    assert "Page 2 of 2" in second.content.decode()


def test_list_query_count_does_not_grow_with_the_items(moderator_client, zeitz, moderator):
    add_news(zeitz, "Erste", actor=moderator, publish=True)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert moderator_client.get(BASE).status_code == 200
        return len(ctx.captured_queries)

    moderator_client.get(BASE)  # warm the per-process caches
    few = queries()
    other = make_staff(zeitz, "administrator", "admin@zeitz.example")
    for n in range(12):
        add_news(zeitz, f"Meldung {n}", actor=other if n % 2 else moderator, publish=n % 3 == 0)
    assert queries() == few


# --- create -----------------------------------------------------------------------------------


def test_create_a_draft(moderator_client, zeitz, moderator):
    response = moderator_client.post(f"{BASE}neu/", {**GOOD, "when": "draft"}, follow=True)

    assert response.redirect_chain == [(BASE, 302)]
    assert "“Stadtfest 2027” is saved as a draft." in response.content.decode()
    with scope(municipality=zeitz):
        item = NewsItem.objects.get()
    assert (item.title, item.slug, item.author) == ("Stadtfest 2027", "stadtfest-2027", moderator)
    assert item.status == "draft"
    assert audit_summaries(zeitz) == ["news item created (draft)"]


def test_create_and_publish_now(moderator_client, zeitz, client):
    moderator_client.post(f"{BASE}neu/", {**GOOD, "when": "now"})

    with scope(municipality=zeitz):
        item = NewsItem.objects.get()
    assert item.status == "published"
    assert client.get(f"/zeitz/aktuelles/{item.slug}/").status_code == 200


def test_create_scheduled(moderator_client, zeitz):
    response = moderator_client.post(
        f"{BASE}neu/", {**GOOD, "when": "later", "publish_at": "2099-12-24T09:00"}, follow=True
    )

    with scope(municipality=zeitz):
        item = NewsItem.objects.get()
    assert item.status == "scheduled" and item.published_at is None
    assert item.publish_at.isoformat() == "2099-12-24T08:00:00+00:00"  # 09:00 in Berlin
    assert "will be published on" in response.content.decode()


def test_create_with_missing_answers_shows_errors_at_the_fields(moderator_client, zeitz):
    response = moderator_client.post(
        f"{BASE}neu/", {"title": "  ", "summary": "Kept summary", "body": "", "when": "now"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_title-error"' in html and "Enter a title" in html
    assert 'id="id_body-error"' in html and "Enter the text of the news item" in html
    assert 'aria-describedby="id_title-error"' in html
    assert "Kept summary</textarea>" in html  # the other answers are kept
    assert 'value="now" class="kern-form-check__radio" required id="id_when_1" checked' in html
    assert count(zeitz) == 0


def test_create_scheduled_in_the_past_is_refused_by_the_service(moderator_client, zeitz):
    response = moderator_client.post(
        f"{BASE}neu/", {**GOOD, "when": "later", "publish_at": "2020-01-01T10:00"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_publish_at-error"' in html
    assert "The time of publication must be in the future" in html
    assert 'value="Stadtfest 2027"' in html
    assert count(zeitz) == 0


@pytest.mark.parametrize(
    ("publish_at", "message"),
    [("", "Enter the date and time of publication"), ("morgen", "Enter a real date and time")],
)
def test_create_scheduled_without_a_time(moderator_client, zeitz, publish_at, message):
    response = moderator_client.post(
        f"{BASE}neu/", {**GOOD, "when": "later", "publish_at": publish_at}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert count(zeitz) == 0


def test_create_with_a_too_long_title(moderator_client, zeitz):
    response = moderator_client.post(f"{BASE}neu/", {**GOOD, "title": "x" * 201, "when": "now"})

    assert response.status_code == 400
    assert "Use 200 characters or fewer" in response.content.decode()
    assert count(zeitz) == 0


# --- edit, publish, unpublish, delete ---------------------------------------------------------


def test_edit_keeps_the_address_and_the_publication(moderator_client, zeitz):
    item = add_news(zeitz, "Stadtfest", publish=True)
    published_at = item.published_at

    page = moderator_client.get(f"{BASE}{item.pk}/").content.decode()
    assert 'value="Stadtfest"' in page and "Unpublish" in page and "Publish or schedule" not in page
    response = moderator_client.post(f"{BASE}{item.pk}/", {**GOOD})

    assert response.status_code == 302 and response["Location"] == f"{BASE}{item.pk}/"
    item = reload(item)
    assert (item.title, item.slug, item.published_at) == (
        "Stadtfest 2027",
        "stadtfest",
        published_at,
    )
    assert audit_summaries(zeitz)[-1] == "news item changed"


def test_edit_with_bad_input_changes_nothing(moderator_client, zeitz):
    item = add_news(zeitz, "Stadtfest")

    response = moderator_client.post(f"{BASE}{item.pk}/", {**GOOD, "summary": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a summary" in html and 'value="Stadtfest 2027"' in html
    assert reload(item).title == "Stadtfest"


def test_publish_now(moderator_client, zeitz, client):
    item = add_news(zeitz, "Stadtfest")

    response = moderator_client.post(f"{BASE}{item.pk}/veroeffentlichen/", {"when": "now"})

    assert response.status_code == 302
    assert reload(item).status == "published"
    assert client.get(f"/zeitz/aktuelles/{item.slug}/").status_code == 200
    assert audit_summaries(zeitz)[-1] == "news item published"


def test_schedule_then_cancel(moderator_client, zeitz, client):
    item = add_news(zeitz, "Stadtfest")

    moderator_client.post(
        f"{BASE}{item.pk}/veroeffentlichen/", {"when": "later", "publish_at": "2099-05-01T12:00"}
    )
    assert reload(item).status == "scheduled"
    assert client.get(f"/zeitz/aktuelles/{item.slug}/").status_code == 404
    page = moderator_client.get(f"{BASE}{item.pk}/zuruecknehmen/").content.decode()
    assert "will not be published" in page
    moderator_client.post(f"{BASE}{item.pk}/zuruecknehmen/")

    assert reload(item).status == "draft" and reload(item).publish_at is None


def test_publishing_a_published_item_is_refused(moderator_client, zeitz):
    item = add_news(zeitz, "Stadtfest", publish=True)

    response = moderator_client.post(f"{BASE}{item.pk}/veroeffentlichen/", {"when": "now"})

    assert response.status_code == 400
    assert "This news item is already published." in response.content.decode()


def test_unpublish_says_what_happens_and_takes_it_off_the_website(moderator_client, zeitz, client):
    item = add_news(zeitz, "Stadtfest", publish=True)

    page = moderator_client.get(f"{BASE}{item.pk}/zuruecknehmen/").content.decode()
    assert "disappears from the website, the home page and the API at once" in page
    response = moderator_client.post(f"{BASE}{item.pk}/zuruecknehmen/", follow=True)

    assert "“Stadtfest” is a draft again." in response.content.decode()
    assert reload(item).status == "draft"
    assert client.get(f"/zeitz/aktuelles/{item.slug}/").status_code == 404
    assert client.get("/api/v1/zeitz/news/").json()["count"] == 0


def test_unpublishing_a_draft_is_refused(moderator_client, zeitz):
    item = add_news(zeitz, "Stadtfest")

    response = moderator_client.post(f"{BASE}{item.pk}/zuruecknehmen/")

    assert response.status_code == 400
    assert "This news item is a draft already." in response.content.decode()


def test_delete_confirmation_then_delete(moderator_client, zeitz):
    item = add_news(zeitz, "Stadtfest", publish=True)

    page = moderator_client.get(f"{BASE}{item.pk}/loeschen/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Delete “Stadtfest”?" in html
    assert "The news item is published." in html and "cannot be restored" in html
    assert count(zeitz) == 1  # looking does not delete
    response = moderator_client.post(f"{BASE}{item.pk}/loeschen/", follow=True)

    assert "“Stadtfest” has been deleted." in response.content.decode()
    assert count(zeitz) == 0
    assert audit_summaries(zeitz)[-1] == "news item deleted"


def test_delete_is_post_only_in_effect(moderator_client, zeitz):
    item = add_news(zeitz, "Stadtfest")

    assert moderator_client.put(f"{BASE}{item.pk}/loeschen/").status_code == 405
    assert count(zeitz) == 1


# --- who may -----------------------------------------------------------------------------------


def test_the_section_is_in_the_navigation_of_moderators_only(client, zeitz, moderator):
    client.force_login(moderator)
    assert f'href="{BASE}"' in client.get("/zeitz/backoffice/").content.decode()
    client.force_login(make_staff(zeitz, "case_worker", "clara@zeitz.example"))
    assert f'href="{BASE}"' not in client.get("/zeitz/backoffice/").content.decode()


def test_the_section_is_hidden_where_news_is_switched_off(client, zeitz, moderator):
    zeitz.enabled_modules = []
    zeitz.save()
    client.force_login(moderator)
    assert f'href="{BASE}"' not in client.get("/zeitz/backoffice/").content.decode()


def test_case_worker_may_not(client, zeitz):
    item = add_news(zeitz, "Stadtfest", publish=True)
    client.force_login(make_staff(zeitz, "case_worker", "clara@zeitz.example"))

    for url in (BASE, f"{BASE}neu/", f"{BASE}{item.pk}/", f"{BASE}{item.pk}/loeschen/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{BASE}neu/", {**GOOD, "when": "now"}).status_code == 403
    assert client.post(f"{BASE}{item.pk}/loeschen/").status_code == 403
    assert client.post(f"{BASE}{item.pk}/zuruecknehmen/").status_code == 403
    assert count(zeitz) == 1 and reload(item).status == "published"


def test_anonymous_is_sent_to_the_login(client, zeitz):
    response = client.get(BASE)
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_of_another_municipality_get_403(client, zeitz, naumburg_admin):
    item = add_news(zeitz, "Stadtfest", publish=True)
    client.force_login(naumburg_admin)

    for url in (BASE, f"{BASE}{item.pk}/", f"{BASE}{item.pk}/loeschen/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{BASE}{item.pk}/loeschen/").status_code == 403
    assert count(zeitz) == 1


def test_another_municipalitys_item_is_not_found(moderator_client, zeitz, naumburg):
    theirs = add_news(naumburg, "Domfest", publish=True)

    for suffix in ("", "veroeffentlichen/", "zuruecknehmen/", "loeschen/"):
        assert moderator_client.get(f"{BASE}{theirs.pk}/{suffix}").status_code == 404, suffix
        assert moderator_client.post(f"{BASE}{theirs.pk}/{suffix}", GOOD).status_code == 404
    theirs = reload(theirs)
    assert (theirs.title, theirs.status) == ("Domfest", "published")


def test_publish_page_of_a_scheduled_item_shows_its_time_in_local_time(moderator_client, zeitz):
    import datetime as dt

    berlin_nine = dt.datetime(2099, 12, 24, 8, 0, tzinfo=dt.UTC)  # 09:00 in Berlin (winter)
    item = add_news(zeitz, "Weihnachtsmarkt", publish_at=berlin_nine)

    edit = moderator_client.get(f"{BASE}{item.pk}/").content.decode()
    page = moderator_client.get(f"{BASE}{item.pk}/veroeffentlichen/").content.decode()

    assert "Change the time of publication" in edit and "Cancel the schedule" in edit
    assert 'value="2099-12-24T09:00"' in page
    assert 'value="later" class="kern-form-check__radio" required id="id_when_1" checked' in page
