import pytest
from django.test import Client

from tests.notifications.servers import SmsGateway, SMTPServer


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    english = Client(headers={"Accept-Language": "en"})
    english.cookies["django_language"] = "en"
    return english


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def gateway():
    server = SmsGateway()
    yield server
    server.stop()
