"""Errors, autocomplete and pre-fill on the application pages, as GOV.UK's patterns ask
(issue 12, items 6 and 10): one message per field that names it and says what to do, an error
summary linking to each field, sensible date rules, one message for a wrong file, every answer
kept, ``autocomplete`` tokens on the applicant's own fields, pre-fill from the account."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from revier.applications.models import Application
from tests.applications.test_journey import _login, _start

pytestmark = pytest.mark.django_db

FAMILY, GIVEN, BIRTH, POSTCODE = (
    "G60000086/F60000227",
    "G60000086/F60000228/0",
    "G60000086/F60000229",
    "G60000086/F60000230",
)


def _summary(html: str) -> list[tuple[str, str]]:
    """(link target, text) of each entry of the error summary."""
    block = html.split('id="error-summary-title"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a class="kern-link" href="#([^"]+)">([^<]*)</a>', block)


def _field_errors(html: str) -> list[str]:
    return re.findall(r'class="kern-error"[^>]*>.*?<span class="kern-body">([^<]*)</span>', html)


@pytest.fixture
def page(client, zeitz, dog_form, resident):
    _login(client, resident)
    application = _start(client)
    return f"/zeitz/antrag/{application.reference}/seite"


def test_empty_page_names_each_field_once_in_page_order(client, page):
    response = client.post(f"{page}/1/", {"count:G60000086/F60000228": "1", "continue": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert _summary(html) == [
        ("a-G60000086-F60000227", "Enter your family name"),
        ("a-G60000086-F60000229", "Enter your date of birth"),
    ]
    # The same message at the field, once; never "This field is required."
    assert _field_errors(html) == ["Enter your family name", "Enter your date of birth"]
    assert "This field is required" not in html
    assert 'id="a-G60000086-F60000227"' in html and 'id="a-G60000086-F60000229"' in html


@pytest.mark.parametrize(
    ("birth", "message"),
    [
        ("2099-01-01", "The date of birth must be in the past"),
        (
            (dt.date.today() + dt.timedelta(days=1)).isoformat(),
            "The date of birth must be in the past",
        ),
        ("1899-12-31", "The date of birth must be on or after 1 January 1900"),
        ("31.02.1980", "The date of birth must be a real date, for example 17.05.1980"),
    ],
)
def test_birth_date_rules_and_every_answer_kept(client, zeitz, page, birth, message):
    answers = {
        FAMILY: "Schmidt",
        "count:G60000086/F60000228": "1",
        GIVEN: "Anna",
        BIRTH: birth,
        POSTCODE: "06712",
    }
    response = client.post(f"{page}/1/", {**answers, "continue": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert _summary(html) == [("a-G60000086-F60000229", message)]
    assert _field_errors(html) == [message]
    for value in ("Schmidt", "Anna", "06712", birth):
        assert f'value="{value}"' in html
    with scope(municipality=zeitz):
        raw = Application.objects.get().raw["values"]
    assert raw[BIRTH] == birth and raw[FAMILY] == "Schmidt"


def test_a_date_of_birth_of_today_minus_a_day_is_fine(client, page):
    answers = {
        FAMILY: "Schmidt",
        "count:G60000086/F60000228": "1",
        GIVEN: "Anna",
        BIRTH: (dt.date.today() - dt.timedelta(days=1)).isoformat(),
    }
    assert client.post(f"{page}/1/", {**answers, "continue": "1"}).status_code == 302


def test_postcode_pattern_says_what_to_do(client, page):
    answers = {FAMILY: "Schmidt", BIRTH: "1980-05-17", POSTCODE: "6712"}
    html = client.post(f"{page}/1/", {**answers, "continue": "1"}).content.decode()
    assert _summary(html) == [
        ("a-G60000086-F60000230", "Enter a postcode with 5 digits, for example 06712")
    ]


def test_repeated_group_errors_say_which_one(client, page):
    client.post(f"{page}/1/", {FAMILY: "Schmidt", BIRTH: "1980-05-17", "continue": "1"})
    dogs = {
        "count:G60000100": "2",
        "G60000100/0/F60000301": "01",
        "G60000100/0/F60000302": "3",
        "G60000100/1/F60000302": "sieben",
        "continue": "1",
    }
    html = client.post(f"{page}/2/", dogs).content.decode()
    assert _summary(html) == [
        ("a-G60000100-1-F60000301", "Hund 2: Select an answer for “Rasse”"),
        (
            "a-G60000100-1-F60000302",
            "Hund 2: “Alter in Jahren” must be a whole number, for example 3",
        ),
    ]


def test_wrong_file_type_gets_one_message(client, page):
    fake = SimpleUploadedFile("nachweis.pdf", b"MZ\x90\x00 no pdf", content_type="application/pdf")
    html = client.post(f"{page}/3/", {"feld_10": fake, "continue": "1"}).content.decode()
    assert _summary(html) == [("a-feld_10", "The file must be a PDF, JPEG or PNG")]
    assert _field_errors(html) == ["The file must be a PDF, JPEG or PNG"]
    # Nothing uploaded at all: one message that says what to do.
    html = client.post(f"{page}/3/", {"continue": "1"}).content.decode()
    assert _summary(html) == [("a-feld_10", "Upload “Nachweis Haftpflicht”")]


def test_personal_fields_carry_autocomplete_tokens(client, page):
    html = client.get(f"{page}/1/").content.decode()
    inputs = {m.group(1): m.group(0) for m in re.finditer(r'<input[^>]*id="a-([^"]+)"[^>]*>', html)}
    assert 'autocomplete="family-name"' in inputs["G60000086-F60000227"]
    assert 'autocomplete="given-name"' in inputs["G60000086-F60000228-0"]
    assert 'autocomplete="bday"' in inputs["G60000086-F60000229"]
    assert 'autocomplete="postal-code"' in inputs["G60000086-F60000230"]
    # Another person's data (a dog here) gets none.
    html = client.get(f"{page}/2/").content.decode()
    assert "autocomplete=" not in html.split("<main", 1)[1]
