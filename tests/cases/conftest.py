import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from revier.cases.models import Case
from tests.conftest import make_staff

LEIKA = "99102013104000"
INBOX = "/zeitz/backoffice/vorgaenge/"


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


def make_case(municipality, n: int, **fields) -> Case:
    """A case row as intake would leave it, without a package: fast to make in numbers."""
    with scope(municipality=municipality):
        values = {
            "reference": f"{municipality.slug[:3].upper()}-C-{n:06d}",
            "leika": LEIKA,
            "service_name": "Hundesteuer Anmeldung",
            "applicant_name": f"Person {n}",
            "applicant_email": f"p{n}@example.org",
            "received_at": timezone.now() - dt.timedelta(minutes=n),
            "search_text": f"{municipality.slug[:3]}-c-{n:06d} person {n} hundesteuer",
            "status": "received",
            "data": {"G1": {"F60000227": "Schmidt", "F60000228": "Anna"}},
        }
        values.update(fields)
        return Case.objects.create(municipality=municipality, **values)


@pytest.fixture
def worker(zeitz):
    return make_staff(zeitz, "case_worker", "clerk@zeitz.example")


_KEY_PAIR: dict = {}


def install_municipality_key(municipality):
    """The municipality's delivery key, generated once per test session: RSA-4096 takes long
    on a loaded machine, and what is tested here is case work, not key generation."""
    import uuid

    from revier.core.crypto import seal_json
    from revier.delivery import crypto
    from revier.delivery.models import MunicipalityKey
    from revier.delivery.services import KEY_PURPOSE

    if not _KEY_PAIR:
        kid = str(uuid.uuid4())
        _KEY_PAIR["kid"] = kid
        _KEY_PAIR["public"], _KEY_PAIR["private"] = crypto.rsa_key_pair_generate(kid=kid)
    with scope(municipality=municipality):
        return MunicipalityKey.objects.create(
            municipality=municipality,
            kid=_KEY_PAIR["kid"],
            public_jwk=_KEY_PAIR["public"],
            private_jwk_sealed=seal_json(_KEY_PAIR["private"], purpose=KEY_PURPOSE),
        )
