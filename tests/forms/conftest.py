from pathlib import Path

import pytest
from django_scopes import scope

from tests.conftest import SHARED_DATA

FIM = SHARED_DATA / "fim"
XDF2 = FIM / "xdf2-fixtures"
XDF3 = FIM / "xdf3-fixtures"
XDF1_WBK = FIM / "S00000036-Waffenbesitzkarte-xdf1.xml"
LEIKA = "99089001001000"
OTHER_LEIKA = "99115005104000"


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages as written in the code, whatever translations exist."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def import_file(municipality, path, *, leika=LEIKA, publish=False, actor=None):
    from revier.forms.services import form_import_xdatenfelder

    data = path.read_bytes() if isinstance(path, Path) else path
    with scope(municipality=municipality):
        return form_import_xdatenfelder(
            municipality=municipality,
            leika=leika,
            data=data,
            filename=getattr(path, "name", "upload.xml"),
            publish=publish,
            actor=actor,
        )


V3_SCHEMA = """<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_3.0.0">
  <xdf:header>
    <xdf:nachrichtID>m1</xdf:nachrichtID>
    <xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z</xdf:erstellungszeitpunkt>
  </xdf:header>
  <xdf:stammdatenschema>
    <xdf:identifikation><xdf:id>S60000011</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
    <xdf:name>Hundesteuer Anmeldung</xdf:name>
    <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
    <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>
    <xdf:bezeichnung>Anmeldung eines Hundes</xdf:bezeichnung>
    {rules}
    {children}
  </xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>
"""


def v3_field(fid, label, *, datatype="text", kind="input", extra="", rules=""):
    return f"""<xdf:datenfeld>
      <xdf:identifikation><xdf:id>{fid}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
      <xdf:name>{label}</xdf:name>
      <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
      <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>
      <xdf:bezeichnungEingabe>{label}</xdf:bezeichnungEingabe>
      <xdf:schemaelementart><code>RNG</code></xdf:schemaelementart>
      <xdf:hilfetextEingabe>Hilfe zu {label}</xdf:hilfetextEingabe>
      <xdf:feldart><code>{kind}</code></xdf:feldart>
      <xdf:datentyp><code>{datatype}</code></xdf:datentyp>
      {extra}{rules}
    </xdf:datenfeld>"""


def v3_group(gid, label, children, *, rules=""):
    return f"""<xdf:datenfeldgruppe>
      <xdf:identifikation><xdf:id>{gid}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
      <xdf:name>{label}</xdf:name>
      <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
      <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>
      <xdf:bezeichnungEingabe>{label}</xdf:bezeichnungEingabe>
      <xdf:schemaelementart><code>HAR</code></xdf:schemaelementart>
      {rules}{children}
    </xdf:datenfeldgruppe>"""


def v3_rule(rid, name, script, *, typ="V", text=""):
    return f"""<xdf:regel>
      <xdf:identifikation><xdf:id>{rid}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
      <xdf:name>{name}</xdf:name>
      <xdf:freitextRegel>{text}</xdf:freitextRegel>
      <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>
      <xdf:typ><code>{typ}</code></xdf:typ>
      <xdf:skript>{script}</xdf:skript>
    </xdf:regel>"""


def struktur(anzahl, element):
    return (
        f"<xdf:struktur><xdf:anzahl>{anzahl}</xdf:anzahl>"
        f"<xdf:enthaelt>{element}</xdf:enthaelt></xdf:struktur>"
    )


def dog_tax_schema() -> bytes:
    """A realistic v3 Stammdatenschema: person group, a repeatable dog group, rules."""
    person = v3_group(
        "G60000086",
        "Angaben zur Person",
        struktur(
            "1:1",
            v3_field(
                "F60000227",
                "Familienname",
                extra='<xdf:praezisierung minLength="1" maxLength="120"/>',
            ),
        )
        + struktur(
            "0:3", v3_field("F60000228", "Vorname", extra='<xdf:praezisierung maxLength="80"/>')
        )
        + struktur("1:1", v3_field("F60000229", "Geburtsdatum", datatype="date"))
        + struktur(
            "0:1",
            v3_field(
                "F60000230",
                "Postleitzahl",
                extra='<xdf:praezisierung pattern="[0-9]{5}"/>',
            ),
        ),
    )
    dog = v3_group(
        "G60000100",
        "Hund",
        struktur(
            "1:1",
            v3_field(
                "F60000301",
                "Rasse",
                kind="select",
                extra="<xdf:werte><xdf:wert><xdf:code>01</xdf:code><xdf:name>Mischling</xdf:name></xdf:wert>"
                "<xdf:wert><xdf:code>02</xdf:code><xdf:name>Dackel</xdf:name></xdf:wert></xdf:werte>",
            ),
        )
        + struktur(
            "1:1",
            v3_field(
                "F60000302",
                "Alter in Jahren",
                datatype="num_int",
                extra='<xdf:praezisierung minValue="0" maxValue="30"/>',
            ),
        )
        + struktur("0:1", v3_field("F60000303", "Gefährlicher Hund", datatype="bool"))
        + struktur("0:1", v3_field("F60000304", "Nachweis Sachkunde", datatype="text")),
        rules=v3_rule(
            "R60000401",
            "Sachkunde bei gefährlichem Hund",
            "if (F60000303 == true) required(F60000304)",
            typ="K",
        )
        + v3_rule("R60000402", "Alter plausibel", "F60000302 &lt;= 25")
        + v3_rule("R60000403", "Komplex", "function script() { return x.y; }", typ="B"),
    )
    note = v3_field(
        "F60000500", "Hinweis", kind="label", extra="<xdf:inhalt>Bitte vollständig.</xdf:inhalt>"
    )
    children = struktur("1:1", note) + struktur("1:1", person) + struktur("1:*", dog)
    return V3_SCHEMA.format(rules="", children=children).encode()
