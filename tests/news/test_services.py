"""The news services: validation naming the field, permission, audit, scheduled publication."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from revier.news import services
from revier.news.models import NewsItem
from tests.conftest import make_staff
from tests.news.conftest import add_news, audit_summaries, in_days, reload

pytestmark = pytest.mark.django_db


def test_create_validates_every_field_at_once(zeitz, moderator):
    with scope(municipality=zeitz), pytest.raises(ValidationError) as exc:
        services.news_create(
            municipality=zeitz, title="", summary="s" * 501, body=" \n", actor=moderator
        )
    assert exc.value.message_dict == {
        "title": ["Enter a title"],
        "summary": ["The summary must be 500 characters or fewer"],
        "body": ["Enter the text of the news item"],
    }


def test_create_refuses_a_case_worker(zeitz):
    worker = make_staff(zeitz, "case_worker", "clara@zeitz.example")
    with scope(municipality=zeitz), pytest.raises(PermissionDenied):
        services.news_create(municipality=zeitz, title="t", summary="s", body="b", actor=worker)
    with scope(municipality=zeitz):
        assert not NewsItem.objects.exists()


def test_slugs_are_unique_per_municipality(zeitz, naumburg):
    first = add_news(zeitz, "Stadtfest")
    second = add_news(zeitz, "Stadtfest")
    elsewhere = add_news(naumburg, "Stadtfest")
    assert (first.slug, second.slug, elsewhere.slug) == ("stadtfest", "stadtfest-2", "stadtfest")


def test_schedule_in_the_past_is_refused(zeitz, moderator):
    item = add_news(zeitz)
    with scope(municipality=zeitz), pytest.raises(ValidationError) as exc:
        services.news_publish(item=item, actor=moderator, publish_at=in_days(-1))
    assert exc.value.message_dict == {
        "publish_at": ["The time of publication must be in the future"]
    }
    assert reload(item).status == "draft"


def test_publish_due_publishes_at_the_scheduled_time_and_only_what_is_due(zeitz, naumburg):
    due = add_news(zeitz, "Fällig", publish_at=in_days(1))
    later = add_news(zeitz, "Später", publish_at=in_days(2))
    theirs = add_news(naumburg, "Domfest", publish_at=in_days(1))
    scheduled_for = due.publish_at

    with scope(municipality=zeitz):
        published = services.news_publish_due(municipality=zeitz, now=in_days(1.5))

    assert published == 1
    due, later, theirs = reload(due), reload(later), reload(theirs)
    assert (due.status, due.published_at, due.publish_at) == ("published", scheduled_for, None)
    assert later.status == "scheduled"
    assert theirs.status == "scheduled"  # another municipality: not touched
    assert audit_summaries(zeitz)[-1] == "news item published as scheduled"


def test_publish_due_twice_publishes_once(zeitz):
    add_news(zeitz, "Fällig", publish_at=in_days(1))
    with scope(municipality=zeitz):
        assert services.news_publish_due(municipality=zeitz, now=in_days(2)) == 1
        assert services.news_publish_due(municipality=zeitz, now=in_days(2)) == 0
    assert audit_summaries(zeitz).count("news item published as scheduled") == 1


def test_scheduled_items_stay_off_the_public_pages_until_published(client, zeitz):
    item = add_news(zeitz, "Fällig", publish_at=in_days(1))
    assert client.get(f"/zeitz/aktuelles/{item.slug}/").status_code == 404
    assert client.get("/api/v1/zeitz/news/").json()["count"] == 0

    with scope(municipality=zeitz):
        NewsItem.objects.filter(pk=item.pk).update(publish_at=in_days(-1 / 24))
        services.news_publish_due(municipality=zeitz)

    assert client.get(f"/zeitz/aktuelles/{item.slug}/").status_code == 200
    assert client.get("/api/v1/zeitz/news/").json()["results"][0]["slug"] == item.slug


def test_create_cannot_both_publish_and_schedule(zeitz):
    with scope(municipality=zeitz), pytest.raises(TypeError):
        services.news_create(
            municipality=zeitz,
            title="t",
            summary="s",
            body="b",
            actor=None,
            publish=True,
            publish_at=in_days(1),
        )


def test_timezone_of_the_schedule_is_kept(zeitz):
    berlin = dt.datetime(2099, 7, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    item = add_news(zeitz, publish_at=berlin)
    assert reload(item).publish_at == berlin
