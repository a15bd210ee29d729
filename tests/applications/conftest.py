import pytest
from django.test import Client
from django_scopes import scope

from tests.conftest import make_staff
from tests.forms.conftest import dog_tax_schema, import_file

LEIKA = "99089001001000"
FILE_KEY = "feld_10"  # the builder numbers fields; the FIM form has nine


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    # English pages: chosen with the language cookie (pages ignore Accept-Language, German first);
    # the header still serves the API.
    english = Client(headers={"Accept-Language": "en"})
    english.cookies["django_language"] = "en"
    return english


def offer_form(municipality, *, with_file=True):
    """The municipality offers the dog-tax service online with the imported FIM form, plus a
    builder page with a file field; published."""
    from revier.forms.models import Field
    from revier.forms.services import form_field_add, form_step_add, form_version_publish
    from revier.services.models import Service
    from revier.services.services import local_service_set

    municipality.enabled_modules = ["news", "services"]
    municipality.save()
    service, _created = Service.objects.get_or_create(
        leika=LEIKA, defaults={"name": "Hundesteuer Anmeldung", "short_text": "Hund anmelden."}
    )
    admin = make_staff(municipality, "administrator", email=f"forms@{municipality.slug}.example")
    result = import_file(municipality, dog_tax_schema(), leika=LEIKA)
    version = result.version if hasattr(result, "version") else result
    with scope(municipality=municipality):
        local = local_service_set(
            municipality=municipality, service=service, actor=None, online=True
        )
        if with_file:
            step = form_step_add(version=version, title="Nachweise", actor=admin)
            field = form_field_add(
                version=version,
                step=step,
                label="Nachweis Haftpflicht",
                datatype=Field.Datatype.FILE,
                required=True,
                actor=admin,
            )
            assert field.key == FILE_KEY
        form_version_publish(version=version, actor=admin)
    return {"version": version, "local": local, "service": service, "admin": admin}


@pytest.fixture
def dog_form(zeitz):
    return offer_form(zeitz)
