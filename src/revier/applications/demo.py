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


def _field(
    fid: str,
    label: str,
    *,
    datatype: str = "text",
    extra: str = "",
    help_: str = "",
    kind: str = "input",
):
    return f"""<xdf:datenfeld>
      <xdf:identifikation><xdf:id>{fid}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
      <xdf:name>{label}</xdf:name>
      <xdf:freigabestatus><code>6</code></xdf:freigabestatus>
      <xdf:letzteAenderung>2026-01-01T00:00:00Z</xdf:letzteAenderung>
      <xdf:bezeichnungEingabe>{label}</xdf:bezeichnungEingabe>
      <xdf:schemaelementart><code>RNG</code></xdf:schemaelementart>
      {f"<xdf:hilfetextEingabe>{help_}</xdf:hilfetextEingabe>" if help_ else ""}
      <xdf:feldart><code>{kind}</code></xdf:feldart>
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


# --- the other services Zeitz (and Naumburg) mark online: each gets a real form ------------------
# Same shape for all: the applicant (name, birth date), the address, how to reach them, then
# what the service needs. Ids in the demo's own range, as above.


def _values(*labels: str) -> str:
    return (
        "<xdf:werte>"
        + "".join(
            f"<xdf:wert><xdf:code>{i:02d}</xdf:code><xdf:name>{label}</xdf:name></xdf:wert>"
            for i, label in enumerate(labels, start=1)
        )
        + "</xdf:werte>"
    )


def _choice(fid: str, label: str, *labels: str, help_: str = "") -> str:
    return _field(fid, label, kind="select", extra=_values(*labels), help_=help_)


def _text(fid: str, label: str, max_length: int = 200, help_: str = "") -> str:
    return _field(fid, label, extra=f'<xdf:praezisierung maxLength="{max_length}"/>', help_=help_)


def _applicant() -> str:
    person = _group(
        "GD0000001",
        "Angaben zur Person",
        _part("1:1", _name("FD0000001", "Familienname"))
        + _part("1:1", _name("FD0000002", "Vorname"))
        + _part("1:1", _field("FD0000003", "Geburtsdatum", datatype="date")),
    )
    address = _group(
        "GD0000004",
        "Ihre Anschrift",
        _part("1:1", _text("FD0000040", "Straße und Hausnummer"))
        + _part(
            "1:1",
            _field(
                "FD0000041",
                "Postleitzahl",
                extra='<xdf:praezisierung pattern="[0-9]{5}"/>',
                help_="Fünf Ziffern, zum Beispiel 06712.",
            ),
        )
        + _part("1:1", _text("FD0000042", "Ort")),
    )
    contact = _group(
        "GD0000005",
        "So erreichen wir Sie",
        _part(
            "0:1",
            _text(
                "FD0000050",
                "E-Mail-Adresse",
                254,
                help_="Für Rückfragen und die Eingangsbestätigung.",
            ),
        )
        + _part("0:1", _text("FD0000051", "Telefonnummer", 50)),
    )
    return _part("1:1", person) + _part("1:1", address) + _part("1:1", contact)


def _service_group(label: str, parts: list[tuple[str, str]]) -> str:
    return _part("1:1", _group("GD0000010", label, "".join(_part(n, f) for n, f in parts)))


def _count(fid: str, label: str) -> str:
    return _field(
        fid, label, datatype="num_int", extra='<xdf:praezisierung minValue="1" maxValue="10"/>'
    )


FORMS: dict[str, tuple[str, list[tuple[str, str]], str]] = {
    "99115005070000": (
        "Wohnsitz Abmeldung",
        [
            ("1:1", _field("FD0000100", "Tag des Auszugs", datatype="date")),
            ("1:1", _choice("FD0000101", "Wohin ziehen Sie?", "Ins Ausland", "Unbekannt")),
            ("0:1", _text("FD0000102", "Neue Anschrift im Ausland", 300)),
        ],
        "Ihr Auszug",
    ),
    "99115003012000": (
        "Meldebescheinigung",
        [
            (
                "1:1",
                _choice(
                    "FD0000110",
                    "Welche Bescheinigung brauchen Sie?",
                    "Einfache Meldebescheinigung",
                    "Erweiterte Meldebescheinigung",
                    help_="Die erweiterte enthält auch frühere Anschriften.",
                ),
            ),
            ("0:1", _text("FD0000111", "Wofür brauchen Sie die Bescheinigung?", 500)),
        ],
        "Die Bescheinigung",
    ),
    "99008001014002": (
        "Verlust des Personalausweises melden",
        [
            ("1:1", _choice("FD0000120", "Was ist passiert?", "Verloren", "Gestohlen")),
            ("1:1", _field("FD0000121", "Wann haben Sie den Verlust bemerkt?", datatype="date")),
            (
                "0:1",
                _text(
                    "FD0000122",
                    "Nummer des Personalausweises",
                    20,
                    help_="Steht oben rechts auf der Vorderseite, falls Sie eine Kopie haben.",
                ),
            ),
        ],
        "Der Verlust",
    ),
    "99050012104000": (
        "Gewerbeanmeldung",
        [
            ("1:1", _text("FD0000130", "Name des Betriebs")),
            ("1:1", _text("FD0000131", "Welche Tätigkeit üben Sie aus?", 1000)),
            ("1:1", _field("FD0000132", "Beginn der Tätigkeit", datatype="date")),
            ("1:1", _text("FD0000133", "Anschrift der Betriebsstätte", 300)),
        ],
        "Ihr Gewerbe",
    ),
    "99108001001000": (
        "Bewohnerparkausweis",
        [
            (
                "1:1",
                _text(
                    "FD0000140",
                    "Amtliches Kennzeichen",
                    12,
                    help_="Zum Beispiel BLK-AB 123.",
                ),
            ),
            (
                "1:1",
                _choice(
                    "FD0000141",
                    "Auf wen ist das Fahrzeug zugelassen?",
                    "Auf mich",
                    "Auf meinen Arbeitgeber (Dienstwagen)",
                    "Auf eine andere Person",
                ),
            ),
        ],
        "Ihr Fahrzeug",
    ),
    "99027002012000": (
        "Geburtsurkunde",
        [
            (
                "1:1",
                _choice(
                    "FD0000150",
                    "Für wen beantragen Sie die Urkunde?",
                    "Für mich",
                    "Für mein Kind",
                    "Für eine andere Person",
                ),
            ),
            ("1:1", _text("FD0000151", "Name der Person bei der Geburt")),
            ("1:1", _field("FD0000152", "Geburtsdatum der Person", datatype="date")),
            ("1:1", _count("FD0000153", "Wie viele Urkunden brauchen Sie?")),
        ],
        "Die Urkunde",
    ),
    "99101004012000": (
        "Sterbeurkunde",
        [
            ("1:1", _text("FD0000160", "Name der verstorbenen Person")),
            ("1:1", _field("FD0000161", "Sterbedatum", datatype="date")),
            ("1:1", _text("FD0000162", "Sterbeort")),
            ("1:1", _text("FD0000163", "In welcher Beziehung standen Sie zur Person?")),
            ("1:1", _count("FD0000164", "Wie viele Urkunden brauchen Sie?")),
        ],
        "Die Urkunde",
    ),
    "99102013104000": (
        "Hundesteuer Anmeldung",
        [
            ("1:1", _text("FD0000170", "Rasse des Hundes", 100)),
            ("1:1", _field("FD0000171", "Geburtsdatum des Hundes", datatype="date")),
            ("1:1", _field("FD0000172", "Seit wann halten Sie den Hund?", datatype="date")),
            ("1:1", _field("FD0000173", "Gilt der Hund als gefährlich?", datatype="bool")),
        ],
        "Ihr Hund",
    ),
    "99115004001001": (
        "Einfache Melderegisterauskunft",
        [
            ("1:1", _text("FD0000180", "Name der gesuchten Person")),
            ("1:1", _text("FD0000181", "Letzte bekannte Anschrift der Person", 300)),
            ("0:1", _field("FD0000182", "Geburtsdatum der gesuchten Person", datatype="date")),
        ],
        "Die gesuchte Person",
    ),
    "99059004012000": (
        "Eheurkunde",
        [
            ("1:1", _text("FD0000190", "Namen beider Ehegatten", 300)),
            ("1:1", _field("FD0000191", "Tag der Eheschließung", datatype="date")),
            ("1:1", _count("FD0000192", "Wie viele Urkunden brauchen Sie?")),
        ],
        "Die Urkunde",
    ),
    "99102017002000": (
        "Zweitwohnungsteuer",
        [
            ("1:1", _text("FD0000200", "Anschrift der Zweitwohnung", 300)),
            ("1:1", _field("FD0000201", "Tag des Einzugs", datatype="date")),
            (
                "1:1",
                _field(
                    "FD0000202",
                    "Jährliche Nettokaltmiete in Euro",
                    datatype="num_currency",
                    extra='<xdf:praezisierung minValue="0"/>',
                ),
            ),
        ],
        "Die Zweitwohnung",
    ),
}

# Which municipality offers which of them online (``services.demo.OFFER`` marks the same).
ONLINE_FORMS = {
    "zeitz": list(FORMS),
    "naumburg": ["99102013104000"],
}


def form_schema(leika: str) -> bytes:
    title, parts, step = FORMS[leika]
    children = _applicant() + _service_group(step, parts)
    return (
        _SCHEMA.replace("SD0000001", "SD00" + leika[-5:])
        .replace("<xdf:name>Wohnsitz Anmeldung</xdf:name>", f"<xdf:name>{title}</xdf:name>")
        .replace(
            "<xdf:bezeichnung>Anmeldung einer Wohnung (Demo)</xdf:bezeichnung>",
            f"<xdf:bezeichnung>{title}</xdf:bezeichnung>",
        )
        .format(children=children)
        .encode()
    )


def load_demo_forms(municipalities: dict) -> int:
    """Publish a form for every other service the demo marks online (idempotent)."""
    published = 0
    for slug, leikas in ONLINE_FORMS.items():
        municipality = municipalities.get(slug)
        if municipality is None:
            continue
        with scope(municipality=municipality):
            existing = set(Form.objects.filter(leika__in=leikas).values_list("leika", flat=True))
            for leika in leikas:
                if leika in existing:
                    continue
                form_import_xdatenfelder(
                    municipality=municipality,
                    leika=leika,
                    data=form_schema(leika),
                    filename=f"demo-{leika}.xml",
                    actor=None,
                    publish=True,
                )
                published += 1
    return published


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

    municipalities = demo_municipalities()
    load_demo_applications(municipalities)
    load_demo_forms(municipalities)
