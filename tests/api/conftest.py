import pytest
from django_scopes import scope

from revier.core.services import api_token_issue


def add_news(municipality, title, *, publish=True):
    from revier.news.services import news_create

    with scope(municipality=municipality):
        return news_create(
            municipality=municipality,
            title=title,
            summary=f"Summary of {title}",
            body=f"Text of {title}",
            actor=None,
            publish=publish,
        )


@pytest.fixture
def client():
    """Asks for English, so assertions read the messages as written in the code (German is the
    default language)."""
    from django.test import Client

    return Client(headers={"Accept-Language": "en"})


def token_header(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {api_token_issue(user=user)}"}


@pytest.fixture
def problem():
    """Assert a response is an RFC 7807 problem document with ``status`` and return its body."""

    def check(response, status: int) -> dict:
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == status
        assert body["title"]
        assert body["type"].startswith("https://revier.example/problems/")
        return body

    return check
