import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from revier.tenancy import keys
from revier.tenancy.models import Domain, Municipality, contrast_with_white
from revier.tenancy.services import domain_add, municipality_create, municipality_set_modules
from tests.conftest import make_municipality


@pytest.mark.parametrize(
    ("ags", "ars"),
    [("15084590", "150840590590"), ("15084130", "150840130130"), ("11000000", "110000000000")],
)
def test_real_keys_are_consistent(ags, ars):
    keys.validate_ags(ags)
    keys.validate_ars(ars)
    keys.validate_ags_matches_ars(ags, ars)
    assert keys.ags_from_ars(ars) == ags


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1508459", "ags_format"),
        ("150845900", "ags_format"),
        ("1508459a", "ags_format"),
        ("١٥٠٨٤٥٩٠", "ags_format"),
        ("17084590", "ags_land"),
        ("00084590", "ags_land"),
    ],
)
def test_invalid_ags_is_refused_with_reason(value, code):
    with pytest.raises(ValidationError) as exc:
        keys.validate_ags(value)
    assert exc.value.code == code


def test_mismatching_ars_is_refused(db):
    with pytest.raises(ValidationError) as exc:
        municipality_create(slug="zeitz", name="Zeitz", ags="15084590", ars="150840355355")
    assert "ars" in exc.value.message_dict
    assert "do not describe the same municipality" in exc.value.message_dict["ars"][0]
    assert not Municipality.objects.exists()


def test_land_and_kreis_key_derive_from_ags(zeitz):
    assert zeitz.land == "Sachsen-Anhalt"
    assert zeitz.kreis_key == "15084"


def test_duplicate_slug_ags_and_domain_are_refused_and_change_nothing(zeitz):
    with pytest.raises(ValidationError) as exc:
        municipality_create(slug="zeitz", name="Zeitz 2", ags="15084355", ars="150840355355")
    assert "slug" in exc.value.message_dict
    domain_add(municipality=zeitz, domain="service.zeitz.example", is_primary=True)
    naumburg = make_municipality("naumburg")
    with pytest.raises(ValidationError) as exc:
        domain_add(municipality=naumburg, domain="SERVICE.zeitz.example")
    assert "domain" in exc.value.message_dict
    assert Municipality.objects.count() == 2
    assert list(Domain.objects.values_list("domain", "municipality__slug")) == [
        ("service.zeitz.example", "zeitz")
    ]


@pytest.mark.parametrize("slug", ["api", "admin", "static", "healthz", "accounts"])
def test_reserved_slugs_are_refused(db, slug):
    with pytest.raises(ValidationError) as exc:
        municipality_create(slug=slug, name="X", ags="15084590", ars="150840590590")
    assert "slug" in exc.value.message_dict


def test_invalid_domain_is_refused(zeitz):
    for bad in ["zeitz", "http://zeitz.example", "-zeitz.example", "zeitz..example"]:
        with pytest.raises(ValidationError):
            domain_add(municipality=zeitz, domain=bad)
    assert not Domain.objects.exists()


def test_primary_colour_needs_aa_contrast(db):
    assert contrast_with_white("#ffff00") < 4.5
    with pytest.raises(ValidationError) as exc:
        make_municipality("zeitz", primary_colour="#ffff00")
    assert "4.5:1" in exc.value.message_dict["primary_colour"][0]


def test_unknown_module_is_refused(zeitz):
    with pytest.raises(ValidationError) as exc:
        municipality_set_modules(municipality=zeitz, modules=["news", "teleportation"])
    assert "teleportation" in str(exc.value)
    zeitz.refresh_from_db()
    assert zeitz.enabled_modules == ["news"]


def test_create_municipality_command(db, capsys):
    call_command(
        "create-municipality",
        "--slug",
        "elsteraue",
        "--name",
        "Elsteraue",
        "--ags",
        "15084130",
        "--ars",
        "150840130130",
        "--domain",
        "service.elsteraue.example",
        "--module",
        "news",
    )
    assert capsys.readouterr().out.strip() == "elsteraue"
    created = Municipality.objects.get(slug="elsteraue")
    assert created.domains.get().is_primary
    with pytest.raises(CommandError, match=r"Nothing was created\.\nags: The AGS must consist"):
        call_command(
            "create-municipality",
            "--slug",
            "x",
            "--name",
            "X",
            "--ags",
            "123",
            "--ars",
            "150840130130",
        )
    assert Municipality.objects.count() == 1
