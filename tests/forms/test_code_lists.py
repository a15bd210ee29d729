"""Values of referenced code lists from genericode files."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from revier.forms.schema import json_schema, validate_answers
from revier.forms.services import code_list_load_genericode
from revier.forms.xdf import XDatenfelderError
from tests.backoffice.conftest import mu_url
from tests.conftest import make_staff
from tests.forms.conftest import XDF2, import_file

pytestmark = pytest.mark.django_db


def genericode(uri="urn:de:example", version="1", rows=(("01", "Frau"), ("02", "Herr"))) -> bytes:
    body = "".join(
        f'<Row><Value ColumnRef="code"><SimpleValue>{code}</SimpleValue></Value>'
        f'<Value ColumnRef="name"><SimpleValue>{label}</SimpleValue></Value></Row>'
        for code, label in rows
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">
  <Identification>
    <ShortName>Anrede</ShortName>
    <Version>{version}</Version>
    <CanonicalUri>{uri}</CanonicalUri>
    <CanonicalVersionUri>{uri}_{version}</CanonicalVersionUri>
  </Identification>
  <ColumnSet>
    <Column Id="code" Use="required"><ShortName>Schluessel</ShortName></Column>
    <Column Id="name" Use="required"><ShortName>Beschreibung</ShortName></Column>
    <Key Id="key"><ShortName>key</ShortName><ColumnRef Ref="code"/></Key>
  </ColumnSet>
  <SimpleCodeList>{body}</SimpleCodeList>
</gc:CodeList>""".encode()


def test_loaded_values_become_choices_and_an_enum(zeitz):
    version = import_file(zeitz, XDF2 / "select.xml")

    with scope(municipality=zeitz):
        code_list = code_list_load_genericode(version=version, data=genericode(), actor=None)
        assert code_list.values == [
            {"code": "01", "label": "Frau"},
            {"code": "02", "label": "Herr"},
        ]
        schema = json_schema(version)
        assert schema["properties"]["F123"]["enum"] == ["01", "02"]
        assert validate_answers(version, {"F123": "02"}) == {}
        assert validate_answers(version, {"F123": "03"}) == {
            "F123": ["Select one of the offered answers for “Hinweis”"]
        }


def test_wrong_list_or_version_is_refused(zeitz):
    version = import_file(zeitz, XDF2 / "select.xml")

    with scope(municipality=zeitz):
        with pytest.raises(ValidationError, match="references no code list urn:de:other"):
            code_list_load_genericode(
                version=version, data=genericode(uri="urn:de:other"), actor=None
            )
        with pytest.raises(ValidationError, match="in version 2"):
            code_list_load_genericode(version=version, data=genericode(version="2"), actor=None)
        with pytest.raises(XDatenfelderError) as caught:
            code_list_load_genericode(
                version=version, data=genericode(rows=(("01", "A"), ("01", "B"))), actor=None
            )
        assert [str(p) for p in caught.value.problems] == [
            "/gc:CodeList/SimpleCodeList/Row[2] (line 14): Duplicate code 01."
        ]
        assert version.code_lists.get().values == []


def test_published_version_keeps_its_values(zeitz):
    version = import_file(zeitz, XDF2 / "select.xml", publish=True)

    with scope(municipality=zeitz), pytest.raises(ValidationError, match="Only a draft"):
        code_list_load_genericode(version=version, data=genericode(), actor=None)


def test_upload_in_the_back_office(client, zeitz):
    client.force_login(make_staff(zeitz, "case_worker", "cw@zeitz.example"))
    version = import_file(zeitz, XDF2 / "select.xml")
    url = mu_url(zeitz, "forms_backoffice:code_list_upload", pk=version.pk)

    bad = client.post(url, {"file": SimpleUploadedFile("x.xml", b"<html/>")})
    good = client.post(url, {"file": SimpleUploadedFile("anrede.xml", genericode())})

    assert bad.status_code == 400
    assert "This is not a genericode code list." in bad.content.decode()
    assert good.status_code == 302
    page = client.get(good["Location"]).content.decode()
    assert "2 values of urn:de:example 1 have been loaded." in page
