"""The demo's online application: "Wohnsitz Anmeldung" in Zeitz, so residents of ``make run`` can
really apply (a small FIM-like Stammdatenschema with a repeatable group, plus an upload page)."""

from __future__ import annotations

from django.db import transaction
from django_scopes import scope

from revier.forms.models import Field, Form, FormVersion
from revier.forms.services import (
    form_field_add,
    form_import_xdatenfelder,
    form_step_add,
    form_version_publish,
)

LEIKA = "99115005104000"  # Wohnsitz Anmeldung (offered online in the demo's Zeitz)
MUNICIPALITY = "zeitz"
UPLOAD_LABEL = "Wohnungsgeberbestätigung"

# Ids in the demo's own range (D…): this is an example, not a schema from the FIM repository.
_SCHEMA = """<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_3.0.0">
  <xdf:header>
    <xdf:nachrichtID>demo-wohnsitz</xdf:nachrichtID>
    <xdf:erstellungszeitpunkt>2026-01-01T00:00:00Z</xdf:erstellungszeitpunkt>
  </xdf:header>
  <xdf:stammdatenschema>
    <xdf:identifikation><xdf:id>SD0000001</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
    <xdf:name>Wohnsitz Anmeldung</xdf:name>
    <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
    <xdf:letzteAenderung>2026-01-01T00:00:00Z</xdf:letzteAenderung>
    <xdf:bezeichnung>Anmeldung einer Wohnung (Demo)</xdf:bezeichnung>
    {children}
  </xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>
"""


def _field(fid: str, label: str, *, datatype: str = "text", extra: str = "", help_: str = ""):
    return f"""<xdf:datenfeld>
      <xdf:identifikation><xdf:id>{fid}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
      <xdf:name>{label}</xdf:name>
      <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
      <xdf:letzteAenderung>2026-01-01T00:00:00Z</xdf:letzteAenderung>
      <xdf:bezeichnungEingabe>{label}</xdf:bezeichnungEingabe>
      <xdf:schemaelementart><code>RNG</code></xdf:schemaelementart>
      {f"<xdf:hilfetextEingabe>{help_}</xdf:hilfetextEingabe>" if help_ else ""}
      <xdf:feldart><code>input</code></xdf:feldart>
      <xdf:datentyp><code>{datatype}</code></xdf:datentyp>
      {extra}
    </xdf:datenfeld>"""


def _group(gid: str, label: str, children: str) -> str:
    return f"""<xdf:datenfeldgruppe>
      <xdf:identifikation><xdf:id>{gid}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
      <xdf:name>{label}</xdf:name>
      <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
      <xdf:letzteAenderung>2026-01-01T00:00:00Z</xdf:letzteAenderung>
      <xdf:bezeichnungEingabe>{label}</xdf:bezeichnungEingabe>
      <xdf:schemaelementart><code>HAR</code></xdf:schemaelementart>
      {children}
    </xdf:datenfeldgruppe>"""


def _part(count: str, element: str) -> str:
    return (
        f"<xdf:struktur><xdf:anzahl>{count}</xdf:anzahl>"
        f"<xdf:enthaelt>{element}</xdf:enthaelt></xdf:struktur>"
    )


def _name(fid: str, label: str) -> str:
    return _field(fid, label, extra='<xdf:praezisierung minLength="1" maxLength="120"/>')


def schema() -> bytes:
    person = _group(
        "GD0000001",
        "Angaben zur Person",
        _part("1:1", _name("FD0000001", "Familienname"))
        + _part("1:1", _name("FD0000002", "Vorname"))
        + _part("1:1", _field("FD0000003", "Geburtsdatum", datatype="date")),
    )
    flat = _group(
        "GD0000002",
        "Neue Wohnung",
        _part("1:1", _field("FD0000010", "Straße und Hausnummer"))
        + _part(
            "1:1",
            _field(
                "FD0000011",
                "Postleitzahl",
                extra='<xdf:praezisierung pattern="[0-9]{5}"/>',
                help_="Fünf Ziffern, zum Beispiel 06712.",
            ),
        )
        + _part("1:1", _field("FD0000012", "Ort"))
        + _part("1:1", _field("FD0000013", "Tag des Einzugs", datatype="date")),
    )
    others = _group(
        "GD0000003",
        "Mitziehende Person",
        _part("1:1", _name("FD0000020", "Familienname"))
        + _part("1:1", _name("FD0000021", "Vorname"))
        + _part("1:1", _field("FD0000022", "Geburtsdatum", datatype="date")),
    )
    children = _part("1:1", person) + _part("1:1", flat) + _part("0:5", others)
    return _SCHEMA.format(children=children).encode()


@transaction.atomic
def load_demo_applications(municipalities: dict) -> FormVersion | None:
    """Publish the demo form for Wohnsitz Anmeldung in Zeitz (idempotent)."""
    municipality = municipalities.get(MUNICIPALITY)
    if municipality is None:
        return None
    with scope(municipality=municipality):
        form = Form.objects.filter(leika=LEIKA).first()
        if form is not None and form.versions.exists():
            return form.versions.order_by("-number").first()
        version = form_import_xdatenfelder(
            municipality=municipality,
            leika=LEIKA,
            data=schema(),
            filename="wohnsitz-anmeldung-demo.xml",
            actor=None,
        )
        step = form_step_add(version=version, title="Nachweise", actor=None)
        form_field_add(
            version=version,
            step=step,
            label=UPLOAD_LABEL,
            datatype=Field.Datatype.FILE,
            required=True,
            help_text="Die Bestätigung Ihres Vermieters über den Einzug (PDF oder Foto).",
            actor=None,
        )
        return form_version_publish(version=version, actor=None)


def load() -> None:
    """The applications module's demo step (``revier demo``)."""
    from revier.accounts.demo import demo_municipalities

    load_demo_applications(demo_municipalities())
