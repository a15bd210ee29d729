"""The news module's part of a person's export and erasure (its PersonalDataProvider)."""

import pytest
from django_scopes import scope

from revier.core import kit
from revier.news import personal_data
from tests.news.conftest import add_news, in_days, reload

pytestmark = pytest.mark.django_db


def _provider():
    return next(p for p in kit.personal_data_providers() if p.key == "news")


def test_provider_and_processing_activity_are_declared(zeitz):
    provider = _provider()
    assert kit.resolve(provider.export) is personal_data.export
    assert kit.resolve(provider.erase) is personal_data.erase
    activity = next(a for a in kit.processing_activities() if a.key == "news")
    assert activity.module == "news"
    assert activity in kit.processing_activities_for(zeitz)


def test_export_lists_what_the_person_wrote_by_municipality(
    zeitz, naumburg, moderator, naumburg_admin
):
    from revier.accounts.services import staff_role_grant

    add_news(zeitz, "Stadtfest", actor=moderator, publish=True)
    add_news(zeitz, "Geplant", actor=moderator, publish_at=in_days(3))
    add_news(zeitz, "Von jemand anderem", actor=None, publish=True)
    # The same person is staff of a second municipality too.
    with scope(municipality=naumburg):
        staff_role_grant(municipality=naumburg, user=moderator, role="moderator", actor=None)
    add_news(naumburg, "Domfest", actor=moderator)
    add_news(naumburg, "Von der Verwaltung", actor=naumburg_admin)

    exported = kit.resolve(_provider().export)(user=moderator)["news_authored"]

    assert list(exported) == ["Naumburg (Saale)", "Zeitz"]
    assert [e["title"] for e in exported["Zeitz"]] == ["Stadtfest", "Geplant"]
    assert [e["status"] for e in exported["Zeitz"]] == ["published", "scheduled"]
    assert exported["Zeitz"][1]["scheduled_for"] is not None
    assert [e["title"] for e in exported["Naumburg (Saale)"]] == ["Domfest"]
    assert personal_data.municipalities(user=moderator) == {zeitz.pk, naumburg.pk}


def test_export_and_erasure_of_someone_who_wrote_nothing(resident):
    assert personal_data.export(user=resident) == {"news_authored": {}}
    assert personal_data.municipalities(user=resident) == set()
    assert personal_data.erase(user=resident) == {}  # nothing to report to a resident


def test_pdf_part_lists_the_news_written(zeitz, moderator):
    from django.template.loader import render_to_string

    add_news(zeitz, "Stadtfest", actor=moderator, publish=True)
    html = render_to_string(
        "news/personal_data_pdf.html", {"data": personal_data.export(user=moderator)}
    )
    assert "News written" in html and '<th scope="row">Zeitz</th>' in html
    assert "Stadtfest (published, " in html
    assert "News written" not in render_to_string(
        "news/personal_data_pdf.html", {"data": {"news_authored": {}}}
    )


def test_erase_keeps_the_news_and_forgets_the_author(zeitz, naumburg, moderator, naumburg_admin):
    mine = add_news(zeitz, "Stadtfest", actor=moderator, publish=True)
    theirs = add_news(naumburg, "Domfest", actor=naumburg_admin, publish=True)

    assert kit.resolve(_provider().erase)(user=moderator) == {"news_authored": 1}

    mine, theirs = reload(mine), reload(theirs)
    assert (mine.title, mine.author, mine.status) == ("Stadtfest", None, "published")
    assert theirs.author == naumburg_admin
    assert personal_data.export(user=moderator) == {"news_authored": {}}
