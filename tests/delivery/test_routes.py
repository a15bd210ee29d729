"""Routes: the `revier fitconnect-route` contract, option validation, sealed secrets."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from django_scopes import scope

from revier.core import crypto
from revier.delivery import selectors
from revier.delivery.models import DeliveryRoute
from revier.delivery.services import delivery_route_set

pytestmark = pytest.mark.django_db

DESTINATION = "6a5b6c1d-3f1e-4c42-9f0e-0d2b3a4c5d6e"


def args(**overrides):
    values = {
        "--municipality": "zeitz",
        "--service": "99115001001000",
        "--api-url": "https://submission-api.fit-connect.example/",
        "--token-url": "https://auth.fit-connect.example/token",
        "--client-id": "zeitz-sender",
        "--client-secret": "s3cr3t-Wert-4711",
        "--destination": DESTINATION,
    }
    values.update(overrides)
    return [item for pair in values.items() for item in pair]


def test_command_sets_the_route_with_the_secret_sealed(zeitz, capsys):
    call_command("fitconnect-route", *args())
    assert capsys.readouterr().out.strip() == (
        f"zeitz 99115001001000: FIT-Connect destination {DESTINATION}"
    )
    with scope(municipality=zeitz):
        route = DeliveryRoute.objects.get()
        assert route.plugin == "fitconnect"
        assert route.options == {
            "api_url": "https://submission-api.fit-connect.example/",
            "token_url": "https://auth.fit-connect.example/token",
            "client_id": "zeitz-sender",
            "destination": DESTINATION,
        }
        assert "s3cr3t" not in route.secrets_sealed
        assert selectors.delivery_route_options(route=route)["client_secret"] == (
            "s3cr3t-Wert-4711"
        )

    # Running it again replaces the route instead of adding one.
    call_command("fitconnect-route", *args(**{"--client-id": "neu"}))
    with scope(municipality=zeitz):
        assert list(DeliveryRoute.objects.values_list("options__client_id", flat=True)) == ["neu"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"--service": "12345678901234"},
            "--service: A LeiKa key has 14 digits and starts with 99.",
        ),
        ({"--service": "991150010010"}, "--service: A LeiKa key has 14 digits and starts with 99."),
        (
            {"--api-url": "ftp://x.example"},
            "--api-url: “ftp://x.example” is not a valid http(s) URL.",
        ),
        ({"--token-url": "token"}, "--token-url: “token” is not a valid http(s) URL."),
        ({"--destination": "zeitz-1"}, "--destination: The destination must be a UUID"),
        ({"--client-secret": " "}, "--client-secret: This option is required."),
    ],
)
def test_command_refuses_bad_values_clearly(zeitz, overrides, message):
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("fitconnect-route", *args(**overrides))
    assert str(error.value).startswith("The route was not set.\n")
    assert message in str(error.value)
    with scope(municipality=zeitz):
        assert not DeliveryRoute.objects.exists()


def test_command_refuses_an_unknown_municipality(db):
    with pytest.raises(CommandError, match="There is no municipality 'gibtsnicht'"):
        call_command("fitconnect-route", *args(**{"--municipality": "gibtsnicht"}))


def test_unknown_plugin_is_refused(zeitz):
    with (
        translation.override("en"),
        scope(municipality=zeitz),
        pytest.raises(ValidationError) as error,
    ):
        delivery_route_set(municipality=zeitz, leika="99115001001000", plugin="fax", options={})
    assert error.value.message_dict["plugin"] == [
        "Unknown delivery route “fax”; known are: backoffice, email, fitconnect."
    ]


def test_routes_belong_to_one_municipality(zeitz, naumburg):
    with scope(municipality=zeitz):
        delivery_route_set(
            municipality=zeitz,
            leika="99115001001000",
            plugin="email",
            options={"address": "buergerbuero@zeitz.example"},
        )
    with scope(municipality=naumburg):
        assert selectors.delivery_route_get(leika="99115001001000") is None
    with scope(municipality=zeitz):
        assert selectors.delivery_route_get(leika="99115001001000").options == {
            "address": "buergerbuero@zeitz.example"
        }


def test_secrets_survive_a_secret_key_rotation_with_fallback(zeitz, settings):
    with scope(municipality=zeitz):
        route = delivery_route_set(
            municipality=zeitz,
            leika="99115001001000",
            plugin="fitconnect",
            options={
                "api_url": "https://a.example",
                "token_url": "https://a.example/token",
                "client_id": "c",
                "client_secret": "geheim",
                "destination": str(uuid.uuid4()),
            },
        )
        old = settings.SECRET_KEY
        settings.SECRET_KEY = "a-new-secret-key-" + "y" * 40
        settings.SECRET_KEY_FALLBACKS = [old]
        assert selectors.delivery_route_options(route=route)["client_secret"] == "geheim"
        settings.SECRET_KEY_FALLBACKS = []
        with pytest.raises(ValueError, match="SECRET_KEY_FALLBACKS"):
            selectors.delivery_route_options(route=route)


def test_sealing_is_authenticated_and_reads_the_earlier_fernet_format(settings):
    import base64

    from cryptography.fernet import Fernet

    sealed = crypto.seal(b"Anna Schmidt", purpose="delivery.package")
    assert sealed.startswith(crypto.SEALED_MAGIC) and b"Anna" not in sealed
    assert crypto.unseal(sealed, purpose="delivery.package") == b"Anna Schmidt"
    # Another purpose, or one flipped bit, does not open.
    with pytest.raises(ValueError, match="SECRET_KEY"):
        crypto.unseal(sealed, purpose="delivery.municipality-key")
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(ValueError, match="SECRET_KEY"):
        crypto.unseal(tampered, purpose="delivery.package")
    # Values sealed with Fernet by earlier versions (same key derivation) still open.
    key = base64.urlsafe_b64encode(crypto._derived_key(settings.SECRET_KEY, "delivery.package"))
    legacy = Fernet(key).encrypt(b"Anna Schmidt")
    assert crypto.unseal(legacy, purpose="delivery.package") == b"Anna Schmidt"
    assert crypto.unseal_json(
        Fernet(key).encrypt(b'{"a": 1}').decode(), purpose="delivery.package"
    ) == {"a": 1}


def test_a_delivered_package_is_removed_and_cannot_be_sent_again(
    zeitz_scope, django_capture_on_commit_callbacks
):
    """Data minimisation (privacy register): once handed over, the platform keeps no copy."""
    from revier.delivery.models import Delivery
    from revier.delivery.services import (
        PackageDiscarded,
        delivery_enqueue,
        delivery_package,
        delivery_retry,
    )
    from tests.delivery.conftest import handed_over, make_package

    package = make_package(zeitz_scope)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = delivery_enqueue(package=package)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert bytes(delivery.package_sealed) == b""
    assert delivery.package_discarded_at == delivery.delivered_at
    with pytest.raises(PackageDiscarded):
        delivery_package(delivery=delivery)
    assert handed_over(delivery).data == package.data  # the office has it

    Delivery.objects.filter(pk=delivery.pk).update(status="failed")
    with translation.override("en"), pytest.raises(ValidationError, match="removed"):
        delivery_retry(delivery=delivery, actor=None)
