"""Walking through the provider's pages with an HTTP client, as a browser would."""

from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from tests.oidc.provider.persons import PASSWORD


def provider_login(authorize_url: str, username: str, password: str = PASSWORD) -> str:
    """Log in at the provider; returns the redirect back to Revier (not followed)."""
    with httpx.Client(follow_redirects=False, timeout=180) as http:
        response = http.get(authorize_url)
        assert response.status_code == 302, response.text[:500]
        login_url = urljoin(authorize_url, response.headers["location"])
        response = http.get(login_url)
        assert response.status_code == 200
        response = http.post(
            login_url,
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": http.cookies["provider_csrftoken"],
                "next": parse_qs(urlsplit(login_url).query)["next"][0],
            },
        )
        assert response.status_code == 302, response.text[:500]
        response = http.get(urljoin(login_url, response.headers["location"]))
        assert response.status_code == 302, response.text[:500]
        return response.headers["location"]


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
