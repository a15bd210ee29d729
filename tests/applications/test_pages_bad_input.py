"""Bad input on the application pages: invisible characters are a field error and never stored
(PostgreSQL cannot store NUL), free text has a maxlength (issue 13, items 1 and 8)."""

from django_scopes import scope

from tests.applications.test_journey import PERSON, _login, _start


def test_invisible_characters_are_a_field_error_and_not_stored(client, zeitz, dog_form, resident):
    _login(client, resident)
    application = _start(client)
    base = f"/zeitz/antrag/{application.reference}/seite"
    client.post(f"{base}/0/", {"continue": "1"})
    spoofed = {**PERSON, "G60000086/F60000227": "Schm\u202eidt\x00"}
    response = client.post(f"{base}/1/", {**spoofed, "continue": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "U+202E" in html  # the error names the character
    assert 'value="Schmidt"' in html  # the rest of the answer stays
    with scope(municipality=zeitz):
        application.refresh_from_db()
    assert application.raw["values"]["G60000086/F60000227"] == "Schmidt"


def test_free_text_fields_carry_a_maxlength(client, zeitz, dog_form, resident):
    _login(client, resident)
    application = _start(client)
    html = client.get(f"/zeitz/antrag/{application.reference}/seite/1/").content.decode()
    surname = html.split('id="a-G60000086-F60000227"')[1].split(">")[0]
    assert "maxlength=" in surname
