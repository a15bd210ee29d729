import pytest
from django.conf import settings
from django.urls import reverse
from django_scopes import scope


def mu_url(municipality, name: str, **kwargs) -> str:
    """The path of a municipality page, as the middleware serves it below ``/<slug>/``."""
    return f"/{municipality.slug}" + reverse(
        name, urlconf=settings.MUNICIPALITY_URLCONF, kwargs=kwargs or None
    )


@pytest.fixture
def admin_client(client, zeitz_admin):
    client.force_login(zeitz_admin)
    return client


@pytest.fixture
def make_feedback(zeitz):
    from revier.portal.services import accessibility_feedback_submit

    def make(municipality=zeitz, **fields):
        fields.setdefault("message", "The map on the home page cannot be used with a keyboard.")
        with scope(municipality=municipality):
            return accessibility_feedback_submit(municipality=municipality, **fields)

    return make


def audit_entries(municipality, **filters):
    from revier.core.models import AuditLogEntry

    with scope(municipality=municipality):
        return list(AuditLogEntry.objects.filter(**filters).order_by("id"))


def roles_of(user, municipality) -> set[str]:
    from revier.accounts.models import StaffRole

    with scope(municipality=municipality):
        return set(StaffRole.objects.filter(user=user).values_list("role", flat=True))


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert against the English source strings, whatever translations exist: requests
    without a language preference fall back to LANGUAGE_CODE."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
