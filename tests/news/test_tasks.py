"""The periodic task that publishes scheduled news, municipality by municipality."""

import pytest
from django_scopes import scope

from revier.core import kit
from revier.news import services, tasks
from revier.news.models import NewsItem
from tests.conftest import make_municipality
from tests.news.conftest import add_news, in_days, reload

pytestmark = pytest.mark.django_db


def _make_due(item):
    with scope(municipality=item.municipality):
        NewsItem.objects.filter(pk=item.pk).update(publish_at=in_days(-0.01))


def test_declared_route_and_schedule():
    assert kit.route_task("revier.news.tasks.publish_due") == {"queue": "background"}
    assert kit.periodic_tasks()["news-publish-due"] == {
        "task": "revier.news.tasks.publish_due",
        "schedule": 60.0,
        "kwargs": {},
    }


def test_publishes_what_is_due_in_every_municipality(zeitz, naumburg):
    due_z = add_news(zeitz, "Stadtfest", publish_at=in_days(1))
    due_n = add_news(naumburg, "Domfest", publish_at=in_days(1))
    not_yet = add_news(naumburg, "Später", publish_at=in_days(1))
    _make_due(due_z)
    _make_due(due_n)

    result = tasks.publish_due.delay().get()

    assert result == {"zeitz": 1, "naumburg": 1}
    assert reload(due_z).status == reload(due_n).status == "published"
    assert reload(not_yet).status == "scheduled"


def test_only_the_given_municipality(zeitz, naumburg):
    due_z = add_news(zeitz, "Stadtfest", publish_at=in_days(1))
    due_n = add_news(naumburg, "Domfest", publish_at=in_days(1))
    _make_due(due_z)
    _make_due(due_n)

    assert tasks.publish_due_municipality(municipality_id=naumburg.pk) == 1
    assert reload(due_z).status == "scheduled"


def test_walks_every_municipality(zeitz, naumburg):
    elsteraue = make_municipality("elsteraue")
    items = [
        add_news(m, f"Meldung {m.slug}", publish_at=in_days(1))
        for m in (zeitz, naumburg, elsteraue)
    ]
    for item in items:
        _make_due(item)
    assert tasks.publish_due() == {"zeitz": 1, "naumburg": 1, "elsteraue": 1}


def test_one_municipalitys_failure_does_not_stop_the_others(zeitz, naumburg, monkeypatch):
    due_n = add_news(naumburg, "Domfest", publish_at=in_days(1))
    _make_due(due_n)
    real = services.news_publish_due

    def flaky(*, municipality):
        if municipality.slug == "zeitz":
            raise RuntimeError("database hiccup")
        return real(municipality=municipality)

    monkeypatch.setattr(services, "news_publish_due", flaky)

    assert tasks.publish_due() == {"naumburg": 1}
    assert reload(due_n).status == "published"
